package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/duban-gov/duban/indicator"
	"github.com/duban-gov/duban/scoring"
	"github.com/duban-gov/duban/slip"
)

type sheetRequest struct {
	GroupName string           `json:"group_name"`
	Tasks     []scoring.Task   `json:"tasks"`
	Members   []scoring.Member `json:"members"`
}

// sheetKey reads :group and :month of a sheet route.
func sheetKey(c *gin.Context) (string, string, error) {
	group, month := c.Param("group"), c.Param("month")
	if !indicator.ValidCode(group) {
		return "", "", slip.Invalid("group", "分组编码无效：%q", group)
	}
	_, err := indicator.ParseMonth(month)
	return group, month, err
}

// putSheet: PUT /api/v1/sheets/:group/:month (office) {group_name, tasks,
// members} — a group's 三考三比 sheet for a month: the fixed fifteen and
// the month's X, each with its maximum, and the members scored.
func (s *Server) putSheet(c *gin.Context) {
	var req sheetRequest
	if err := decodeJSON(c, &req, false); err != nil {
		s.fail(c, err)
		return
	}
	group, month, err := sheetKey(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := scoring.ValidateTasks(req.Tasks); err != nil {
		s.fail(c, err)
		return
	}
	seen := map[string]bool{}
	for _, m := range req.Members {
		if !indicator.ValidCode(m.Code) || strings.TrimSpace(m.Name) == "" || seen[m.Code] {
			s.fail(c, slip.Invalid("members", "每个成员须有唯一的编码和名称"))
			return
		}
		seen[m.Code] = true
	}
	if strings.TrimSpace(req.GroupName) == "" || len(req.Members) == 0 {
		s.fail(c, slip.Invalid("group_name", "请填写分组名称和成员"))
		return
	}
	if err := s.store.PutSheet(c.Request.Context(), group, strings.TrimSpace(req.GroupName), month, req.Tasks, req.Members, s.now()); err != nil {
		s.fail(c, err)
		return
	}
	s.getSheet(c)
}

type scoresRequest struct {
	Member string           `json:"member_code"`
	Scores []scoring.Points `json:"scores"`
}

// setScores: POST /api/v1/sheets/:group/:month/scores (office)
// {member_code, scores} — one member's score on every task, in the tasks'
// order (at most two decimals, 0 to the task's maximum).
func (s *Server) setScores(c *gin.Context) {
	var req scoresRequest
	if err := decodeJSON(c, &req, false); err != nil {
		s.fail(c, err)
		return
	}
	group, month, err := sheetKey(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.store.SetScores(c.Request.Context(), group, month, req.Member, req.Scores, principal(c).Name, s.now()); err != nil {
		s.fail(c, err)
		return
	}
	s.getSheet(c)
}

// getSheet: GET /api/v1/sheets/:group/:month — the sheet totalled and
// ranked within the group, with the months the group has sheets for.
func (s *Server) getSheet(c *gin.Context) {
	group, month, err := sheetKey(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	sh, name, err := s.store.Sheet(c.Request.Context(), group, month)
	if err != nil {
		s.fail(c, err)
		return
	}
	months, err := s.store.SheetMonths(c.Request.Context(), group)
	if err != nil {
		s.fail(c, err)
		return
	}
	status := http.StatusOK
	if c.Request.Method != http.MethodGet {
		status = http.StatusCreated
	}
	c.JSON(status, gin.H{"group_name": name, "months": months, "sheet": scoring.Rank(sh)})
}
