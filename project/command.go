package project

import (
	"slices"
	"strings"
	"time"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/slip"
)

// Action is what happens to a project: a person's action or the clock's.
type Action string

// People's actions.
const (
	ActionCreate           Action = "create"            // 立项登记 (the office)
	ActionReport           Action = "report"            // 节点完成 (the milestone's unit)
	ActionAccept           Action = "accept"            // 节点验收 (the office)
	ActionRequestExtension Action = "request_extension" // 申请延期 (the milestone's unit)
	ActionDecideExtension  Action = "decide_extension"  // 审批延期 (the office)
	ActionInstruct         Action = "instruct"          // 领导批示 (leader, office)
	ActionLinkSlip         Action = "link_slip"         // 交办 a slip to clear an obstacle (the office)
	ActionSignOff          Action = "sign_off"          // 销号 (the office)
)

// Label is the action in Chinese; the clock's events use slip's labels.
func (a Action) Label() string {
	switch a {
	case ActionCreate:
		return "立项登记"
	case ActionReport:
		return "节点完成"
	case ActionAccept:
		return "节点验收"
	case ActionRequestExtension:
		return "申请延期"
	case ActionDecideExtension:
		return "审批延期"
	case ActionInstruct:
		return "领导批示"
	case ActionLinkSlip:
		return "交办清障"
	case ActionSignOff:
		return "销号"
	}
	return slip.Action(a).Label()
}

// Actions are the people's actions a project workflow takes as updates.
var Actions = []Action{ActionReport, ActionAccept, ActionRequestExtension, ActionDecideExtension, ActionInstruct, ActionLinkSlip, ActionSignOff}

// Command is one person's action on a project.
type Command struct {
	Action    Action        `json:"action"`
	Milestone string        `json:"milestone,omitempty"`
	Actual    calendar.Date `json:"actual,omitempty"`
	Evidence  []string      `json:"evidence,omitempty"`
	Comment   string        `json:"comment,omitempty"`
	Date      calendar.Date `json:"date,omitempty"`
	Approved  bool          `json:"approved,omitempty"`
	SlipID    string        `json:"slip_id,omitempty"`
	Actor     string        `json:"actor"`
	ActorID   int64         `json:"actor_id"`
}

// Event is one entry of a project's timeline, numbered 1…n by Seq.
type Event struct {
	Seq       int64         `json:"seq"`
	Type      Action        `json:"type"`
	At        time.Time     `json:"at"`
	Actor     string        `json:"actor"`
	ActorID   int64         `json:"actor_id,omitempty"`
	Milestone string        `json:"milestone,omitempty"`
	Comment   string        `json:"comment,omitempty"`
	Date      calendar.Date `json:"date,omitempty"`
	Level     int           `json:"level,omitempty"`
	SlipID    string        `json:"slip_id,omitempty"`
	Evidence  []string      `json:"evidence,omitempty"`
}

// Clone returns a copy of p that shares nothing mutable with it, so an
// action can be tried on the copy and the copy committed only once the
// ledger has taken it.
func (p Project) Clone() Project {
	out := p
	if p.Attributes != nil {
		out.Attributes = make(map[string]string, len(p.Attributes))
		for k, v := range p.Attributes {
			out.Attributes[k] = v
		}
	}
	out.Milestones = make([]Milestone, len(p.Milestones))
	for i, m := range p.Milestones {
		m.Evidence = slices.Clone(m.Evidence)
		m.Slips = slices.Clone(m.Slips)
		if m.PendingExtension != nil {
			e := *m.PendingExtension
			m.PendingExtension = &e
		}
		out.Milestones[i] = m
	}
	return out
}

// Created is the first event of a project.
func (p *Project) Created() Event {
	p.Seq = 1
	return Event{Seq: 1, Type: ActionCreate, At: p.CreatedAt, Actor: p.CreatedBy}
}

func conflict(code, format string, args ...any) error {
	e := slip.Unprocessable(code, "", format, args...)
	e.Kind = slip.KindConflict
	return e
}

// Apply performs cmd on p at instant now and returns the event it adds.
// A refused command leaves p unchanged. Who may act is the service's to
// check (identity.MayActOnProject); Apply checks what the project allows.
func (p *Project) Apply(cmd Command, now time.Time) (Event, error) {
	if p.Status == StatusSignedOff {
		return Event{}, conflict(CodeProjectClosed, "项目已销号，不能再%s", cmd.Action.Label())
	}
	cmd.Comment = strings.TrimSpace(cmd.Comment)
	if len([]rune(cmd.Comment)) > slip.MaxLongText {
		return Event{}, slip.Invalid("comment", "说明不超过 %d 个字", slip.MaxLongText)
	}
	ev := Event{Seq: p.Seq + 1, Type: cmd.Action, At: now, Actor: cmd.Actor, ActorID: cmd.ActorID, Milestone: cmd.Milestone, Comment: cmd.Comment}
	var m *Milestone
	needsMilestone := cmd.Action != ActionInstruct && cmd.Action != ActionSignOff
	if needsMilestone {
		if m = p.Milestone(cmd.Milestone); m == nil {
			return Event{}, slip.NotFound("节点", cmd.Milestone)
		}
	}
	today := calendar.DateOf(now)
	switch cmd.Action {
	case ActionReport:
		if m.Status != MilestoneOpen {
			return Event{}, conflict(CodeMilestoneState, "节点“%s”%s，不能再报完成", m.Name, m.Status.Label())
		}
		if cmd.Actual.IsZero() || cmd.Actual.After(today) {
			return Event{}, slip.Invalid("actual", "实际完成日期须填写，且不能晚于今天（%s）", today)
		}
		if len(cmd.Evidence) == 0 || len(cmd.Evidence) > slip.MaxEvidence {
			return Event{}, slip.Invalid("evidence", "须附 1 到 %d 项佐证材料", slip.MaxEvidence)
		}
		m.Status, m.Actual, m.Evidence, m.PendingExtension = MilestoneMet, cmd.Actual, slices.Clone(cmd.Evidence), nil
		ev.Date, ev.Evidence = cmd.Actual, slices.Clone(cmd.Evidence)
	case ActionAccept:
		switch m.Status {
		case MilestoneAccepted:
			return Event{}, conflict(CodeAlreadyAccepted, "节点“%s”已验收，不能重复验收", m.Name)
		case MilestoneOpen:
			return Event{}, conflict(CodeMilestoneState, "节点“%s”尚未报完成，不能验收", m.Name)
		}
		at := now
		m.Status, m.AcceptedAt, m.AcceptedBy = MilestoneAccepted, &at, cmd.Actor
	case ActionRequestExtension:
		switch {
		case m.Status != MilestoneOpen:
			return Event{}, conflict(CodeMilestoneState, "节点“%s”%s，不能申请延期", m.Name, m.Status.Label())
		case m.PendingExtension != nil:
			return Event{}, conflict(slip.CodeExtensionPending, "节点“%s”已有待审批的延期申请", m.Name)
		case !cmd.Date.After(m.Due):
			return Event{}, slip.Unprocessable(slip.CodeExtensionDate, "date", "延期日期须晚于当前计划 %s", m.Due)
		case cmd.Date.After(p.EndDate):
			return Event{}, slip.Unprocessable(CodeMilestoneAfterEnd, "date", "延期日期 %s 晚于项目完成日期 %s", cmd.Date, p.EndDate)
		case cmd.Comment == "":
			return Event{}, slip.Invalid("comment", "须说明延期理由")
		}
		if err := p.checkOrderWith(m.Key, cmd.Date); err != nil {
			return Event{}, err
		}
		m.PendingExtension = &Extension{Date: cmd.Date, Reason: cmd.Comment, RequestedBy: cmd.Actor, RequestedAt: now}
		ev.Date = cmd.Date
	case ActionDecideExtension:
		if m.PendingExtension == nil {
			return Event{}, conflict(slip.CodeNoPendingExtension, "节点“%s”没有待审批的延期申请", m.Name)
		}
		ev.Date = m.PendingExtension.Date
		if cmd.Approved {
			m.Due, m.EscalationLevel = m.PendingExtension.Date, 0
			m.Extensions++
			ev.Level = 1 // approved
		}
		m.PendingExtension = nil
	case ActionInstruct:
		if cmd.Comment == "" {
			return Event{}, slip.Invalid("comment", "批示内容不能为空")
		}
	case ActionLinkSlip:
		if m.Status != MilestoneOpen {
			return Event{}, conflict(CodeMilestoneState, "节点“%s”%s，无需交办清障", m.Name, m.Status.Label())
		}
		if cmd.SlipID == "" {
			return Event{}, slip.Invalid("slip_id", "缺少交办单")
		}
		if slices.Contains(m.Slips, cmd.SlipID) {
			return Event{}, conflict(slip.CodeDuplicate, "交办单已关联到节点“%s”", m.Name)
		}
		m.Slips = append(m.Slips, cmd.SlipID)
		ev.SlipID = cmd.SlipID
	case ActionSignOff:
		for _, x := range p.Milestones {
			if x.Status != MilestoneAccepted {
				return Event{}, conflict(CodeNotReady, "节点“%s”%s，全部节点验收后方可销号", x.Name, x.Status.Label())
			}
		}
		at := now
		p.Status, p.SignedOffAt = StatusSignedOff, &at
	default:
		return Event{}, slip.Invalid("action", "未知操作 %s", cmd.Action)
	}
	p.Seq = ev.Seq
	return ev, nil
}

// checkOrderWith checks that moving milestone key to date keeps the
// milestones' dates in order (a later node is not due before it).
func (p *Project) checkOrderWith(key string, date calendar.Date) error {
	for i, m := range p.Milestones {
		if m.Key != key {
			continue
		}
		if i+1 < len(p.Milestones) {
			next := p.Milestones[i+1]
			if next.Status == MilestoneOpen && date.After(next.Due) {
				return slip.Unprocessable(CodeMilestoneOrder, "date", "延期后晚于下一节点“%s”的计划 %s", next.Name, next.Due)
			}
		}
	}
	return nil
}

// Reminder is one planned reminder or escalation of a milestone's clock.
type Reminder struct {
	slip.Reminder
	Milestone string `json:"milestone"`
	// Due is the due date it was planned for: a reminder planned for a
	// date since moved is skipped.
	Due calendar.Date `json:"due"`
}

// Remind applies a milestone reminder at instant now: it records the
// reminder and raises the milestone's escalation level. ok is false when
// the milestone has moved past it (met, or given another date).
func (p *Project) Remind(r Reminder, now time.Time) (ev Event, ok bool) {
	m := p.Milestone(r.Milestone)
	if p.Status == StatusSignedOff || m == nil || m.Status != MilestoneOpen || m.Due != r.Due {
		return Event{}, false
	}
	if r.Level > m.EscalationLevel {
		m.EscalationLevel = r.Level
	}
	p.Seq++
	return Event{Seq: p.Seq, Type: Action(r.Kind), At: now, Actor: "系统", Milestone: m.Key, Level: r.Level, Date: m.Due}, true
}

// ClockKey changes whenever a milestone's clock must be planned afresh: a
// milestone met, accepted or given another date.
func (p Project) ClockKey() string {
	var b strings.Builder
	for _, m := range p.Milestones {
		b.WriteString(m.Key + "|" + string(m.Status) + "|" + m.Due.String() + ";")
	}
	return b.String()
}

// ApplyErr is the error Apply would give cmd on p, leaving p unchanged:
// what a project whose workflow has ended answers.
func (p Project) ApplyErr(cmd Command, now time.Time) error {
	probe := p.Clone()
	_, err := probe.Apply(cmd, now)
	return err
}

// Allowed lists the actions a milestone's status allows now (key "" for
// the project's own: 批示, 销号), the same conditions Apply checks; who may
// take them is the service's to say.
func (p Project) Allowed(key string) []Action {
	if p.Status == StatusSignedOff {
		return []Action{}
	}
	if key == "" {
		out := []Action{ActionInstruct}
		for _, m := range p.Milestones {
			if m.Status != MilestoneAccepted {
				return out
			}
		}
		return append(out, ActionSignOff)
	}
	m := p.Milestone(key)
	switch {
	case m == nil:
		return []Action{}
	case m.Status == MilestoneMet:
		return []Action{ActionAccept}
	case m.Status == MilestoneOpen && m.PendingExtension != nil:
		return []Action{ActionReport, ActionDecideExtension, ActionLinkSlip}
	case m.Status == MilestoneOpen:
		return []Action{ActionReport, ActionRequestExtension, ActionLinkSlip}
	}
	return []Action{}
}
