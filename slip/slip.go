package slip

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/duban-gov/duban/calendar"
)

// Priority is how urgent a slip is.
type Priority string

// The priorities, as the office marks them on paper.
const (
	PriorityNormal      Priority = "normal"       // 一般
	PriorityUrgent      Priority = "urgent"       // 急办
	PriorityExtraUrgent Priority = "extra_urgent" // 特急
)

var priorityLabels = map[Priority]string{
	PriorityNormal:      "一般",
	PriorityUrgent:      "急办",
	PriorityExtraUrgent: "特急",
}

// Valid reports whether p is a known priority.
func (p Priority) Valid() bool { _, ok := priorityLabels[p]; return ok }

// InvalidPriority is the error for an unknown priority.
func InvalidPriority() error {
	return Invalid("priority", "紧急程度只能是 normal（一般）、urgent（急办）或 extra_urgent（特急）")
}

// Label is the priority as printed on the slip.
func (p Priority) Label() string {
	if l, ok := priorityLabels[p]; ok {
		return l
	}
	return string(p)
}

// Field length limits, in characters (runes), for text a clerk types.
const (
	MaxTitle        = 200
	MaxShortText    = 100 // source, batch, category, leader, actor
	MaxLongText     = 20000
	MaxCoDepartment = 50
	MaxEvidence     = 50
	MaxEvidenceItem = 2000
)

// Draft is what the office fills in to issue a slip.
type Draft struct {
	Title          string   `json:"title"`
	Content        string   `json:"content"`
	Source         string   `json:"source"`
	Batch          string   `json:"batch"`
	Category       string   `json:"category"`
	Priority       Priority `json:"priority"`
	LeadDepartment string   `json:"lead_department"`
	CoDepartments  []string `json:"co_departments"`
	Leader         string   `json:"leader"`
	// LeaderID is the 责任领导 as a user (a leader's id), 0 for none: the
	// ledger filters and counts by it; Leader stays the display name.
	LeaderID int64 `json:"leader_id,omitempty"`
	// Deadline is the date (YYYY-MM-DD, Beijing time) the work is due by.
	// Give either Deadline or DeadlineWorkingDays; for the latter the service
	// computes Deadline from the issue date and keeps both.
	Deadline            calendar.Date `json:"deadline"`
	DeadlineWorkingDays int           `json:"deadline_working_days,omitempty"`
	// ReminderPolicy overrides the category's reminder policy for this slip.
	ReminderPolicy *ReminderPolicy `json:"reminder_policy,omitempty"`
	// MeetingID names the meeting the slip was handed out at (现场交办),
	// ProblemID the problem (问题) it is a measure (措施) of; both optional.
	MeetingID string `json:"meeting_id,omitempty"`
	ProblemID string `json:"problem_id,omitempty"`
	// ReworkOf is the closed slip whose 回头看 failed, when this slip is its
	// rework (重办); set by the re-inspection service, never by a client.
	ReworkOf string `json:"rework_of,omitempty"`
	// CoDeadlines sets a co-unit's own deadline (协办意见 due before the
	// slip's), by unit code; a co-unit not named has the slip's.
	CoDeadlines map[string]calendar.Date `json:"co_deadlines,omitempty"`
}

// MaxDeadlineWorkingDays bounds deadline_working_days (about a year).
const MaxDeadlineWorkingDays = 250

// Normalize trims surrounding white space and fills defaults.
func (d *Draft) Normalize() {
	for _, p := range []*string{&d.Title, &d.Content, &d.Source, &d.Batch, &d.Category, &d.LeadDepartment, &d.Leader, &d.MeetingID, &d.ProblemID} {
		*p = strings.TrimSpace(*p)
	}
	for i := range d.CoDepartments {
		d.CoDepartments[i] = strings.TrimSpace(d.CoDepartments[i])
	}
	if d.Priority == "" {
		d.Priority = PriorityNormal
	}
}

// Validate checks the draft's shape. Whether the departments exist and the
// deadline lies ahead are checked by the service, which knows the store and
// the clock.
func (d Draft) Validate() error {
	if d.Title == "" {
		return Invalid("title", "请填写交办事项标题")
	}
	if d.LeaderID < 0 {
		return Invalid("leader_id", "责任领导编号无效")
	}
	checks := []struct {
		field, value string
		max          int
	}{
		{"title", d.Title, MaxTitle},
		{"content", d.Content, MaxLongText},
		{"source", d.Source, MaxShortText},
		{"batch", d.Batch, MaxShortText},
		{"category", d.Category, MaxShortText},
		{"leader", d.Leader, MaxShortText},
		{"lead_department", d.LeadDepartment, MaxShortText},
		{"meeting_id", d.MeetingID, MaxShortText},
		{"problem_id", d.ProblemID, MaxShortText},
	}
	for _, c := range checks {
		if err := checkText(c.field, c.value, c.max); err != nil {
			return err
		}
	}
	if !d.Priority.Valid() {
		return InvalidPriority()
	}
	if d.LeadDepartment == "" {
		return Invalid("lead_department", "请指定牵头单位")
	}
	if len(d.CoDepartments) > MaxCoDepartment {
		return Invalid("co_departments", "配合单位最多 %d 个", MaxCoDepartment)
	}
	seen := map[string]bool{d.LeadDepartment: true}
	for _, c := range d.CoDepartments {
		if c == "" {
			return Invalid("co_departments", "配合单位编码不能为空")
		}
		if seen[c] {
			return Invalid("co_departments", "单位 %s 重复出现（牵头单位不能同时是配合单位）", c)
		}
		seen[c] = true
	}
	switch {
	case d.DeadlineWorkingDays < 0 || d.DeadlineWorkingDays > MaxDeadlineWorkingDays:
		return Invalid("deadline_working_days", "办结时限工作日数须在 1 到 %d 之间", MaxDeadlineWorkingDays)
	case d.DeadlineWorkingDays > 0 && !d.Deadline.IsZero():
		return Invalid("deadline", "办结时限请填写日期或工作日数，二选一")
	case d.DeadlineWorkingDays == 0 && d.Deadline.IsZero():
		return Invalid("deadline", "请填写办结时限（日期 YYYY-MM-DD，或工作日数 deadline_working_days）")
	}
	if d.ReminderPolicy != nil {
		if err := d.ReminderPolicy.Validate(); err != nil {
			return err
		}
	}
	for code, due := range d.CoDeadlines {
		if !slices.Contains(d.CoDepartments, code) {
			return Invalid("co_deadlines", "单位 %s 不是配合单位，不能单独设定时限", code)
		}
		if due.IsZero() {
			return Invalid("co_deadlines", "请填写协办单位 %s 的时限", code)
		}
		if !d.Deadline.IsZero() && due.After(d.Deadline) {
			return Unprocessable(CodeDeadlinePassed, "co_deadlines", "协办单位 %s 的时限 %s 晚于交办单的办结时限 %s", code, due, d.Deadline)
		}
	}
	return nil
}

// Departments lists the lead department first, then the co-departments.
func (d Draft) Departments() []string {
	return append([]string{d.LeadDepartment}, d.CoDepartments...)
}

func checkText(field, value string, max int) error {
	if !utf8.ValidString(value) {
		return Invalid(field, "内容不是有效的 UTF-8 文本")
	}
	if n := utf8.RuneCountInString(value); n > max {
		return Invalid(field, "长度 %d 字，超过上限 %d 字", n, max)
	}
	if strings.ContainsRune(value, 0) {
		return Invalid(field, "内容含有非法的空字符")
	}
	return nil
}

// Command is one action on a slip with what the actor said. Only the fields
// the action needs are set.
type Command struct {
	Action Action `json:"action"`
	Actor  string `json:"actor"`
	// ActorID, ActorRole and RequestID trace the action to a person and a
	// request; they are recorded on the event.
	ActorID   int64    `json:"actor_id,omitempty"`
	ActorRole Role     `json:"actor_role,omitempty"`
	RequestID string   `json:"request_id,omitempty"`
	Text      string   `json:"text,omitempty"`     // progress report
	Summary   string   `json:"summary,omitempty"`  // resolution summary
	Evidence  []string `json:"evidence,omitempty"` // resolution evidence: links, file names, descriptions
	Comment   string   `json:"comment,omitempty"`  // review or sign-off comment; the reason when sending back
	Reason    string   `json:"reason,omitempty"`   // cancellation or extension reason
	// Deadline: the date asked for by an extension request, the date granted
	// by an approval (empty: as asked), or a new deadline granted together
	// with a send-back (empty: unchanged).
	Deadline calendar.Date `json:"deadline,omitzero"`
	Approved *bool         `json:"approved,omitempty"` // the office's decision on an extension
	Grade    Grade         `json:"grade,omitempty"`    // the office's grade of the result, at sign-off
	// TrackFields name the unit a track action concerns and carry the
	// structured report (存在问题, 具体措施, figures).
	TrackFields
}

// Validate checks that the command carries what its action needs.
func (c Command) Validate() error {
	if _, ok := actionLabels[c.Action]; !ok || c.Action == ActionIssue || c.Action.System() {
		return Invalid("action", "未知的操作 %q", c.Action)
	}
	if err := checkText("actor", c.Actor, MaxShortText); err != nil {
		return err
	}
	for _, t := range []struct {
		field, value string
	}{{"text", c.Text}, {"summary", c.Summary}, {"comment", c.Comment}, {"reason", c.Reason}} {
		if err := checkText(t.field, t.value, MaxLongText); err != nil {
			return err
		}
	}
	if err := c.validateTrackFields(); err != nil {
		return err
	}
	if len(c.Evidence) > MaxEvidence {
		return Invalid("evidence", "佐证材料最多 %d 项", MaxEvidence)
	}
	for _, e := range c.Evidence {
		if strings.TrimSpace(e) == "" {
			return Invalid("evidence", "佐证材料不能为空白")
		}
		if err := checkText("evidence", e, MaxEvidenceItem); err != nil {
			return err
		}
	}
	if err := c.checkGrade(); err != nil {
		return err
	}
	switch c.Action {
	case ActionProgress:
		if strings.TrimSpace(c.Text) == "" {
			return Invalid("text", "请填写进展情况")
		}
	case ActionInstruct:
		if strings.TrimSpace(c.Text) == "" {
			return Invalid("text", "请填写批示内容")
		}
	case ActionResolve:
		if strings.TrimSpace(c.Summary) == "" {
			return Invalid("summary", "请填写办结情况")
		}
		if len(c.Evidence) == 0 {
			return Invalid("evidence", "申请办结须附佐证材料")
		}
	case ActionSendBack:
		if strings.TrimSpace(c.Comment) == "" {
			return Invalid("comment", "退回重办须说明理由")
		}
	case ActionCancel:
		if strings.TrimSpace(c.Reason) == "" {
			return Invalid("reason", "撤销须说明理由")
		}
	case ActionRequestExtension:
		if strings.TrimSpace(c.Reason) == "" {
			return Invalid("reason", "申请延期须说明理由")
		}
		if c.Deadline.IsZero() {
			return Invalid("deadline", "请填写申请延期至的日期")
		}
	case ActionDecideExtension:
		if c.Approved == nil {
			return Invalid("approved", "请注明是否批准延期（approved: true/false）")
		}
		if !*c.Approved && !c.Deadline.IsZero() {
			return Invalid("deadline", "不批准延期时不能指定新时限")
		}
	}
	if !c.Deadline.IsZero() {
		switch c.Action {
		case ActionRequestExtension, ActionDecideExtension, ActionSendBack, ActionReassign:
		default:
			return Invalid("deadline", "该操作不能修改办结时限")
		}
	}
	return nil
}

// Slip is the record of one assignment slip as the workflow keeps it and the
// ledger shows it.
type Slip struct {
	ID       string    `json:"id"`
	Number   string    `json:"number"` // 督〔2026〕17号, allocated when the ledger first records the slip
	Draft    Draft     `json:"draft"`
	IssuedAt time.Time `json:"issued_at"`
	IssuedBy string    `json:"issued_by"`
	// IssuedByID and IssueRequestID trace the issue to a user and a request.
	IssuedByID     int64  `json:"issued_by_id,omitempty"`
	IssueRequestID string `json:"issue_request_id,omitempty"`

	Status         Status     `json:"status"`
	Seq            int64      `json:"seq"` // sequence number of the latest timeline event
	ReworkCount    int        `json:"rework_count"`
	LatestProgress string     `json:"latest_progress"`
	AcknowledgedAt *time.Time `json:"acknowledged_at,omitempty"`
	ResolvedAt     *time.Time `json:"resolved_at,omitempty"` // latest resolution report
	ClosedAt       *time.Time `json:"closed_at,omitempty"`
	CancelledAt    *time.Time `json:"cancelled_at,omitempty"`
	UpdatedAt      time.Time  `json:"updated_at"`
	// Grade is the office's grade of the result, given at sign-off.
	Grade Grade `json:"grade,omitempty"`

	// Deadline is the effective deadline: Draft.Deadline moved by approved
	// extensions. Draft.Deadline stays the original.
	Deadline         calendar.Date     `json:"deadline"`
	Extensions       int               `json:"extensions"`
	PendingExtension *ExtensionRequest `json:"pending_extension,omitempty"`
	// Policy is the reminder policy in force, fixed when the slip is issued.
	Policy ReminderPolicy `json:"policy"`
	// DeadlineYears is how many years past the issue date any deadline of the
	// slip may lie (see LatestDeadline), fixed when it is issued; 0 means
	// DefaultDeadlineYears (slips issued before the window existed).
	DeadlineYears int `json:"deadline_years,omitempty"`
	// EscalationLevel is the highest escalation reached since the deadline
	// last moved (LevelNone … LevelPublicNotice).
	EscalationLevel int `json:"escalation_level"`
	// AckReminded is set when the acknowledgement reminder went out and the
	// slip is still not acknowledged.
	AckReminded    bool       `json:"ack_reminded"`
	LastReminderAt *time.Time `json:"last_reminder_at,omitempty"`
	// Tracks are the units' parts, lead first (see track.go); empty for
	// slips issued before tracks existed.
	Tracks []Track `json:"tracks,omitempty"`
}

// ExtensionRequest is a pending request to move the deadline (延期申请).
type ExtensionRequest struct {
	RequestedBy      string        `json:"requested_by"`
	RequestedAt      time.Time     `json:"requested_at"`
	Reason           string        `json:"reason"`
	ProposedDeadline calendar.Date `json:"proposed_deadline"`
}

// EffectiveDeadline is the deadline in force: Deadline once set, else the
// original (Draft.Deadline). It is the one statement of that rule;
// StartIssued fixes it on a new slip.
func (s *Slip) EffectiveDeadline() calendar.Date {
	if !s.Deadline.IsZero() {
		return s.Deadline
	}
	return s.Draft.Deadline
}

// StartIssued puts a slip whose draft and issue fields are set into its first
// state: issued, event 1, updated when issued, the deadline in force the
// original one. The workflow, the ledger's restore and the seed start every
// slip here.
func (s *Slip) StartIssued() {
	s.Status = StatusIssued
	s.Seq = 1
	s.UpdatedAt = s.IssuedAt
	s.Deadline = s.EffectiveDeadline()
}

// Event is one entry of a slip's append-only timeline. (SlipID, Seq) is
// unique; Seq runs 1, 2, 3 … without gaps.
type Event struct {
	SlipID string `json:"slip_id"`
	Seq    int64  `json:"seq"`
	Type   Action `json:"type"`
	Actor  string `json:"actor"`
	// ActorID is the user's id (0 for the system), ActorRole their role,
	// RequestID the API request that carried the action.
	ActorID   int64     `json:"actor_id,omitempty"`
	ActorRole Role      `json:"actor_role,omitempty"`
	RequestID string    `json:"request_id,omitempty"`
	At        time.Time `json:"at"`
	From      Status    `json:"from_status,omitempty"`
	To        Status    `json:"to_status"`
	// Payload is what the actor said: the command without action and actor,
	// empty for the issue event (the slip row holds the draft).
	Payload map[string]any `json:"payload,omitempty"`
}

// Apply moves s through cmd at instant at and returns the event that records
// it. s is changed only when the lifecycle table allows the action.
func (s *Slip) Apply(cmd Command, at time.Time) (Event, error) {
	to, err := Next(s.Status, cmd.Action)
	if err != nil {
		return Event{}, err
	}
	if err := s.checkDeadlineChange(cmd, calendar.DateOf(at)); err != nil {
		return Event{}, err
	}
	from := s.Status
	s.Tracks = cloneTracks(s.Tracks)
	if err := s.applyTrack(cmd, at); err != nil {
		return Event{}, err
	}
	s.Status = to
	s.Seq++
	s.UpdatedAt = at
	switch cmd.Action {
	case ActionAcknowledge:
		s.AcknowledgedAt = &at
		s.AckReminded = false
	case ActionRequestExtension:
		s.PendingExtension = &ExtensionRequest{RequestedBy: cmd.Actor, RequestedAt: at, Reason: cmd.Reason, ProposedDeadline: cmd.Deadline}
	case ActionDecideExtension:
		if *cmd.Approved {
			s.moveDeadline(s.granted(cmd))
		}
		s.PendingExtension = nil
	case ActionProgress:
		if len(s.Tracks) == 0 {
			s.LatestProgress = cmd.Text // with tracks, only the lead's (applyTrack)
		}
	case ActionResolve:
		s.ResolvedAt = &at
	case ActionSendBack:
		s.ReworkCount++
		if !cmd.Deadline.IsZero() {
			s.moveDeadline(cmd.Deadline)
		}
	case ActionSignOff:
		s.ClosedAt = &at
		s.Grade = cmd.Grade
	case ActionCancel:
		s.CancelledAt = &at
	}
	return Event{
		SlipID:  s.ID,
		Seq:     s.Seq,
		Type:    cmd.Action,
		Actor:   cmd.Actor,
		ActorID: cmd.ActorID, ActorRole: cmd.ActorRole, RequestID: cmd.RequestID,
		At:      at,
		From:    from,
		To:      to,
		Payload: cmd.payload(),
	}, nil
}

// checkDeadlineChange applies the rules on extensions that the lifecycle
// table cannot express: one pending request at a time, asked before the
// deadline for a later date, granted for a date not in the past.
func (s *Slip) checkDeadlineChange(cmd Command, today calendar.Date) error {
	deadline := s.EffectiveDeadline()
	if err := s.CheckDates(cmd); err != nil {
		return err
	}
	switch cmd.Action {
	case ActionRequestExtension:
		if s.PendingExtension != nil {
			return &Error{Kind: KindConflict, Code: CodeExtensionPending, Message: fmt.Sprintf("已有一份待审批的延期申请（申请延期至 %s）", s.PendingExtension.ProposedDeadline)}
		}
		if today.After(deadline) {
			return &Error{Kind: KindConflict, Code: CodeExtensionTooLate, Message: fmt.Sprintf("已超过办结时限 %s，不能再申请延期", deadline)}
		}
		if !cmd.Deadline.After(deadline) {
			return Unprocessable(CodeExtensionDate, "deadline", "延期后的时限须晚于当前办结时限 %s", deadline)
		}
	case ActionDecideExtension:
		if cmd.Approved == nil {
			return Invalid("approved", "请注明是否批准延期（approved: true/false）")
		}
		if s.PendingExtension == nil {
			return &Error{Kind: KindConflict, Code: CodeNoPendingExtension, Message: "没有待审批的延期申请"}
		}
		if *cmd.Approved {
			if granted := s.granted(cmd); granted.Before(today) {
				return Unprocessable(CodeDeadlinePassed, "deadline", "批准的时限 %s 早于今天（%s）", granted, today)
			}
		}
	case ActionSendBack:
		if !cmd.Deadline.IsZero() && cmd.Deadline.Before(today) {
			return Unprocessable(CodeDeadlinePassed, "deadline", "新的办结时限 %s 早于今天（%s）", cmd.Deadline, today)
		}
	}
	return nil
}

// Available lists the actions the lifecycle table allows in the slip's
// status that the extension rules of checkDeadlineChange do not refuse
// outright on date today: what a screen may offer (it still depends on who
// asks).
func (s *Slip) Available(today calendar.Date) []Action {
	out := []Action{}
	for _, a := range Allowed(s.Status) {
		switch {
		case a == ActionDecideExtension && s.PendingExtension == nil:
		case a == ActionRequestExtension && (s.PendingExtension != nil || today.After(s.EffectiveDeadline())):
		default:
			out = append(out, a)
		}
	}
	return out
}

// granted is the date an approval of the pending extension grants: the one
// the office gives, else the one asked for.
func (s *Slip) granted(cmd Command) calendar.Date {
	if cmd.Deadline.IsZero() && s.PendingExtension != nil {
		return s.PendingExtension.ProposedDeadline
	}
	return cmd.Deadline
}

// moveDeadline sets a new effective deadline; escalation starts afresh.
func (s *Slip) moveDeadline(to calendar.Date) {
	s.Deadline = to
	s.Extensions++
	s.EscalationLevel = LevelNone
}

// Remind records a reminder or escalation fired at instant at. It returns
// false, changing nothing, when the reminder no longer applies: the slip was
// acknowledged (for the acknowledgement reminder), or its department has
// reported resolution or the slip has ended (for all others).
func (s *Slip) Remind(r Reminder, at time.Time) (Event, bool) {
	switch r.Kind {
	case EventAckReminder:
		if s.Status != StatusIssued {
			return Event{}, false
		}
		s.AckReminded = true
	case EventDueReminder, EventUrge, EventSupervise, EventPublicNotice:
		if s.Status != StatusIssued && s.Status != StatusInProgress {
			return Event{}, false
		}
		if r.Level > s.EscalationLevel {
			s.EscalationLevel = r.Level
		}
	default:
		return Event{}, false
	}
	s.Seq++
	s.UpdatedAt = at
	s.LastReminderAt = &at
	payload := map[string]any{"deadline": s.EffectiveDeadline().String(), "days_offset": r.DaysOffset}
	if r.Level > 0 {
		payload["level"] = r.Level
	}
	if r.Estimated {
		payload["estimated"] = true
	}
	return Event{
		SlipID: s.ID, Seq: s.Seq, Type: r.Kind, Actor: SystemActor, ActorRole: RoleSystem, At: at,
		From: s.Status, To: s.Status, Payload: payload,
	}, true
}

// SystemActor is the actor of events raised by the workflow's timers.
const SystemActor = "督办系统"

func (c Command) payload() map[string]any {
	p := map[string]any{}
	for k, v := range map[string]string{"text": c.Text, "summary": c.Summary, "comment": c.Comment, "reason": c.Reason, "deadline": c.Deadline.String(), "grade": string(c.Grade)} {
		if v != "" {
			p[k] = v
		}
	}
	for k, v := range map[string]string{"department": c.Department, "new_department": c.NewDepartment, "refuse_by": c.RefuseBy.String(), "problems": c.Problems} {
		if v != "" {
			p[k] = v
		}
	}
	if len(c.Measures) > 0 {
		p["measures"] = c.Measures
	}
	if len(c.Figures) > 0 {
		p["figures"] = c.Figures
	}
	if c.Approved != nil {
		p["approved"] = *c.Approved
	}
	if len(c.Evidence) > 0 {
		p["evidence"] = c.Evidence
	}
	if len(p) == 0 {
		return nil
	}
	return p
}

// CommandOf rebuilds the command a person's action event records: the
// inverse of what Apply writes into the event. The payload's keys are the
// command's own JSON names, so every field the payload keeps — a track
// action's unit, a report's 具体措施, a sign-off's grade — comes back.
func CommandOf(e Event) (Command, error) {
	var cmd Command
	if len(e.Payload) > 0 {
		b, err := json.Marshal(e.Payload)
		if err != nil {
			return Command{}, fmt.Errorf("command of event %s#%d: %w", e.SlipID, e.Seq, err)
		}
		if err := json.Unmarshal(b, &cmd); err != nil {
			return Command{}, fmt.Errorf("command of event %s#%d: %w", e.SlipID, e.Seq, err)
		}
	}
	cmd.Action, cmd.Actor, cmd.ActorID, cmd.ActorRole, cmd.RequestID = e.Type, e.Actor, e.ActorID, e.ActorRole, e.RequestID
	return cmd, nil
}

// IssuedEvent is the first timeline event of a slip.
func (s *Slip) IssuedEvent() Event {
	return Event{
		SlipID: s.ID,
		Seq:    1,
		Type:   ActionIssue,
		Actor:  s.IssuedBy, ActorID: s.IssuedByID, ActorRole: RoleOffice, RequestID: s.IssueRequestID,
		At: s.IssuedAt,
		To: StatusIssued,
	}
}

// Overdue reports whether an open slip is past its worst open part's
// deadline on date today.
func (s *Slip) Overdue(today calendar.Date) bool {
	return s.Status.Open() && s.WorstDeadline().Before(today)
}
