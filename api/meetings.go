package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/meeting"
	"github.com/duban-gov/duban/service"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
)

// importPath is the upload route; its body may be a whole spreadsheet, so
// limitBody allows it service.ImportLimits.MaxBytes instead of MaxBodyBytes.
const importPath = "/api/v1/meetings/:mid/imports"

// meetingRoutes mounts meetings, their imports and problems, and visits:
// the office and leaders read them, the office writes. A department sees
// its own slips of a meeting in the ledger (GET /slips?meeting=), not the
// meeting's other units' work.
func (s *Server) meetingRoutes(a *gin.RouterGroup) {
	read := a.Group("", s.requireRole(slip.RoleOffice, slip.RoleLeader))
	read.GET("/meetings", s.listMeetings)
	read.GET("/meetings/:mid", s.getMeeting)
	read.GET("/problems/:pid", s.getProblem)
	a.GET("/department-aliases", s.listAliases)

	office := a.Group("", s.requireRole(slip.RoleOffice))
	office.POST("/meetings", s.createMeeting)
	office.POST("/meetings/:mid/imports", s.uploadImport)
	office.GET("/imports/:iid", s.getImport)
	office.POST("/imports/:iid/confirm", s.confirmImport)
	office.POST("/problems/:pid/accept", s.acceptProblem)

	a.POST("/department-aliases", s.requireRole(slip.RoleAdmin), s.setAlias)
}

// meetingJSON is a meeting with its counts and closure rate.
type meetingJSON struct {
	meeting.Meeting
	KindLabel   string         `json:"kind_label"`
	Counts      meeting.Counts `json:"counts"`
	ClosureRate *float64       `json:"closure_rate"`
}

func toMeetingJSON(m meeting.Meeting, c meeting.Counts) meetingJSON {
	return meetingJSON{Meeting: m, KindLabel: m.Kind.Label(), Counts: c, ClosureRate: c.ClosureRate()}
}

type problemJSON struct {
	store.Problem
	Status      meeting.ProblemStatus `json:"status"`
	StatusLabel string                `json:"status_label"`
	ClosureRate *float64              `json:"measure_closure_rate"`
}

func toProblemJSON(p store.Problem) problemJSON {
	st := p.Status()
	return problemJSON{Problem: p, Status: st, StatusLabel: st.Label(), ClosureRate: p.Measures.ClosureRate()}
}

// listMeetings: GET /api/v1/meetings, newest first.
func (s *Server) listMeetings(c *gin.Context) {
	if err := allowQuery(c); err != nil {
		s.fail(c, err)
		return
	}
	list, err := s.store.ListMeetings(c.Request.Context(), 500)
	if err != nil {
		s.fail(c, err)
		return
	}
	items := make([]meetingJSON, 0, len(list))
	for _, l := range list {
		items = append(items, toMeetingJSON(l.Meeting, l.Counts))
	}
	kinds := []gin.H{}
	for _, k := range meeting.Kinds() {
		kinds = append(kinds, gin.H{"kind": k, "label": k.Label()})
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "kinds": kinds})
}

// createMeeting: POST /api/v1/meetings.
func (s *Server) createMeeting(c *gin.Context) {
	var m meeting.Meeting
	var body struct {
		Kind      meeting.Kind  `json:"kind"`
		Title     string        `json:"title"`
		Date      calendar.Date `json:"date"`
		Chair     string        `json:"chair"`
		Place     string        `json:"place"`
		Attendees []string      `json:"attendees"`
		Minutes   string        `json:"minutes"`
	}
	if err := decodeJSON(c, &body, false); err != nil {
		s.fail(c, err)
		return
	}
	m = meeting.Meeting{Kind: body.Kind, Title: body.Title, Date: body.Date, Chair: body.Chair, Place: body.Place, Attendees: body.Attendees, Minutes: body.Minutes}
	created, err := s.meetings.Create(c.Request.Context(), principal(c), m)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Location", "/api/v1/meetings/"+created.ID)
	c.JSON(http.StatusCreated, toMeetingJSON(created, meeting.Counts{}))
}

// getMeeting: GET /api/v1/meetings/{id}: the meeting, the counts and 三色
// of its slips, its closure rate, and its problems with their measures
// counted separately (190 → 568).
func (s *Server) getMeeting(c *gin.Context) {
	ctx := c.Request.Context()
	m, err := s.store.GetMeeting(ctx, c.Param("mid"))
	if err != nil {
		s.fail(c, err)
		return
	}
	now, err := s.clock(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	counts, err := s.store.CountSlips(ctx, store.SlipSet{Meeting: m.ID, Today: now.today.String(), YellowBy: now.yellowBy.String()})
	if err != nil {
		s.fail(c, err)
		return
	}
	problems, err := s.store.ListProblems(ctx, m.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	tally := meeting.ProblemTally{Problems: int64(len(problems))}
	list := make([]problemJSON, 0, len(problems))
	for _, p := range problems {
		if p.Status() == meeting.ProblemClosed {
			tally.ProblemsClosed++
		}
		tally.Measures = addCounts(tally.Measures, p.Measures)
		list = append(list, toProblemJSON(p))
	}
	c.JSON(http.StatusOK, gin.H{
		"meeting": toMeetingJSON(m, counts),
		"problems": gin.H{
			"items": list, "count": tally.Problems, "closed": tally.ProblemsClosed, "closure_rate": tally.ProblemClosureRate(),
			"measures": tally.Measures, "measure_closure_rate": tally.Measures.ClosureRate(),
		},
	})
}

func addCounts(a, b meeting.Counts) meeting.Counts {
	return meeting.Counts{Assigned: a.Assigned + b.Assigned, Closed: a.Closed + b.Closed, Cancelled: a.Cancelled + b.Cancelled,
		Open: a.Open + b.Open, Red: a.Red + b.Red, Yellow: a.Yellow + b.Yellow, Green: a.Green + b.Green}
}

// getProblem: GET /api/v1/problems/{id}; its measures are GET /slips?problem=.
func (s *Server) getProblem(c *gin.Context) {
	p, err := s.store.GetProblem(c.Request.Context(), c.Param("pid"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toProblemJSON(p))
}

// acceptProblem: POST /api/v1/problems/{id}/accept — the office accepts the
// whole once every measure is closed (销号 of the problem).
func (s *Server) acceptProblem(c *gin.Context) {
	if err := decodeJSON(c, &struct{}{}, true); err != nil {
		s.fail(c, err)
		return
	}
	p, err := s.store.AcceptProblem(c.Request.Context(), c.Param("pid"), principal(c).Name, s.now())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toProblemJSON(p))
}

// uploadImport: POST /api/v1/meetings/{id}/imports?name=会议.xlsx with the
// file as the body. Answers the preview; issues nothing.
func (s *Server) uploadImport(c *gin.Context) {
	if err := allowQuery(c, "name"); err != nil {
		s.fail(c, err)
		return
	}
	name := strings.TrimSpace(c.Query("name"))
	if name == "" {
		name = "上传的文件"
	}
	if len([]rune(name)) > slip.MaxShortText {
		s.fail(c, slip.Invalid("name", "文件名不能超过 %d 字", slip.MaxShortText))
		return
	}
	data, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.fail(c, &httpError{status: http.StatusRequestEntityTooLarge, code: "file_too_large",
				message: "文件超过 " + mb(service.ImportLimits.MaxBytes) + "，请拆分后分批导入"})
			return
		}
		s.fail(c, badRequest("invalid_body", "读取上传的文件失败"))
		return
	}
	p, err := s.meetings.PreviewImport(c.Request.Context(), principal(c), c.Param("mid"), name, data)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Location", "/api/v1/imports/"+p.ID)
	c.JSON(http.StatusCreated, p)
}

func mb(n int64) string { return fmt.Sprintf("%d MB", n>>20) }

// getImport: GET /api/v1/imports/{id}: state and progress.
func (s *Server) getImport(c *gin.Context) {
	im, err := s.meetings.ImportProgress(c.Request.Context(), principal(c), c.Param("iid"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"id": im.ID, "meeting_id": im.MeetingID, "file_name": im.FileName, "status": im.Status,
		"total": im.Total, "done": im.Done, "outcome": im.Results, "created_at": im.CreatedAt, "updated_at": im.UpdatedAt})
}

// confirmImport: POST /api/v1/imports/{id}/confirm {"rows":[fixes]}: issue
// the table in one go.
func (s *Server) confirmImport(c *gin.Context) {
	var body struct {
		Rows []service.RowFix `json:"rows"`
	}
	if err := decodeJSON(c, &body, true); err != nil {
		s.fail(c, err)
		return
	}
	out, err := s.meetings.ConfirmImport(c.Request.Context(), principal(c), c.Param("iid"), body.Rows, requestID(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

// listAliases: GET /api/v1/department-aliases.
func (s *Server) listAliases(c *gin.Context) {
	list, err := s.store.ListDepartmentAliases(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": list})
}

// setAlias: POST /api/v1/department-aliases {"alias":"住建委","department_code":"zjj"} (admin).
func (s *Server) setAlias(c *gin.Context) {
	var a store.DepartmentAlias
	if err := decodeJSON(c, &a, false); err != nil {
		s.fail(c, err)
		return
	}
	a.Alias, a.DepartmentCode = strings.TrimSpace(a.Alias), strings.TrimSpace(a.DepartmentCode)
	if a.Alias == "" || len([]rune(a.Alias)) > slip.MaxShortText {
		s.fail(c, slip.Invalid("alias", "别名须为 1 到 %d 字", slip.MaxShortText))
		return
	}
	if err := s.store.SetDepartmentAlias(c.Request.Context(), a.Alias, a.DepartmentCode); err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, a)
}
