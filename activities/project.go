package activities

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/duban-gov/duban/project"
	"github.com/duban-gov/duban/reminder"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
)

// Projects are the project workflow's activities: its projection into the
// ledger, the planning of its milestones' clocks on the working-day
// calendar, and its inbox messages.
type Projects struct {
	Store   *store.Store
	Planner *reminder.Planner
}

// ProjectWrite is one project event and the project as it stands after it.
type ProjectWrite struct {
	Project project.Project `json:"project"`
	Event   project.Event   `json:"event"`
}

// RecordProject writes the event and the project to the ledger
// (idempotent: once by (project, seq), the row forward only).
// The ledger holding another event under the number is answered at once
// as a non-retryable LedgerConflictType error.
func (a *Projects) RecordProject(ctx context.Context, w ProjectWrite) error {
	err := a.Store.ProjectProject(ctx, w.Project, w.Event)
	var conflict *store.ProjectEventConflictError
	if errors.As(err, &conflict) {
		return temporal.NewNonRetryableApplicationError(conflict.Error(), LedgerConflictType, err)
	}
	return err
}

// MilestonePlanRequest asks for a project's milestone reminders after an
// instant.
type MilestonePlanRequest struct {
	Project project.Project `json:"project"`
	After   time.Time       `json:"after"`
}

// PlanMilestoneReminders returns the reminders of every open milestone
// after req.After, in time order: the same working-day ladder as a slip's
// (叮 before the due date, 催办/督办/通报 after), each milestone on its own
// due date.
func (a *Projects) PlanMilestoneReminders(ctx context.Context, req MilestonePlanRequest) ([]project.Reminder, error) {
	p := req.Project
	out := []project.Reminder{}
	for _, m := range p.Milestones {
		if m.Status != project.MilestoneOpen || m.Due.IsZero() {
			continue
		}
		// The milestone's clock is a slip's lead clock: in progress (no
		// acknowledgement to chase), due on the milestone's date.
		clock := slip.Slip{ID: p.ID + "/" + m.Key, Status: slip.StatusInProgress, IssuedAt: p.CreatedAt, Deadline: m.Due, Policy: p.Policy}
		plan, err := a.Planner.Plan(clock, req.After)
		if err != nil {
			return nil, fmt.Errorf("plan milestone %s of project %s: %w", m.Key, p.ID, err)
		}
		for _, r := range plan {
			out = append(out, project.Reminder{Reminder: r, Milestone: m.Key, Due: m.Due})
		}
	}
	slices.SortStableFunc(out, func(x, y project.Reminder) int { return x.At.Compare(y.At) })
	return out, nil
}

// NotifyProject puts a project event in the inboxes of those it concerns
// and answers the webhook deliveries it left pending (the workflow starts
// them, as for a slip's notifications):
// a milestone's reminders and escalations to its unit (督办 and 通报 also
// to the responsible leader and the office), a 批示 to every unit of the
// project, an extension request to the office and its decision to the
// unit.
func (a *Projects) NotifyProject(ctx context.Context, w ProjectWrite) ([]Delivery, error) {
	p, ev := w.Project, w.Event
	type to struct{ kind, who string }
	office := to{store.RecipientOffice, "office"}
	leader := to{store.RecipientLeader, p.LeaderName}
	var m project.Milestone
	if mp := p.Milestone(ev.Milestone); mp != nil {
		m = *mp
	}
	unit := to{store.RecipientDepartment, m.OwnerUnit}
	var rcpt []to
	var title, body string
	switch ev.Type {
	case project.Action(slip.EventDueReminder):
		rcpt, title = []to{unit}, "节点到期提醒："+p.Name
		body = fmt.Sprintf("重点项目“%s”的节点“%s”应于 %s 完成。", p.Name, m.Name, m.Due)
	case project.Action(slip.EventUrge), project.Action(slip.EventSupervise), project.Action(slip.EventPublicNotice):
		rcpt = []to{unit}
		if ev.Level >= slip.LevelSupervise {
			rcpt = append(rcpt, leader, office)
		}
		title = "节点逾期" + slip.LevelLabel(ev.Level) + "：" + p.Name
		body = fmt.Sprintf("重点项目“%s”的节点“%s”已过计划日期 %s 仍未完成。", p.Name, m.Name, m.Due)
	case project.ActionInstruct:
		for _, u := range p.Units() {
			rcpt = append(rcpt, to{store.RecipientDepartment, u})
		}
		rcpt = append(rcpt, office)
		title = "领导批示：" + p.Name
		body = fmt.Sprintf("%s 对重点项目“%s”批示：%s", ev.Actor, p.Name, ev.Comment)
	case project.ActionRequestExtension:
		rcpt, title = []to{office}, "节点延期申请："+p.Name
		body = fmt.Sprintf("节点“%s”申请延期至 %s：%s", m.Name, ev.Date, ev.Comment)
	case project.ActionDecideExtension:
		verdict := "未获批准"
		if ev.Level == 1 {
			verdict = "已批准"
		}
		rcpt, title = []to{unit}, "节点延期"+verdict+"："+p.Name
		body = fmt.Sprintf("节点“%s”延期至 %s 的申请%s。", m.Name, ev.Date, verdict)
	default:
		return []Delivery{}, nil
	}
	ns := make([]store.Notification, 0, len(rcpt))
	for _, t := range rcpt {
		if t.who == "" {
			continue
		}
		ns = append(ns, store.Notification{DedupeKey: fmt.Sprintf("project/%s/%d/%s/%s", p.ID, ev.Seq, t.kind, t.who),
			RecipientKind: t.kind, Recipient: t.who, Kind: "project_" + string(ev.Type), Level: ev.Level,
			Title: title, Body: body, CreatedAt: ev.At})
	}
	ids, err := a.Store.Notify(ctx, ns)
	if err != nil {
		return nil, fmt.Errorf("notify event %d of project %s: %w", ev.Seq, p.ID, err)
	}
	return deliveries(ids), nil
}
