package slip

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/duban-gov/duban/calendar"
)

// TrackRole is a unit's part on a slip.
type TrackRole string

// The parts a unit can have on a slip.
const (
	RoleLead TrackRole = "lead" // 主办（牵头单位）
	RoleCo   TrackRole = "co"   // 协办（配合单位）
)

// Label is the part as a clerk reads it.
func (r TrackRole) Label() string {
	if r == RoleLead {
		return "主办"
	}
	return "协办"
}

// TrackStatus is where one unit's part of a slip stands.
type TrackStatus string

// The statuses of a track.
const (
	TrackIssued     TrackStatus = "issued"      // 待签收
	TrackInProgress TrackStatus = "in_progress" // 办理中
	TrackCompleted  TrackStatus = "completed"   // 已完成（协办完成；主办：销号）
	TrackRefused    TrackStatus = "refused"     // 已退回，待督查室改派或驳回
	TrackWaived     TrackStatus = "waived"      // 已豁免（督查室免除该协办单位的任务）
	TrackReplaced   TrackStatus = "replaced"    // 已改派给其他单位
	TrackCancelled  TrackStatus = "cancelled"   // 交办单已撤销
)

var trackStatusLabels = map[TrackStatus]string{
	TrackIssued: "待签收", TrackInProgress: "办理中", TrackCompleted: "已完成", TrackRefused: "已退回",
	TrackWaived: "已豁免", TrackReplaced: "已改派", TrackCancelled: "已撤销",
}

// Label is the track status as a clerk reads it.
func (s TrackStatus) Label() string {
	if l, ok := trackStatusLabels[s]; ok {
		return l
	}
	return string(s)
}

// Open reports whether the unit still owes work (or an answer) on its part.
func (s TrackStatus) Open() bool {
	return s == TrackIssued || s == TrackInProgress || s == TrackRefused
}

// The track actions: what a unit does to its own part, and what the office
// does to a unit's part. They leave the slip's status where it is.
const (
	ActionCoAcknowledge  Action = "co_acknowledge"  // 协办签收
	ActionCompletePart   Action = "complete_part"   // 协办完成
	ActionRefuse         Action = "refuse"          // 退回（申请改派）
	ActionDeclineRefusal Action = "decline_refusal" // 驳回退回申请
	ActionReassign       Action = "reassign"        // 改派
	ActionWaive          Action = "waive"           // 豁免协办
	ActionPress          Action = "press"           // 人工催办（抽鞭子）
)

func init() {
	for a, l := range map[Action]string{
		ActionCoAcknowledge: "协办签收", ActionCompletePart: "协办完成", ActionRefuse: "退回",
		ActionDeclineRefusal: "驳回退回", ActionReassign: "改派", ActionWaive: "豁免协办", ActionPress: "人工催办",
	} {
		actionLabels[a] = l
	}
}

// TrackTransition is one row of the track table: an action a unit's part
// must be in From for, what it becomes (To; "" leaves it), and which part
// acts on it (Part; "" for both).
type TrackTransition struct {
	From   TrackStatus
	Action Action
	To     TrackStatus
	Part   TrackRole
}

// TrackTransitions says which track action may happen to a part in which
// status. Together with Transitions (which says in which slip status a
// track action may happen, and who performs it) it is the one source the
// workflow's validators, the API's 409s and the UI's buttons read.
var TrackTransitions = []TrackTransition{
	{TrackIssued, ActionAcknowledge, TrackInProgress, RoleLead},
	{TrackIssued, ActionCoAcknowledge, TrackInProgress, RoleCo},
	{TrackInProgress, ActionProgress, "", ""},
	{TrackInProgress, ActionResolve, "", RoleLead},
	{TrackInProgress, ActionRequestExtension, "", RoleLead},
	{TrackIssued, ActionRequestExtension, "", RoleLead},
	{TrackInProgress, ActionCompletePart, TrackCompleted, RoleCo},
	// A unit refuses instead of signing: 签收 accepts the work.
	{TrackIssued, ActionRefuse, TrackRefused, ""},
	{TrackRefused, ActionDeclineRefusal, TrackIssued, ""},
	{TrackRefused, ActionReassign, TrackReplaced, ""},
	{TrackIssued, ActionReassign, TrackReplaced, RoleCo},
	{TrackInProgress, ActionReassign, TrackReplaced, RoleCo},
	{TrackIssued, ActionWaive, TrackWaived, RoleCo},
	{TrackInProgress, ActionWaive, TrackWaived, RoleCo},
	{TrackRefused, ActionWaive, TrackWaived, RoleCo},
	{TrackIssued, ActionPress, "", ""},
	{TrackInProgress, ActionPress, "", ""},
}

// TrackAction reports whether a is done to one unit's part (the command's
// Department names it).
func TrackAction(a Action) bool {
	for _, t := range TrackTransitions {
		if t.Action == a {
			return true
		}
	}
	return false
}

// nextTrack finds the track table's row for a part in status from with role
// part, or returns the conflict a clerk reads.
func nextTrack(t *Track, a Action) (TrackTransition, error) {
	for _, row := range TrackTransitions {
		if row.From == t.Status && row.Action == a && (row.Part == "" || row.Part == t.Role) {
			return row, nil
		}
	}
	return TrackTransition{}, &Error{Kind: KindConflict, Code: CodeTrackTransition,
		Message: fmt.Sprintf("%s（%s）的任务当前为“%s”，不能执行“%s”", t.Department, t.Role.Label(), t.Status.Label(), a.Label())}
}

// Error codes of tracks.
const (
	CodeTrackTransition = "invalid_track_transition" // the unit's part is not in a status that allows the action
	CodeCoUnitsOpen     = "co_units_open"            // the lead resolves while co-units have not finished
	CodeRefuseWindow    = "refuse_window_passed"     // 退回 after the window
	CodeInvalidMeasure  = "invalid_measure"          // a 具体措施 without 责任单位, or due in the past
	CodeReassignTarget  = "invalid_reassign_target"  // 改派 to the same unit or one already on the slip
	CodeNoSuchTrack     = "no_such_track"            // the named unit has no part on the slip
)

// DefaultRefuseWorkingDays is how many working days after its receipt a
// unit may refuse its part, unless the operator configures another window.
const DefaultRefuseWorkingDays = 2

// Figure is one number of a report's 实现情况: 完成投资 3.2 亿元.
type Figure struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	Unit  string `json:"unit,omitempty"`
}

// Measure is one 具体措施: what will be done, by whom (责任单位), by when
// (解决时限).
type Measure struct {
	Content string        `json:"content"`
	Units   []string      `json:"units"`
	Due     calendar.Date `json:"due"`
}

// Report is a unit's structured report on its part: 实现情况 (Achieved and
// Figures), 存在问题 (Problems) and 具体措施 (Measures).
type Report struct {
	Kind     Action    `json:"kind"` // progress, resolve or complete_part
	Achieved string    `json:"achieved"`
	Figures  []Figure  `json:"figures,omitempty"`
	Problems string    `json:"problems,omitempty"`
	Measures []Measure `json:"measures,omitempty"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
}

// Limits on a report's lists.
const (
	MaxMeasures = 50
	MaxFigures  = 50
	MaxUnits    = 20
)

// TrackFields are the parts of a Command that concern one unit's part and
// structured reports.
type TrackFields struct {
	// Department is the unit whose part the action concerns: the acting
	// unit for a department's own action (the service sets it), the unit
	// the office acts on otherwise (for 催办 empty means the lead).
	Department string `json:"department,omitempty"`
	// NewDepartment is the unit that takes over a part on 改派.
	NewDepartment string `json:"new_department,omitempty"`
	// RefuseBy is the last day the new unit may refuse, set by the service
	// from the calendar on 改派.
	RefuseBy calendar.Date `json:"refuse_by,omitzero"`
	Problems string        `json:"problems,omitempty"`
	Measures []Measure     `json:"measures,omitempty"`
	Figures  []Figure      `json:"figures,omitempty"`
}

// validateTrackFields checks the shape of a command's track fields.
func (c Command) validateTrackFields() error {
	if err := checkText("problems", c.Problems, MaxLongText); err != nil {
		return err
	}
	for _, f := range []struct{ name, v string }{{"department", c.Department}, {"new_department", c.NewDepartment}} {
		if err := checkText(f.name, f.v, MaxShortText); err != nil {
			return err
		}
	}
	if len(c.Figures) > MaxFigures {
		return Invalid("figures", "数据最多 %d 项", MaxFigures)
	}
	for _, f := range c.Figures {
		if strings.TrimSpace(f.Name) == "" || strings.TrimSpace(f.Value) == "" {
			return Invalid("figures", "每项数据须有名称和数值")
		}
		for _, v := range []string{f.Name, f.Value, f.Unit} {
			if err := checkText("figures", v, MaxShortText); err != nil {
				return err
			}
		}
	}
	if len(c.Measures) > MaxMeasures {
		return Invalid("measures", "具体措施最多 %d 项", MaxMeasures)
	}
	hasReport := c.Action == ActionProgress || c.Action == ActionResolve || c.Action == ActionCompletePart
	if !hasReport && (len(c.Measures) > 0 || len(c.Figures) > 0 || c.Problems != "") {
		return Invalid("measures", "“%s”不带存在问题、具体措施或数据", c.Action.Label())
	}
	switch c.Action {
	case ActionCompletePart:
		if strings.TrimSpace(c.Summary) == "" {
			return Invalid("summary", "请填写协办完成情况")
		}
	case ActionRefuse:
		if strings.TrimSpace(c.Reason) == "" {
			return Invalid("reason", "退回须说明理由（如职责不符、需要调整牵头单位）")
		}
	case ActionWaive:
		if strings.TrimSpace(c.Reason) == "" {
			return Invalid("reason", "豁免须说明理由")
		}
		if c.Department == "" {
			return Invalid("department", "请指定豁免的协办单位")
		}
	case ActionReassign:
		if c.Department == "" {
			return Invalid("department", "请指定被改派的单位")
		}
		if c.NewDepartment == "" {
			return Invalid("new_department", "请指定改派后的单位")
		}
	case ActionDeclineRefusal:
		if c.Department == "" {
			return Invalid("department", "请指定退回申请所属的单位")
		}
		if strings.TrimSpace(c.Comment) == "" {
			return Invalid("comment", "驳回退回申请须说明理由")
		}
	}
	return nil
}

// CheckMeasures refuses a 具体措施 without content or 责任单位, or with a
// 解决时限 missing or before today: 422.
func CheckMeasures(ms []Measure, today calendar.Date) error {
	for i, m := range ms {
		field := fmt.Sprintf("measures[%d]", i)
		if strings.TrimSpace(m.Content) == "" {
			return Unprocessable(CodeInvalidMeasure, field+".content", "第 %d 项具体措施没有内容", i+1)
		}
		if err := checkText(field+".content", m.Content, MaxLongText); err != nil {
			return err
		}
		units := 0
		for _, u := range m.Units {
			if strings.TrimSpace(u) != "" {
				units++
			}
			if err := checkText(field+".units", u, MaxShortText); err != nil {
				return err
			}
		}
		if units == 0 {
			return Unprocessable(CodeInvalidMeasure, field+".units", "第 %d 项具体措施须写明责任单位", i+1)
		}
		if len(m.Units) > MaxUnits {
			return Unprocessable(CodeInvalidMeasure, field+".units", "第 %d 项具体措施的责任单位最多 %d 个", i+1, MaxUnits)
		}
		if m.Due.IsZero() {
			return Unprocessable(CodeInvalidMeasure, field+".due", "第 %d 项具体措施须写明解决时限", i+1)
		}
		if m.Due.Before(today) {
			return Unprocessable(CodeInvalidMeasure, field+".due", "第 %d 项具体措施的解决时限 %s 早于今天（%s）", i+1, m.Due, today)
		}
	}
	return nil
}

// Refusal is a unit's request to be relieved of its part (退回).
type Refusal struct {
	Reason string    `json:"reason"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

// Track is one unit's part of a slip.
type Track struct {
	Department string      `json:"department"`
	Role       TrackRole   `json:"role"`
	Status     TrackStatus `json:"status"`
	// Deadline is the part's own deadline; empty means the slip's.
	Deadline calendar.Date `json:"deadline,omitzero"`
	// AssignedAt starts the part's receipt clock: the issue, or the 改派
	// that gave the unit its part.
	AssignedAt time.Time `json:"assigned_at"`
	// RefuseBy is the last day (YYYY-MM-DD) the unit may refuse; empty: it
	// may not.
	RefuseBy       calendar.Date `json:"refuse_by,omitzero"`
	AcknowledgedAt *time.Time    `json:"acknowledged_at,omitempty"`
	CompletedAt    *time.Time    `json:"completed_at,omitempty"`
	// Report is the unit's latest report; the timeline keeps every one.
	Report  *Report  `json:"report,omitempty"`
	Refusal *Refusal `json:"refusal,omitempty"`
	// Refusals counts the unit's refusals of this part (回退).
	Refusals int `json:"refusals,omitempty"`
	// Waiver is the office's reason for waiving the part.
	Waiver string `json:"waiver,omitempty"`
	// ReplacedBy names the unit a 改派 gave the part to.
	ReplacedBy      string     `json:"replaced_by,omitempty"`
	Presses         int        `json:"presses,omitempty"` // 人工催办 received
	EscalationLevel int        `json:"escalation_level,omitempty"`
	AckReminded     bool       `json:"ack_reminded,omitempty"`
	LastReminderAt  *time.Time `json:"last_reminder_at,omitempty"`
}

// NewTracks gives the units of draft d their parts at issue instant at:
// the lead's with the slip's deadline, each co-unit's with the deadline the
// office set for it (else the slip's). refuseBy is the last day of the
// refusal window.
func NewTracks(d Draft, at time.Time, refuseBy calendar.Date) []Track {
	out := []Track{{Department: d.LeadDepartment, Role: RoleLead, Status: TrackIssued, AssignedAt: at, RefuseBy: refuseBy}}
	for _, c := range d.CoDepartments {
		out = append(out, Track{Department: c, Role: RoleCo, Status: TrackIssued, AssignedAt: at, RefuseBy: refuseBy, Deadline: d.CoDeadlines[c]})
	}
	return out
}

// TrackOf returns the current part of unit dept (not a replaced one), or
// nil.
func (s *Slip) TrackOf(dept string) *Track {
	for i := range s.Tracks {
		if s.Tracks[i].Department == dept && s.Tracks[i].Status != TrackReplaced {
			return &s.Tracks[i]
		}
	}
	return nil
}

// TrackDeadline is the deadline in force for a part.
func (s *Slip) TrackDeadline(t Track) calendar.Date {
	if !t.Deadline.IsZero() && t.Deadline.Before(s.EffectiveDeadline()) {
		return t.Deadline
	}
	return s.EffectiveDeadline()
}

// WorstDeadline is the earliest deadline among the slip's open work: its
// own, and each open co-unit's. A slip's 三色 and overdue follow it.
func (s *Slip) WorstDeadline() calendar.Date {
	worst := s.EffectiveDeadline()
	for _, t := range s.Tracks {
		if t.Role == RoleCo && t.Status.Open() {
			if d := s.TrackDeadline(t); d.Before(worst) {
				worst = d
			}
		}
	}
	return worst
}

// OpenCoUnits lists the co-units whose parts keep the lead from resolving.
func (s *Slip) OpenCoUnits() []string {
	var out []string
	for _, t := range s.Tracks {
		if t.Role == RoleCo && t.Status.Open() {
			out = append(out, t.Department)
		}
	}
	return out
}

// actingTrack finds the part a track action concerns: the command's
// Department, or for the lead's own actions and 催办 without a unit, the
// lead's.
func (s *Slip) actingTrack(cmd Command) (*Track, error) {
	dept := cmd.Department
	if dept == "" {
		dept = s.Draft.LeadDepartment
	}
	t := s.TrackOf(dept)
	if t == nil {
		return nil, Unprocessable(CodeNoSuchTrack, "department", "单位 %s 不是该交办单的承办单位", dept)
	}
	return t, nil
}

// applyTrack changes the parts for cmd at instant at, after the slip's
// table allowed it; s.Tracks is a fresh copy by then (see Apply). Slips
// issued before tracks existed have none and are left alone.
func (s *Slip) applyTrack(cmd Command, at time.Time) error {
	if len(s.Tracks) == 0 {
		if cmd.Action == ActionProgress && s.Status == StatusIssued {
			return &TransitionError{From: s.Status, Action: cmd.Action} // as before tracks
		}
		if TrackAction(cmd.Action) && cmd.Action != ActionAcknowledge && cmd.Action != ActionProgress &&
			cmd.Action != ActionResolve && cmd.Action != ActionRequestExtension {
			return &Error{Kind: KindConflict, Code: CodeTrackTransition, Message: "该交办单早于分单位办理功能，不能执行“" + cmd.Action.Label() + "”"}
		}
		return nil
	}
	today := calendar.DateOf(at)
	switch cmd.Action {
	case ActionSignOff:
		// The lead's part is done when the slip is signed off, and was done
		// on time if its accepted resolution came by the deadline (as 按期办结率
		// counts the slip).
		done := &at
		if s.ResolvedAt != nil {
			done = s.ResolvedAt
		}
		for i := range s.Tracks {
			if s.Tracks[i].Role == RoleLead && s.Tracks[i].Status == TrackInProgress {
				s.Tracks[i].Status, s.Tracks[i].CompletedAt = TrackCompleted, done
			}
		}
		return nil
	case ActionCancel:
		for i := range s.Tracks {
			if s.Tracks[i].Status.Open() {
				s.Tracks[i].Status = TrackCancelled
			}
		}
		return nil
	case ActionSendBack:
		return nil
	}
	if !TrackAction(cmd.Action) {
		return nil
	}
	t, err := s.actingTrack(cmd)
	if err != nil {
		return err
	}
	if t.Role == RoleLead && cmd.Action == ActionProgress && t.Status == TrackIssued && s.Status == StatusIssued {
		return &TransitionError{From: s.Status, Action: cmd.Action} // the lead reports once it has signed, as always
	}
	row, err := nextTrack(t, cmd.Action)
	if err != nil {
		return err
	}
	if err := CheckMeasures(cmd.Measures, today); err != nil {
		return err
	}
	switch cmd.Action {
	case ActionAcknowledge, ActionCoAcknowledge:
		t.AcknowledgedAt, t.AckReminded = &at, false
	case ActionProgress:
		t.Report = cmd.report(at, cmd.Text)
		if t.Role == RoleLead {
			s.LatestProgress = cmd.Text
		}
	case ActionResolve:
		if open := s.OpenCoUnits(); len(open) > 0 {
			return &Error{Kind: KindConflict, Code: CodeCoUnitsOpen,
				Message: fmt.Sprintf("协办单位 %s 尚未完成协办任务，牵头单位暂不能申请办结（可由督查室豁免）", strings.Join(open, "、"))}
		}
		t.Report = cmd.report(at, cmd.Summary)
	case ActionCompletePart:
		t.Report = cmd.report(at, cmd.Summary)
		t.CompletedAt = &at
	case ActionRefuse:
		if t.RefuseBy.IsZero() || today.After(t.RefuseBy) {
			window := "该单位不适用退回"
			if !t.RefuseBy.IsZero() {
				window = fmt.Sprintf("退回须在收到后 %s 前提出", t.RefuseBy)
			}
			return &Error{Kind: KindConflict, Code: CodeRefuseWindow, Message: "已超过退回期限：" + window + "，请按要求办理或申请延期"}
		}
		t.Refusal = &Refusal{Reason: cmd.Reason, By: cmd.Actor, At: at}
		t.Refusals++
	case ActionDeclineRefusal:
		t.Refusal = nil
		t.RefuseBy = calendar.Date{} // refused once and declined: the unit does the work
	case ActionWaive:
		t.Waiver = cmd.Reason
	case ActionPress:
		t.Presses++
	case ActionReassign:
		if err := s.reassign(t, cmd, at); err != nil {
			return err
		}
	}
	if row.To != "" && cmd.Action != ActionReassign {
		t.Status = row.To
	}
	return nil
}

// reassign gives part t to cmd.NewDepartment: the old part stays on the
// slip as replaced (its history and 回退 count stay), the new one starts
// its receipt clock at at, with the deadline the office gave (else the old
// part's).
func (s *Slip) reassign(t *Track, cmd Command, at time.Time) error {
	to := cmd.NewDepartment
	if to == t.Department {
		return Unprocessable(CodeReassignTarget, "new_department", "改派后的单位不能与原单位（%s）相同", to)
	}
	if s.TrackOf(to) != nil {
		return Unprocessable(CodeReassignTarget, "new_department", "单位 %s 已是该交办单的承办单位", to)
	}
	if t.Role == RoleLead && s.Status != StatusIssued {
		return &Error{Kind: KindConflict, Code: CodeTrackTransition, Message: "牵头单位已签收办理，不能改派牵头单位"}
	}
	deadline := t.Deadline
	if !cmd.Deadline.IsZero() {
		deadline = cmd.Deadline
		if today := calendar.DateOf(at); cmd.Deadline.Before(today) {
			return Unprocessable(CodeDeadlinePassed, "deadline", "新的时限 %s 早于今天（%s）", cmd.Deadline, today)
		}
	}
	role := t.Role
	t.Status, t.ReplacedBy = TrackReplaced, to
	s.Tracks = append(s.Tracks, Track{Department: to, Role: role, Status: TrackIssued, AssignedAt: at, RefuseBy: cmd.RefuseBy, Deadline: deadline})
	if role == RoleLead {
		s.Draft.LeadDepartment = to
		s.AckReminded = false
		if !cmd.Deadline.IsZero() {
			s.moveDeadline(cmd.Deadline)
		}
		// The new lead's part carries the slip's deadline, not its own.
		s.Tracks[len(s.Tracks)-1].Deadline = calendar.Date{}
	} else {
		co := slices.Clone(s.Draft.CoDepartments)
		for i, c := range co {
			if c == t.Department {
				co[i] = to
			}
		}
		s.Draft.CoDepartments = co
		if _, ok := s.Draft.CoDeadlines[t.Department]; ok {
			kept := make(map[string]calendar.Date, len(s.Draft.CoDeadlines))
			for k, v := range s.Draft.CoDeadlines {
				if k != t.Department {
					kept[k] = v
				}
			}
			s.Draft.CoDeadlines = kept
		}
	}
	return nil
}

// report builds the structured report a command carries.
func (c Command) report(at time.Time, achieved string) *Report {
	return &Report{Kind: c.Action, Achieved: achieved, Figures: c.Figures, Problems: c.Problems, Measures: c.Measures, By: c.Actor, At: at}
}

// cloneTracks copies the parts so that a dry run (a validator's probe) never
// writes into the slip it was copied from.
func cloneTracks(ts []Track) []Track {
	if ts == nil {
		return nil
	}
	return slices.Clone(ts)
}

// AvailableTo lists the actions of Available that unit dept's part allows
// (for a department user): the lead's actions only to the lead, a co-unit's
// to that co-unit, both by the track table.
func (s *Slip) AvailableTo(dept string, today calendar.Date) []Action {
	out := []Action{}
	t := s.TrackOf(dept)
	for _, a := range s.Available(today) {
		if ActedBy(a) != RoleDepartment {
			continue
		}
		if len(s.Tracks) == 0 || t == nil {
			out = append(out, a)
			continue
		}
		if !TrackAction(a) {
			out = append(out, a)
			continue
		}
		if _, err := nextTrack(t, a); err != nil {
			continue
		}
		switch {
		case a == ActionRefuse && (t.RefuseBy.IsZero() || today.After(t.RefuseBy)):
		case a == ActionResolve && len(s.OpenCoUnits()) > 0:
		default:
			out = append(out, a)
		}
	}
	return out
}

// TrackReminder is a reminder or escalation of one co-unit's part, on its
// own clock (its receipt and its deadline).
type TrackReminder struct {
	Department string `json:"department"`
	Reminder
}

// TrackClock is the slip as the reminder planner should see one part: its
// receipt as the issue, its deadline, and signed for or not. ok is false for
// a part that owes nothing now (done, waived, replaced, or refused and
// waiting for the office).
func (s *Slip) TrackClock(t Track) (clock Slip, ok bool) {
	if t.Status != TrackIssued && t.Status != TrackInProgress {
		return Slip{}, false
	}
	clock = *s
	clock.Tracks = nil
	clock.IssuedAt = t.AssignedAt
	clock.Deadline = s.TrackDeadline(t)
	clock.Status = StatusInProgress
	if t.Status == TrackIssued {
		clock.Status = StatusIssued
	}
	return clock, true
}

// LeadClock is the slip as the planner should see its lead's part: a
// reassigned lead's receipt clock starts at its reassignment.
func (s *Slip) LeadClock() Slip {
	clock := *s
	for _, t := range s.Tracks {
		if t.Role == RoleLead && t.Status != TrackReplaced && t.AssignedAt.After(clock.IssuedAt) {
			clock.IssuedAt = t.AssignedAt
		}
	}
	return clock
}

// RemindTrack records a co-unit's reminder or escalation fired at instant
// at. It returns false, changing nothing, when the part has moved past it.
// The slip's escalation level follows its worst part.
func (s *Slip) RemindTrack(r TrackReminder, at time.Time) (Event, bool) {
	t := s.TrackOf(r.Department)
	if t == nil || t.Role != RoleCo || !s.Status.Open() {
		return Event{}, false
	}
	s.Tracks = cloneTracks(s.Tracks)
	t = s.TrackOf(r.Department)
	switch r.Kind {
	case EventAckReminder:
		if t.Status != TrackIssued {
			return Event{}, false
		}
		t.AckReminded = true
	case EventDueReminder, EventUrge, EventSupervise, EventPublicNotice:
		if t.Status != TrackIssued && t.Status != TrackInProgress {
			return Event{}, false
		}
		t.EscalationLevel = max(t.EscalationLevel, r.Level)
		s.EscalationLevel = max(s.EscalationLevel, r.Level)
	default:
		return Event{}, false
	}
	t.LastReminderAt = &at
	s.Seq++
	s.UpdatedAt = at
	payload := map[string]any{"deadline": s.TrackDeadline(*t).String(), "days_offset": r.DaysOffset, "department": t.Department}
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

// TrackClockKey changes whenever a co-unit's clock must be planned afresh:
// a part assigned, signed for, finished, or given another deadline.
func (s *Slip) TrackClockKey() string {
	var b strings.Builder
	b.WriteString(s.EffectiveDeadline().String())
	for _, t := range s.Tracks {
		fmt.Fprintf(&b, "|%s:%s:%s:%s", t.Department, t.Status, t.Deadline, t.AssignedAt.Format(time.RFC3339))
	}
	return b.String()
}

// OfficeTrackActions are the office's actions on one unit's part.
var OfficeTrackActions = []Action{ActionPress, ActionWaive, ActionReassign, ActionDeclineRefusal}

// TrackAllows reports whether the two tables allow action a on part t of
// the slip now (who may act is the caller's check).
func (s *Slip) TrackAllows(t Track, a Action) bool {
	if _, err := Next(s.Status, a); err != nil {
		return false
	}
	if _, err := nextTrack(&t, a); err != nil {
		return false
	}
	if a == ActionReassign && t.Role == RoleLead && s.Status != StatusIssued {
		return false
	}
	return true
}
