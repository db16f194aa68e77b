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
	read.GET("/visits", s.listVisits)
	read.GET("/visits/:vid", s.getVisit)
	a.GET("/department-aliases", s.listAliases)

	office := a.Group("", s.requireRole(slip.RoleOffice))
	office.POST("/meetings", s.createMeeting)
	office.POST("/meetings/:mid/imports", s.uploadImport)
	office.GET("/imports/:iid", s.getImport)
	office.POST("/imports/:iid/confirm", s.confirmImport)
	office.POST("/problems/:pid/accept", s.acceptProblem)
	office.POST("/visits", s.planVisit)
	office.POST("/visits/:vid/merge", s.mergeVisit)
	office.POST("/visits/:vid/findings", s.recordFindings)

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
	name, data, err := readUpload(c)
	if err != nil {
		s.fail(c, err)
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

// readUpload reads an uploaded table: the file's bytes as the body, its
// name in ?name= (a meeting's table and a project list alike).
func readUpload(c *gin.Context) (string, []byte, error) {
	if err := allowQuery(c, "name"); err != nil {
		return "", nil, err
	}
	name := strings.TrimSpace(c.Query("name"))
	if name == "" {
		name = "上传的文件"
	}
	if len([]rune(name)) > slip.MaxShortText {
		return "", nil, slip.Invalid("name", "文件名不能超过 %d 字", slip.MaxShortText)
	}
	data, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return "", nil, &httpError{status: http.StatusRequestEntityTooLarge, code: "file_too_large",
				message: "文件超过 " + mb(service.ImportLimits.MaxBytes) + "，请拆分后分批导入"}
		}
		return "", nil, badRequest("invalid_body", "读取上传的文件失败")
	}
	return name, data, nil
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

// visitJSON is a visit with its labels.
type visitJSON struct {
	meeting.Visit
	StatusLabel string `json:"status_label"`
}

func toVisitJSON(v meeting.Visit) visitJSON {
	return visitJSON{Visit: v, StatusLabel: v.Status.Label()}
}

func toVisitsJSON(vs []meeting.Visit) []visitJSON {
	out := make([]visitJSON, 0, len(vs))
	for _, v := range vs {
		out = append(out, toVisitJSON(v))
	}
	return out
}

// planVisit: POST /api/v1/visits {department, date, team, matters,
// window_days}: plans a visit and answers the visits it would repeat (to
// the same unit on the same matters within window_days either side, or the
// same month when 0) for the office to merge.
func (s *Server) planVisit(c *gin.Context) {
	var body struct {
		Department string        `json:"department"`
		Date       calendar.Date `json:"date"`
		Team       string        `json:"team"`
		Matters    []string      `json:"matters"`
		WindowDays int           `json:"window_days"`
	}
	if err := decodeJSON(c, &body, false); err != nil {
		s.fail(c, err)
		return
	}
	if body.WindowDays < 0 || body.WindowDays > 366 {
		s.fail(c, slip.Invalid("window_days", "重复督查的判断窗口须为 0（同一月）到 366 天"))
		return
	}
	p, err := s.meetings.PlanVisit(c.Request.Context(), principal(c),
		meeting.Visit{Department: body.Department, Date: body.Date, Team: body.Team, Matters: body.Matters}, meeting.Window{Days: body.WindowDays})
	if err != nil {
		s.fail(c, err)
		return
	}
	out := gin.H{"visit": toVisitJSON(p.Visit), "clashes": toVisitsJSON(p.Clashes)}
	if len(p.Clashes) > 0 {
		out["proposal"] = gin.H{"merge_into": p.Clashes[0].ID, "date": p.Clashes[0].Date,
			"message": "最多督一次：该单位在 " + p.Clashes[0].Date.String() + " 已安排督查同类事项，建议合并到同一天"}
	}
	c.Header("Location", "/api/v1/visits/"+p.Visit.ID)
	c.JSON(http.StatusCreated, out)
}

// listVisits: GET /api/v1/visits?month=YYYY-MM: the month's visits.
func (s *Server) listVisits(c *gin.Context) {
	if err := allowQuery(c, "month"); err != nil {
		s.fail(c, err)
		return
	}
	month := calendar.DateOf(s.now())
	if v := c.Query("month"); v != "" {
		d, err := calendar.ParseDate(v + "-01")
		if err != nil {
			s.fail(c, slip.Invalid("month", "月份格式应为 YYYY-MM，收到 %q", v))
			return
		}
		month = d
	}
	vs, err := s.meetings.VisitMonth(c.Request.Context(), month)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"month": fmt.Sprintf("%04d-%02d", month.Year, int(month.Month)), "items": toVisitsJSON(vs)})
}

// getVisit: GET /api/v1/visits/{id}: the visit and its checklist, what is
// open at the unit.
func (s *Server) getVisit(c *gin.Context) {
	ctx := c.Request.Context()
	v, err := s.store.GetVisit(ctx, c.Param("vid"))
	if err != nil {
		s.fail(c, err)
		return
	}
	list, err := s.meetings.VisitChecklist(ctx, v)
	if err != nil {
		s.fail(c, err)
		return
	}
	now, err := s.clock(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	// The visit is the whole government's; its slips are shown only to who
	// sees them (a scoped office or leader: its subtree's).
	u := principal(c)
	items := make([]slipJSON, 0, len(list.Slips))
	for _, sl := range list.Slips {
		if u.CanSee(sl) {
			items = append(items, toSlipJSON(sl, now))
		}
	}
	problems := make([]problemJSON, 0, len(list.Problems))
	for _, p := range list.Problems {
		problems = append(problems, toProblemJSON(p))
	}
	c.JSON(http.StatusOK, gin.H{"visit": toVisitJSON(v), "checklist": gin.H{"slips": items, "problems": problems}})
}

// mergeVisit: POST /api/v1/visits/{id}/merge {"into": "<visit id>"}.
func (s *Server) mergeVisit(c *gin.Context) {
	var body struct {
		Into string `json:"into"`
	}
	if err := decodeJSON(c, &body, false); err != nil {
		s.fail(c, err)
		return
	}
	v, err := s.meetings.MergeVisit(c.Request.Context(), principal(c), c.Param("vid"), body.Into)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toVisitJSON(v))
}

// recordFindings: POST /api/v1/visits/{id}/findings {findings, issue:
// [drafts], close: [slip ids]}.
func (s *Server) recordFindings(c *gin.Context) {
	var f service.Findings
	if err := decodeJSON(c, &f, false); err != nil {
		s.fail(c, err)
		return
	}
	out, err := s.meetings.RecordFindings(c.Request.Context(), principal(c), c.Param("vid"), f, requestID(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"visit": toVisitJSON(out.Visit), "issued": out.Issued, "closed": out.Closed})
}
