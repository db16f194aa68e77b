package api

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/reminder"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
)

// slipJSON is a slip as the API shows it: the record plus what a reader needs
// beside it (labels, overdue, the actions allowed next).
type slipJSON struct {
	ID             string        `json:"id"`
	Number         string        `json:"number"`
	Title          string        `json:"title"`
	Content        string        `json:"content"`
	Source         string        `json:"source"`
	Batch          string        `json:"batch"`
	MeetingID      string        `json:"meeting_id,omitempty"`
	ProblemID      string        `json:"problem_id,omitempty"`
	Category       string        `json:"category"`
	Priority       slip.Priority `json:"priority"`
	PriorityLabel  string        `json:"priority_label"`
	LeadDepartment string        `json:"lead_department"`
	CoDepartments  []string      `json:"co_departments"`
	Leader         string        `json:"leader"`
	LeaderID       int64         `json:"leader_id,omitempty"`
	// Deadline is the effective deadline; OriginalDeadline the one issued.
	Deadline            calendar.Date          `json:"deadline"`
	OriginalDeadline    calendar.Date          `json:"original_deadline"`
	DeadlineWorkingDays int                    `json:"deadline_working_days,omitempty"`
	Extensions          int                    `json:"extensions"`
	PendingExtension    *slip.ExtensionRequest `json:"pending_extension"`
	Colour              reminder.Colour        `json:"color"`
	ColourLabel         string                 `json:"color_label,omitempty"`
	EscalationLevel     int                    `json:"escalation_level"`
	EscalationLabel     string                 `json:"escalation_label,omitempty"`
	AckReminded         bool                   `json:"ack_reminded"`
	LastReminderAt      *time.Time             `json:"last_reminder_at"`
	ReminderPolicy      slip.ReminderPolicy    `json:"reminder_policy"`
	IssuedAt            time.Time              `json:"issued_at"`
	IssuedBy            string                 `json:"issued_by"`
	Status              slip.Status            `json:"status"`
	StatusLabel         string                 `json:"status_label"`
	Overdue             bool                   `json:"overdue"`
	ReworkCount         int                    `json:"rework_count"`
	LatestProgress      string                 `json:"latest_progress"`
	AcknowledgedAt      *time.Time             `json:"acknowledged_at"`
	ResolvedAt          *time.Time             `json:"resolved_at"`
	ClosedAt            *time.Time             `json:"closed_at"`
	CancelledAt         *time.Time             `json:"cancelled_at"`
	UpdatedAt           time.Time              `json:"updated_at"`
	Seq                 int64                  `json:"seq"`
	AllowedActions      []slip.Action          `json:"allowed_actions"`
	Grade               slip.Grade             `json:"grade"`
	GradeLabel          string                 `json:"grade_label"`
	ReworkOf            string                 `json:"rework_of,omitempty"`
	// Tracks are the units' parts (主办 first), with what the caller may
	// do on each; WorstDeadline is the earliest deadline of open work.
	Tracks        []trackJSON   `json:"tracks"`
	WorstDeadline calendar.Date `json:"worst_deadline"`
	OpenCoUnits   []string      `json:"open_co_units"`
	Timeline      []eventJSON   `json:"timeline,omitempty"`
}

type eventJSON struct {
	SlipID     string      `json:"slip_id"`
	Seq        int64       `json:"seq"`
	Type       slip.Action `json:"type"`
	TypeLabel  string      `json:"type_label"`
	Actor      string      `json:"actor"`
	ActorID    int64       `json:"actor_id,omitempty"`
	ActorRole  slip.Role   `json:"actor_role,omitempty"`
	RequestID  string      `json:"request_id,omitempty"`
	At         time.Time   `json:"at"`
	FromStatus slip.Status `json:"from_status,omitempty"`
	ToStatus   slip.Status `json:"to_status"`
	// ToStatusLabel is the status after the event in Chinese, so that no
	// client keeps its own copy of the labels.
	ToStatusLabel string         `json:"to_status_label,omitempty"`
	Payload       map[string]any `json:"payload,omitempty"`
}

// statusLabel is the Chinese label of st, or nothing for no status.
func statusLabel(st slip.Status) string {
	if st == "" {
		return ""
	}
	return st.Label()
}

func (s *Server) today() calendar.Date { return calendar.DateOf(s.now()) }

// clock is the date a response is computed for, the colour threshold, and
// who is asking (allowed_actions lists what that caller may do).
type clock struct {
	today    calendar.Date
	yellowBy calendar.Date // the last deadline that makes an open slip yellow
	caller   identity.User
}

// clock returns today's date and colour threshold. The threshold comes from
// the lenient (weekends-only for missing years) calendar: a colour must
// always be shown, and near a year without data it is marked in the logs.
func (s *Server) clock(c *gin.Context) (clock, error) {
	today := s.today()
	by, err := reminder.YellowBy(s.colours, today)
	if err != nil {
		return clock{}, err
	}
	return clock{today: today, yellowBy: by, caller: principal(c)}, nil
}

// colourOf is the 三色 the caller sees on sl: a department sees its own
// part's (reminder.PartColourOf, what its ledger filters by), everyone
// else the slip's worst part's.
func (now clock) colourOf(sl slip.Slip) reminder.Colour {
	if now.caller.Role == slip.RoleDepartment {
		return reminder.PartColourOf(sl, now.caller.Department, now.today, now.yellowBy)
	}
	return reminder.ColourOf(sl, now.today, now.yellowBy)
}

func toSlipJSON(sl slip.Slip, now clock) slipJSON {
	today := now.today
	allowed := []slip.Action{}
	available := sl.Available(today)
	if now.caller.Role == slip.RoleDepartment {
		available = sl.AvailableTo(now.caller.Department, today)
	}
	for _, a := range available {
		// The office's actions on one unit's part are on that part (tracks);
		// 催办 stays on the slip too, where it urges the lead.
		if now.caller.MayAct(sl, a) == nil && (a == slip.ActionPress || !slices.Contains(slip.OfficeTrackActions, a)) {
			allowed = append(allowed, a)
		}
	}
	colour, overdue := now.colourOf(sl), sl.Overdue(today)
	if now.caller.Role == slip.RoleDepartment {
		overdue = colour == reminder.Red // its own part past its deadline
	}
	co := sl.Draft.CoDepartments
	if co == nil {
		co = []string{}
	}
	return slipJSON{
		ID: sl.ID, Number: sl.Number,
		Title: sl.Draft.Title, Content: sl.Draft.Content, Source: sl.Draft.Source, Batch: sl.Draft.Batch,
		MeetingID: sl.Draft.MeetingID, ProblemID: sl.Draft.ProblemID,
		Category: sl.Draft.Category, Priority: sl.Draft.Priority, PriorityLabel: sl.Draft.Priority.Label(),
		LeadDepartment: sl.Draft.LeadDepartment, CoDepartments: co, Leader: sl.Draft.Leader, LeaderID: sl.Draft.LeaderID,
		Deadline: sl.EffectiveDeadline(), OriginalDeadline: sl.Draft.Deadline, DeadlineWorkingDays: sl.Draft.DeadlineWorkingDays,
		Extensions: sl.Extensions, PendingExtension: sl.PendingExtension,
		EscalationLevel: sl.EscalationLevel, EscalationLabel: slip.LevelLabel(sl.EscalationLevel),
		AckReminded: sl.AckReminded, LastReminderAt: sl.LastReminderAt, ReminderPolicy: sl.Policy,
		IssuedAt: sl.IssuedAt, IssuedBy: sl.IssuedBy,
		Status: sl.Status, StatusLabel: sl.Status.Label(), Overdue: overdue,
		ReworkCount: sl.ReworkCount, LatestProgress: sl.LatestProgress,
		AcknowledgedAt: sl.AcknowledgedAt, ResolvedAt: sl.ResolvedAt, ClosedAt: sl.ClosedAt, CancelledAt: sl.CancelledAt,
		UpdatedAt: sl.UpdatedAt, Seq: sl.Seq, AllowedActions: allowed,
		Colour: colour, ColourLabel: colour.Label(),
		Grade: sl.Grade, GradeLabel: sl.Grade.Label(), ReworkOf: sl.Draft.ReworkOf,
		Tracks: toTracksJSON(sl, now), WorstDeadline: sl.WorstDeadline(), OpenCoUnits: nonNil(sl.OpenCoUnits()),
	}
}

func toEventsJSON(events []slip.Event) []eventJSON {
	out := make([]eventJSON, 0, len(events))
	for _, e := range events {
		out = append(out, eventJSON{SlipID: e.SlipID, Seq: e.Seq, Type: e.Type, TypeLabel: e.Type.Label(), Actor: e.Actor,
			ActorID: e.ActorID, ActorRole: e.ActorRole, RequestID: e.RequestID, At: e.At,
			FromStatus: e.From, ToStatus: e.To, ToStatusLabel: statusLabel(e.To), Payload: e.Payload})
	}
	return out
}

// draftRequest reads a slip to issue (POST /slips, a milestone's spawned
// slip) and the caller's Idempotency-Key. A rework slip is not for callers
// to ask for: 回头看 opens it.
func draftRequest(c *gin.Context) (slip.Draft, string, error) {
	var d slip.Draft
	if err := decodeJSON(c, &d, false); err != nil {
		return slip.Draft{}, "", err
	}
	if d.ReworkOf != "" {
		return slip.Draft{}, "", slip.Invalid("rework_of", "重办单由回头看不合格时生成，不能直接指定")
	}
	key, err := idempotencyKey(c)
	return d, key, err
}

// issueSlip: POST /api/v1/slips.
func (s *Server) issueSlip(c *gin.Context) {
	d, key, err := draftRequest(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	issued, err := s.slips.Issue(c.Request.Context(), principal(c), d, key, requestID(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	if issued.Replayed {
		c.Header("Idempotent-Replayed", "true")
	}
	c.Header("Location", "/api/v1/slips/"+issued.Slip.ID)
	now, err := s.clock(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, toSlipJSON(issued.Slip, now))
}

// getSlip: GET /api/v1/slips/{id}, with the timeline.
func (s *Server) getSlip(c *gin.Context) {
	ctx := c.Request.Context()
	sl, err := s.visibleSlip(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	events, err := s.store.Timeline(ctx, sl.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	now, err := s.clock(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := toSlipJSON(sl, now)
	out.Timeline = toEventsJSON(events)
	c.JSON(http.StatusOK, out)
}

// getTimeline: GET /api/v1/slips/{id}/timeline.
func (s *Server) getTimeline(c *gin.Context) {
	ctx := c.Request.Context()
	if _, err := s.visibleSlip(c); err != nil {
		s.fail(c, err)
		return
	}
	events, err := s.store.Timeline(ctx, c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": toEventsJSON(events)})
}

// visibleSlip loads the slip of the path if the caller may see it; a slip
// of another department is not found, exactly like one that does not exist.
func (s *Server) visibleSlip(c *gin.Context) (slip.Slip, error) {
	id := c.Param("id")
	sl, err := s.store.GetSlip(c.Request.Context(), id)
	if err != nil {
		return slip.Slip{}, err
	}
	if !principal(c).CanSee(sl) {
		return slip.Slip{}, slip.NotFound("交办单", id)
	}
	return sl, nil
}

// seesSlip reports whether u sees slip id, for what shows a slip beside
// another record (a 回头看, a workflow alert): at once when u sees every
// slip; a slip the ledger does not hold is not seen.
func (s *Server) seesSlip(ctx context.Context, u identity.User, id string) (bool, error) {
	if all, _ := u.Visible(); all {
		return true, nil
	}
	sl, err := s.store.GetSlip(ctx, id)
	if de := slip.AsError(err); de != nil && de.Kind == slip.KindNotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return u.CanSee(sl), nil
}

// listSlips: GET /api/v1/slips, the ledger.
func (s *Server) listSlips(c *gin.Context) {
	now, err := s.clock(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	f, err := s.ledgerFilter(c, now)
	if err != nil {
		s.fail(c, err)
		return
	}
	page, err := s.store.ListSlips(c.Request.Context(), f)
	if err != nil {
		s.fail(c, err)
		return
	}
	items := make([]slipJSON, 0, len(page.Items))
	for _, sl := range page.Items {
		items = append(items, toSlipJSON(sl, now))
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "next_cursor": page.NextCursor, "total": page.Total, "total_capped": page.TotalCapped})
}

func (s *Server) ledgerFilter(c *gin.Context, now clock, extra ...string) (store.Filter, error) {
	if err := allowQuery(c, append([]string{"leader", "status", "department", "lead", "batch", "category", "priority", "overdue", "color", "escalation", "q",
		"pending_extension", "sent_back", "issued_from", "issued_to", "due_from", "due_to", "sort", "page_size", "cursor", "meeting", "problem"}, extra...)...); err != nil {
		return store.Filter{}, err
	}
	dept, units := visibility(c)
	f := store.Filter{
		VisibleTo:    dept,
		VisibleUnits: units,
		Today:        now.today.String(),
		YellowBy:     now.yellowBy.String(),
		Department:   strings.TrimSpace(c.Query("department")),
		Lead:         strings.TrimSpace(c.Query("lead")),
		IssuedFrom:   c.Query("issued_from"),
		IssuedTo:     c.Query("issued_to"),
		DueFrom:      c.Query("due_from"),
		DueTo:        c.Query("due_to"),
		Sort:         store.Sort(c.Query("sort")),
		Batch:        strings.TrimSpace(c.Query("batch")),
		Category:     strings.TrimSpace(c.Query("category")),
		Meeting:      strings.TrimSpace(c.Query("meeting")),
		Problem:      strings.TrimSpace(c.Query("problem")),
		Query:        strings.TrimSpace(c.Query("q")),
		Cursor:       c.Query("cursor"),
	}
	if v := c.Query("status"); v != "" {
		for _, part := range strings.Split(v, ",") {
			if strings.TrimSpace(part) == "open" {
				// Every status the lifecycle table calls open.
				f.Statuses = append(f.Statuses, slip.OpenStatuses()...)
				continue
			}
			st := slip.Status(strings.TrimSpace(part))
			if !st.Valid() {
				return f, slip.Invalid("status", "未知的状态 %q", part)
			}
			f.Statuses = append(f.Statuses, st)
		}
	}
	overdue, err := trueParam(c, "overdue")
	if err != nil {
		return f, err
	}
	if overdue {
		f.OverdueOn = s.today().String()
	}
	if f.PendingExtension, err = trueParam(c, "pending_extension"); err != nil {
		return f, err
	}
	if f.SentBack, err = trueParam(c, "sent_back"); err != nil {
		return f, err
	}
	switch colour := reminder.Colour(c.Query("color")); colour {
	case reminder.None:
	case reminder.Red, reminder.Yellow, reminder.Green:
		f.Colour = string(colour)
	default:
		return f, slip.Invalid("color", "三色只能是 red、yellow 或 green")
	}
	if v := c.Query("escalation"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < slip.LevelUrge || n > slip.LevelPublicNotice {
			return f, slip.Invalid("escalation", "督办等级须为 1（催办）、2（督办）或 3（通报）")
		}
		f.MinEscalation = n
	}
	if utf8.RuneCountInString(f.Query) > slip.MaxShortText {
		return f, slip.Invalid("q", "关键词不能超过 %d 字", slip.MaxShortText)
	}
	if v := c.Query("page_size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > store.MaxPageSize {
			return f, slip.Invalid("page_size", "page_size 须为 1 到 %d 的整数", store.MaxPageSize)
		}
		f.PageSize = n
	}
	if v := slip.Priority(c.Query("priority")); v != "" {
		if !v.Valid() {
			return f, slip.InvalidPriority()
		}
		f.Priority = string(v)
	}
	if !f.Sort.Valid() {
		return f, store.InvalidSort()
	}
	leader, err := leaderParam(c)
	if err != nil {
		return f, err
	}
	f.LeaderID = leader
	for _, r := range []struct{ name, from, to string }{{"issued", f.IssuedFrom, f.IssuedTo}, {"due", f.DueFrom, f.DueTo}} {
		if err := checkDateRange(r.name+"_from", r.from, r.name+"_to", r.to); err != nil {
			return f, err
		}
	}
	return f, nil
}

// trueParam reads the query value name, which may be "true" or "false"
// (absent: false).
func trueParam(c *gin.Context, name string) (bool, error) {
	switch c.Query(name) {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	}
	return false, slip.Invalid(name, "%s 只能是 true 或 false", name)
}

// checkDateRange checks two optional YYYY-MM-DD query values that bound a
// range, named fromName and toName in the error a clerk reads.
func checkDateRange(fromName, from, toName, to string) error {
	for _, p := range []struct{ name, value string }{{fromName, from}, {toName, to}} {
		if p.value == "" {
			continue
		}
		if _, err := calendar.ParseDate(p.value); err != nil {
			return slip.Invalid(p.name, "日期格式应为 YYYY-MM-DD，收到 %q", p.value)
		}
	}
	if from != "" && to != "" && from > to {
		return slip.Invalid(fromName, "起始日期 %s 晚于截止日期 %s", from, to)
	}
	return nil
}

// Action request bodies. Each carries only what its action needs.
type (
	commentRequest struct {
		Comment string `json:"comment"`
	}
	progressRequest struct {
		Text     string         `json:"text"`
		Problems string         `json:"problems"`
		Measures []slip.Measure `json:"measures"`
		Figures  []slip.Figure  `json:"figures"`
	}
	instructionRequest struct {
		Text string `json:"text"`
	}
	resolutionRequest struct {
		Summary  string         `json:"summary"`
		Evidence []string       `json:"evidence"`
		Problems string         `json:"problems"`
		Measures []slip.Measure `json:"measures"`
		Figures  []slip.Figure  `json:"figures"`
	}
	reviewRequest struct {
		Passed  *bool  `json:"passed"`
		Comment string `json:"comment"`
		// Deadline, on a send-back, grants a new deadline with it.
		Deadline calendar.Date `json:"deadline"`
	}
	extensionRequest struct {
		Reason   string        `json:"reason"`
		Deadline calendar.Date `json:"deadline"`
	}
	extensionDecision struct {
		Approved *bool         `json:"approved"`
		Deadline calendar.Date `json:"deadline"`
		Comment  string        `json:"comment"`
	}
	cancelRequest struct {
		Reason string `json:"reason"`
	}
)

// act decodes body into req, builds the command with build and applies it.
func act[T any](s *Server, c *gin.Context, emptyOK bool, build func(T) (slip.Command, error)) {
	var req T
	if err := decodeJSON(c, &req, emptyOK); err != nil {
		s.fail(c, err)
		return
	}
	cmd, err := build(req)
	if err != nil {
		s.fail(c, err)
		return
	}
	key, err := idempotencyKey(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	acted, err := s.slips.Act(c.Request.Context(), principal(c), c.Param("id"), cmd, key, requestID(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	if acted.Replayed {
		c.Header("Idempotent-Replayed", "true")
	}
	now, err := s.clock(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toSlipJSON(acted.Slip, now))
}

func (s *Server) acknowledge(c *gin.Context) {
	act(s, c, true, func(r commentRequest) (slip.Command, error) {
		return slip.Command{Action: slip.ActionAcknowledge, Comment: r.Comment}, nil
	})
}

func (s *Server) progress(c *gin.Context) {
	act(s, c, false, func(r progressRequest) (slip.Command, error) {
		return slip.Command{Action: slip.ActionProgress, Text: r.Text,
			TrackFields: slip.TrackFields{Problems: r.Problems, Measures: r.Measures, Figures: r.Figures}}, nil
	})
}

func (s *Server) resolution(c *gin.Context) {
	act(s, c, false, func(r resolutionRequest) (slip.Command, error) {
		return slip.Command{Action: slip.ActionResolve, Summary: r.Summary, Evidence: r.Evidence,
			TrackFields: slip.TrackFields{Problems: r.Problems, Measures: r.Measures, Figures: r.Figures}}, nil
	})
}

func (s *Server) review(c *gin.Context) {
	act(s, c, false, func(r reviewRequest) (slip.Command, error) {
		if r.Passed == nil {
			return slip.Command{}, slip.Invalid("passed", "请注明复核是否通过（passed: true/false）")
		}
		if *r.Passed {
			if !r.Deadline.IsZero() {
				return slip.Command{}, slip.Invalid("deadline", "复核通过时不能修改办结时限")
			}
			return slip.Command{Action: slip.ActionPassReview, Comment: r.Comment}, nil
		}
		return slip.Command{Action: slip.ActionSendBack, Comment: r.Comment, Deadline: r.Deadline}, nil
	})
}

func (s *Server) requestExtension(c *gin.Context) {
	act(s, c, false, func(r extensionRequest) (slip.Command, error) {
		return slip.Command{Action: slip.ActionRequestExtension, Reason: r.Reason, Deadline: r.Deadline}, nil
	})
}

func (s *Server) decideExtension(c *gin.Context) {
	act(s, c, false, func(r extensionDecision) (slip.Command, error) {
		return slip.Command{Action: slip.ActionDecideExtension, Approved: r.Approved, Deadline: r.Deadline, Comment: r.Comment}, nil
	})
}

func (s *Server) signoff(c *gin.Context) {
	act(s, c, true, func(r signoffRequest) (slip.Command, error) {
		return slip.Command{Action: slip.ActionSignOff, Comment: r.Comment, Grade: r.Grade}, nil
	})
}

func (s *Server) instruct(c *gin.Context) {
	act(s, c, false, func(r instructionRequest) (slip.Command, error) {
		return slip.Command{Action: slip.ActionInstruct, Text: r.Text}, nil
	})
}

// visibility is what the caller is confined to, for the ledger's and the
// statistics' SQL (identity.User.Visible decides): one department (a
// department user outside any 专班: the store's fast paths), or a list of
// departments (with its 专班; a scoped office's subtree), or — both empty —
// every slip.
func visibility(c *gin.Context) (dept string, units []string) {
	u := principal(c)
	all, units := u.Visible()
	switch {
	case all:
		return "", nil
	case len(units) == 1 && units[0] == u.Department:
		return u.Department, nil
	}
	return "", units
}

func (s *Server) cancel(c *gin.Context) {
	act(s, c, false, func(r cancelRequest) (slip.Command, error) {
		return slip.Command{Action: slip.ActionCancel, Reason: r.Reason}, nil
	})
}
