package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/workflow"

	"github.com/duban-gov/duban/activities"
	"github.com/duban-gov/duban/project"
)

// Names under which the project workflow exposes itself.
const (
	// ProjectWorkflowName is the registered name of ProjectWorkflow.
	ProjectWorkflowName = "ProjectWorkflow"
	// ProjectUpdateRegistered waits until the ledger holds the project.
	ProjectUpdateRegistered = "registered"
	// ProjectQueryState returns the workflow's view of the project.
	ProjectQueryState = "state"
	// ProjectQueryPlan returns the milestone reminders still to fire.
	ProjectQueryPlan = "plan"
)

// ProjectWorkflowID is the workflow id of the project with id.
func ProjectWorkflowID(id string) string { return "project-" + id }

// ProjectUpdateName is the update that carries action a.
func ProjectUpdateName(a project.Action) string { return string(a) }

// ProjectInput starts a project workflow: the project as created, or the
// whole state of a run continued-as-new, with the ids of the latest
// updates applied by earlier runs.
type ProjectInput struct {
	Project project.Project `json:"project"`
	Applied []string        `json:"applied,omitempty"`
}

// ProjectWorkflow runs one project from its registration to 销号. Every
// milestone runs on one clock (a schedule of all open milestones'
// reminders, replanned when a milestone is met or moved): 叮 before its
// date, 催办/督办/通报 after it, on the slips' working-day ladder. People's
// actions arrive as updates, validated on a copy; an accepted action is
// written to the ledger before it becomes the workflow's state, and a
// ledger outage is waited out (the slip workflow's durable pattern).
func ProjectWorkflow(ctx workflow.Context, in ProjectInput) (project.Project, error) {
	r := &projectRun{p: in.Project, clock: newSchedule(func(x project.Reminder) time.Time { return x.At }),
		writes: workflow.NewMutex(ctx), logger: workflow.GetLogger(ctx), earlier: map[string]bool{}, applied: append([]string(nil), in.Applied...)}
	for _, id := range in.Applied {
		r.earlier[id] = true
	}
	if err := r.registerHandlers(ctx); err != nil {
		return r.p, err
	}
	if err := r.register(ctx); err != nil {
		return r.p, err
	}
	leave := func() bool {
		return r.p.Status == project.StatusSignedOff || workflow.GetInfo(ctx).GetContinueAsNewSuggested()
	}
	if err := r.clock.run(ctx, leave, r.planAfter, r.fire); err != nil {
		return r.p, err
	}
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return r.p, err
	}
	if r.p.Status == project.StatusSignedOff {
		r.logger.Info("project signed off", "ProjectID", r.p.ID)
		return r.p, nil
	}
	tail := r.applied
	if len(tail) > keepApplied {
		tail = tail[len(tail)-keepApplied:]
	}
	return r.p, workflow.NewContinueAsNewError(ctx, ProjectWorkflowName, ProjectInput{Project: r.p, Applied: tail})
}

// projectRun is one run of a project workflow.
type projectRun struct {
	// p is the project as the ledger has it.
	p       project.Project
	clock   *schedule[project.Reminder]
	writes  workflow.Mutex
	logger  log.Logger
	earlier map[string]bool
	applied []string
}

func (r *projectRun) registered() bool { return r.p.Seq > 0 }

func (r *projectRun) registerHandlers(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, ProjectQueryState, func() (project.Project, error) { return r.p, nil }); err != nil {
		return fmt.Errorf("register query %s: %w", ProjectQueryState, err)
	}
	if err := workflow.SetQueryHandler(ctx, ProjectQueryPlan, func() ([]project.Reminder, error) { return r.clock.Pending(), nil }); err != nil {
		return fmt.Errorf("register query %s: %w", ProjectQueryPlan, err)
	}
	if err := workflow.SetUpdateHandler(ctx, ProjectUpdateRegistered, func(ctx workflow.Context) (project.Project, error) {
		if err := workflow.Await(ctx, r.registered); err != nil {
			return project.Project{}, err
		}
		return r.p, nil
	}); err != nil {
		return fmt.Errorf("register update %s: %w", ProjectUpdateRegistered, err)
	}
	for _, a := range project.Actions {
		if err := workflow.SetUpdateHandlerWithOptions(ctx, ProjectUpdateName(a), r.act(a),
			workflow.UpdateHandlerOptions{Validator: r.validate(a)}); err != nil {
			return fmt.Errorf("register update %s: %w", a, err)
		}
	}
	return nil
}

// appliedBefore reports whether the update being handled was applied by an
// earlier run (Temporal deduplicates update ids within a run only).
func (r *projectRun) appliedBefore(ctx workflow.Context) bool {
	info := workflow.GetCurrentUpdateInfo(ctx)
	return info != nil && r.earlier[info.ID]
}

// validate refuses an action the project does not allow now, by a dry run
// on a copy.
func (r *projectRun) validate(a project.Action) func(workflow.Context, project.Command) error {
	return func(ctx workflow.Context, cmd project.Command) error {
		if r.appliedBefore(ctx) {
			return nil
		}
		cmd.Action = a
		probe := r.p.Clone()
		_, err := probe.Apply(cmd, workflow.Now(ctx))
		return EncodeError(err)
	}
}

// act applies an accepted action on a copy, records it, and only then makes
// the copy the project.
func (r *projectRun) act(a project.Action) func(workflow.Context, project.Command) (project.Project, error) {
	return func(ctx workflow.Context, cmd project.Command) (project.Project, error) {
		cmd.Action = a
		if err := workflow.Await(ctx, r.registered); err != nil {
			return project.Project{}, err
		}
		if r.appliedBefore(ctx) {
			return r.p, nil
		}
		if err := r.writes.Lock(ctx); err != nil {
			return project.Project{}, err
		}
		defer r.writes.Unlock()
		next := r.p.Clone()
		ev, err := next.Apply(cmd, workflow.Now(ctx))
		if err != nil {
			return project.Project{}, EncodeError(err)
		}
		if err := r.record(ctx, next, ev); err != nil {
			if ledgerConflict(err) {
				r.logger.Error("ledger ahead of the workflow: action refused", "ProjectID", next.ID, "Action", a, "Seq", ev.Seq, "Error", err)
				return project.Project{}, EncodeError(errLedgerAhead)
			}
			return project.Project{}, err
		}
		r.commit(next)
		if info := workflow.GetCurrentUpdateInfo(ctx); info != nil {
			r.applied = append(r.applied, info.ID)
		}
		r.logger.Info("project action applied", "ProjectID", next.ID, "Action", a, "Seq", ev.Seq)
		if err := r.notify(ctx, next, ev); err != nil {
			return project.Project{}, err
		}
		return next, nil
	}
}

// commit makes next the project, replanning the clock when a milestone was
// met, accepted or moved.
func (r *projectRun) commit(next project.Project) {
	if next.ClockKey() != r.p.ClockKey() {
		r.clock.Replan()
	}
	r.p = next
}

// register puts a new project on the ledger (event 1); a run continued as
// new has done so already.
func (r *projectRun) register(ctx workflow.Context) error {
	if r.registered() {
		return nil
	}
	next := r.p.Clone()
	ev := next.Created()
	if err := r.record(ctx, next, ev); err != nil {
		return err
	}
	r.p = next
	r.logger.Info("project registered", "ProjectID", r.p.ID)
	return nil
}

// planAfter asks the calendar for the milestones' reminders after instant
// after. A failed planning is logged and retried a day later; the project
// stays actionable meanwhile.
func (r *projectRun) planAfter(ctx workflow.Context, after time.Time) ([]project.Reminder, error) {
	var plan []project.Reminder
	req := activities.MilestonePlanRequest{Project: r.p, After: after}
	err := workflow.ExecuteLocalActivity(workflow.WithLocalActivityOptions(ctx, localLedgerOptions), "PlanMilestoneReminders", req).Get(ctx, &plan)
	if err == nil {
		return plan, nil
	}
	r.logger.Error("milestone planning failed; retrying in a day", "ProjectID", r.p.ID, "Error", err)
	workflow.Go(ctx, func(ctx workflow.Context) {
		if _, err := workflow.AwaitWithTimeout(ctx, 24*time.Hour, func() bool { return r.clock.replan || r.p.Status == project.StatusSignedOff }); err == nil {
			r.clock.Replan()
		}
	})
	return []project.Reminder{}, nil
}

// fire records a milestone's reminder or escalation and tells whom it
// concerns, unless the milestone has moved past it.
func (r *projectRun) fire(ctx workflow.Context, rem project.Reminder) error {
	if err := r.writes.Lock(ctx); err != nil {
		return err
	}
	defer r.writes.Unlock()
	next := r.p.Clone()
	ev, ok := next.Remind(rem, workflow.Now(ctx))
	if !ok {
		return nil
	}
	if err := r.record(ctx, next, ev); err != nil {
		if ledgerConflict(err) {
			r.logger.Error("ledger ahead of the workflow: milestone reminder not recorded", "ProjectID", next.ID, "Seq", ev.Seq, "Error", err)
			return nil
		}
		return err
	}
	r.commit(next)
	r.logger.Info("milestone reminder fired", "ProjectID", next.ID, "Milestone", rem.Milestone, "Kind", rem.Kind, "Seq", ev.Seq)
	return r.notify(ctx, next, ev)
}

// record writes the event and the project to the ledger, waiting out an
// outage: a write whose own retries gave up is tried again after a growing
// pause on a durable timer, as the slip workflow does.
func (r *projectRun) record(ctx workflow.Context, p project.Project, ev project.Event) error {
	w := activities.ProjectWrite{Project: p, Event: ev}
	pause := time.Minute
	for round := 1; ; round++ {
		err := workflow.ExecuteLocalActivity(workflow.WithLocalActivityOptions(ctx, localLedgerOptions), "RecordProject", w).Get(ctx, nil)
		if err == nil || ledgerConflict(err) {
			return err
		}
		if ctx.Err() != nil {
			return fmt.Errorf("record event %d of project %s: %w", ev.Seq, p.ID, err)
		}
		r.logger.Error("ledger write failed; waiting for the ledger", "ProjectID", p.ID, "Seq", ev.Seq, "Round", round, "RetryIn", pause, "Error", err)
		if err := workflow.Sleep(ctx, pause); err != nil {
			return err
		}
		pause = min(2*pause, maxLedgerPause)
	}
}

// notify writes the event's inbox messages (an activity task, retried
// until it lands; it never holds up the ledger) and starts its webhook
// deliveries without waiting for them.
func (r *projectRun) notify(ctx workflow.Context, p project.Project, ev project.Event) error {
	var acts *activities.Projects
	ctx = workflow.WithActivityOptions(ctx, projectionOptions)
	var deliveries []activities.Delivery
	if err := workflow.ExecuteActivity(ctx, acts.NotifyProject, activities.ProjectWrite{Project: p, Event: ev}).Get(ctx, &deliveries); err != nil {
		return fmt.Errorf("notify event %d of project %s: %w", ev.Seq, p.ID, err)
	}
	return startDeliveries(ctx, deliveries)
}
