// Package slip holds the domain of an assignment slip (交办单): its statuses,
// the actions that move it, and the one table that says which action may
// happen in which status.
//
// Everything that needs to know "what may happen next" — the workflow's update
// validators, the API's 409 mapping, the docs and, later, the UI's buttons —
// reads the Transitions table below. Nothing re-encodes it.
package slip

import "fmt"

// Status is where a slip stands in its lifecycle.
type Status string

// The statuses of a slip, from hand-off to sign-off.
const (
	StatusIssued         Status = "issued"          // 待签收: handed to the lead department, not yet acknowledged
	StatusInProgress     Status = "in_progress"     // 办理中: acknowledged, being worked on
	StatusPendingReview  Status = "pending_review"  // 待复核: resolution reported, waiting for re-inspection
	StatusPendingSignoff Status = "pending_signoff" // 待销号: review passed, waiting for the office to sign off
	StatusClosed         Status = "closed"          // 已销号: signed off; terminal
	StatusCancelled      Status = "cancelled"       // 已撤销: withdrawn by the office; terminal
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{StatusIssued, StatusInProgress, StatusPendingReview, StatusPendingSignoff, StatusClosed, StatusCancelled}

var statusLabels = map[Status]string{
	StatusIssued:         "待签收",
	StatusInProgress:     "办理中",
	StatusPendingReview:  "待复核",
	StatusPendingSignoff: "待销号",
	StatusClosed:         "已销号",
	StatusCancelled:      "已撤销",
}

// Label is the status as a clerk reads it.
func (s Status) Label() string {
	if l, ok := statusLabels[s]; ok {
		return l
	}
	return string(s)
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	_, ok := statusLabels[s]
	return ok
}

// Terminal reports whether nothing more can happen to a slip in status s.
func (s Status) Terminal() bool { return s == StatusClosed || s == StatusCancelled }

// Open reports whether the slip still counts as outstanding work.
func (s Status) Open() bool { return s.Valid() && !s.Terminal() }

// OpenStatuses lists the statuses of outstanding work.
func OpenStatuses() []Status {
	var out []Status
	for _, s := range Statuses {
		if s.Open() {
			out = append(out, s)
		}
	}
	return out
}

// Action is something a department or the office does to a slip. Each action
// is recorded as a timeline event of the same name.
type Action string

// The actions. ActionIssue only ever starts a slip; the rest are applied by
// the slip's workflow as Temporal updates.
const (
	ActionIssue       Action = "issue"       // 交办
	ActionAcknowledge Action = "acknowledge" // 签收
	ActionProgress    Action = "progress"    // 报送进展
	ActionResolve     Action = "resolve"     // 申请办结
	ActionPassReview  Action = "pass_review" // 复核通过
	ActionSendBack    Action = "send_back"   // 复核不通过，退回重办
	ActionSignOff     Action = "sign_off"    // 销号
	ActionCancel      Action = "cancel"      // 撤销

	ActionRequestExtension Action = "request_extension" // 申请延期
	ActionDecideExtension  Action = "decide_extension"  // 审批延期（批准或不批准）
	ActionInstruct         Action = "instruct"          // 领导批示
)

// System events: reminders and escalations the workflow's timers raise.
// They are recorded on the timeline like actions but no person sends them.
const (
	EventAckReminder  Action = "ack_reminder"  // 未签收提醒
	EventDueReminder  Action = "due_reminder"  // 到期提醒（叮）
	EventUrge         Action = "urge"          // 催办（盯）
	EventSupervise    Action = "supervise"     // 督办（钉），报责任领导
	EventPublicNotice Action = "public_notice" // 通报
)

var actionLabels = map[Action]string{
	ActionIssue:       "交办",
	ActionAcknowledge: "签收",
	ActionProgress:    "报送进展",
	ActionResolve:     "申请办结",
	ActionPassReview:  "复核通过",
	ActionSendBack:    "退回重办",
	ActionSignOff:     "销号",
	ActionCancel:      "撤销",

	ActionRequestExtension: "申请延期",
	ActionDecideExtension:  "审批延期",
	ActionInstruct:         "领导批示",

	EventAckReminder:  "未签收提醒",
	EventDueReminder:  "到期提醒",
	EventUrge:         "催办",
	EventSupervise:    "督办",
	EventPublicNotice: "通报",
}

// System reports whether a is raised by the workflow's timers rather than
// sent by a person.
func (a Action) System() bool {
	switch a {
	case EventAckReminder, EventDueReminder, EventUrge, EventSupervise, EventPublicNotice:
		return true
	}
	return false
}

// Label is the action as a clerk reads it.
func (a Action) Label() string {
	if l, ok := actionLabels[a]; ok {
		return l
	}
	return string(a)
}

// Role says who performs an action; the API refuses an action to any other
// role, reading the By column of the table below.
type Role string

// The roles of users, and the system role of timer events.
const (
	RoleOffice     Role = "office"     // 督查室: issues, reviews, signs off, decides extensions; sees everything
	RoleDepartment Role = "department" // 责任单位: acts on its own slips only
	RoleLeader     Role = "leader"     // 领导: sees everything, adds instructions (批示)
	RoleAdmin      Role = "admin"      // 管理员: users and departments; no slips
	RoleSystem     Role = "system"     // the workflow's timers
	// RoleInspector (督查员) is office staff sent on 回头看: sees every slip,
	// records re-inspections assigned to them.
	RoleInspector Role = "inspector"
	// RoleCitizen (市民监督员) is a citizen supervisor: sees only the
	// re-inspections assigned to them, and of each slip only what checking
	// it needs.
	RoleCitizen Role = "citizen"
)

var roleLabels = map[Role]string{
	RoleOffice: "督查室", RoleDepartment: "责任单位", RoleLeader: "领导", RoleAdmin: "管理员", RoleSystem: "系统",
	RoleInspector: "督查员", RoleCitizen: "市民监督员",
}

// Label is the role as a clerk reads it.
func (r Role) Label() string {
	if l, ok := roleLabels[r]; ok {
		return l
	}
	return string(r)
}

// Valid reports whether r is a role a user may have.
func (r Role) Valid() bool {
	return r == RoleOffice || r == RoleDepartment || r == RoleLeader || r == RoleAdmin || r == RoleInspector || r == RoleCitizen
}

// ActedBy returns the role that performs action a (from the table), or ""
// for an action not in the table.
func ActedBy(a Action) Role {
	for _, t := range Transitions {
		if t.Action == a {
			return t.By
		}
	}
	return ""
}

// CoDepartmentActions are what a co-department (配合单位) may do on a slip
// it helps with: report progress. Everything else of the department role is
// the lead department's.
var CoDepartmentActions = []Action{ActionProgress, ActionCoAcknowledge, ActionCompletePart, ActionRefuse}

// Transition is one row of the lifecycle table.
type Transition struct {
	From   Status
	Action Action
	To     Status
	By     Role
}

// Transitions is the slip lifecycle: every allowed (status, action) pair and
// where it leads. A pair not listed here is refused.
var Transitions = []Transition{
	{StatusIssued, ActionAcknowledge, StatusInProgress, RoleDepartment},
	{StatusInProgress, ActionProgress, StatusInProgress, RoleDepartment},
	{StatusInProgress, ActionResolve, StatusPendingReview, RoleDepartment},
	{StatusPendingReview, ActionPassReview, StatusPendingSignoff, RoleOffice},
	{StatusPendingReview, ActionSendBack, StatusInProgress, RoleOffice},
	{StatusPendingSignoff, ActionSignOff, StatusClosed, RoleOffice},
	{StatusIssued, ActionCancel, StatusCancelled, RoleOffice},
	{StatusInProgress, ActionCancel, StatusCancelled, RoleOffice},
	{StatusPendingReview, ActionCancel, StatusCancelled, RoleOffice},
	{StatusPendingSignoff, ActionCancel, StatusCancelled, RoleOffice},
	// Extensions leave the status where it is. The lead department asks while
	// the work is open; the office decides whenever a request is pending
	// (Slip.Apply checks the deadline and the pending request).
	{StatusIssued, ActionRequestExtension, StatusIssued, RoleDepartment},
	{StatusInProgress, ActionRequestExtension, StatusInProgress, RoleDepartment},
	{StatusIssued, ActionDecideExtension, StatusIssued, RoleOffice},
	{StatusInProgress, ActionDecideExtension, StatusInProgress, RoleOffice},
	{StatusPendingReview, ActionDecideExtension, StatusPendingReview, RoleOffice},
	{StatusPendingSignoff, ActionDecideExtension, StatusPendingSignoff, RoleOffice},
	// A leader's instruction (批示) goes on the timeline of any open slip.
	{StatusIssued, ActionInstruct, StatusIssued, RoleLeader},
	{StatusInProgress, ActionInstruct, StatusInProgress, RoleLeader},
	{StatusPendingReview, ActionInstruct, StatusPendingReview, RoleLeader},
	{StatusPendingSignoff, ActionInstruct, StatusPendingSignoff, RoleLeader},
	// Track actions (track.go) leave the slip's status where it is; the
	// track table says what the unit's part must be in. A co-unit may sign
	// for and report on its part before the lead has signed.
	{StatusIssued, ActionProgress, StatusIssued, RoleDepartment},
	{StatusIssued, ActionCoAcknowledge, StatusIssued, RoleDepartment},
	{StatusInProgress, ActionCoAcknowledge, StatusInProgress, RoleDepartment},
	{StatusIssued, ActionCompletePart, StatusIssued, RoleDepartment},
	{StatusInProgress, ActionCompletePart, StatusInProgress, RoleDepartment},
	{StatusIssued, ActionRefuse, StatusIssued, RoleDepartment},
	{StatusInProgress, ActionRefuse, StatusInProgress, RoleDepartment},
	{StatusIssued, ActionDeclineRefusal, StatusIssued, RoleOffice},
	{StatusInProgress, ActionDeclineRefusal, StatusInProgress, RoleOffice},
	{StatusIssued, ActionReassign, StatusIssued, RoleOffice},
	{StatusInProgress, ActionReassign, StatusInProgress, RoleOffice},
	{StatusIssued, ActionWaive, StatusIssued, RoleOffice},
	{StatusInProgress, ActionWaive, StatusInProgress, RoleOffice},
	{StatusIssued, ActionPress, StatusIssued, RoleOffice},
	{StatusInProgress, ActionPress, StatusInProgress, RoleOffice},
}

// Next returns the status that action leads to from status from, or a
// *TransitionError when the table does not allow it.
func Next(from Status, action Action) (Status, error) {
	for _, t := range Transitions {
		if t.From == from && t.Action == action {
			return t.To, nil
		}
	}
	return "", &TransitionError{From: from, Action: action}
}

// Allowed lists the actions the table permits from status s, in table order.
func Allowed(s Status) []Action {
	var out []Action
	for _, t := range Transitions {
		if t.From == s {
			out = append(out, t.Action)
		}
	}
	return out
}

// TransitionError says an action is not allowed in the slip's current status.
type TransitionError struct {
	From   Status
	Action Action
}

// Error is the message a clerk reads.
func (e *TransitionError) Error() string {
	return fmt.Sprintf("交办单当前状态为“%s”，不能执行“%s”", e.From.Label(), e.Action.Label())
}
