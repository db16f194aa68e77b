// Package workflows holds the slip workflow: one Temporal workflow per
// assignment slip, from hand-off (交办) to sign-off (销号) or cancellation.
//
// The workflow is the source of truth for a slip. Department and office
// actions arrive as Temporal updates whose validators consult the lifecycle
// table in package slip, so a refused action changes nothing and is answered
// at once. Every accepted action is written to the ledger by an idempotent
// projection activity before the update returns, so a caller that reads the
// ledger after an action sees it.
//
// The workflow's state changes only after the ledger has taken the change:
// an action is applied to a copy of the slip, the copy is projected, and only
// then does it become the workflow's state. Writes are serialised, so the
// ledger receives events in sequence order, and a ledger that is down is
// retried for as long as it takes (see record), so the ledger can fall behind
// the workflow only for the length of an outage, never for good.
//
// Only deterministic code lives here: time comes from workflow.Now, side
// effects from activities.
package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/duban-gov/duban/activities"
	"github.com/duban-gov/duban/slip"
)

// Names under which the workflow exposes itself to clients.
const (
	// WorkflowName is the registered name of SlipWorkflow.
	WorkflowName = "SlipWorkflow"
	// UpdateRegistered waits until the ledger holds the slip and returns it
	// with its number. The API sends it together with the workflow start.
	UpdateRegistered = "registered"
	// QueryState returns the workflow's current view of the slip.
	QueryState = "state"
	// QueryPlan returns the reminders still to fire, in time order.
	QueryPlan = "plan"
	// QueryTrackPlan returns the co-units' reminders still to fire.
	QueryTrackPlan = "track-plan"
)

// VisibilityQuery selects the slip workflows in Temporal's visibility
// (ListWorkflow); add conditions with AND.
const VisibilityQuery = "WorkflowType = '" + WorkflowName + "'"

// WorkflowID is the workflow id of the slip with the given id.
func WorkflowID(slipID string) string { return "slip-" + slipID }

// UpdateName is the update that carries action a.
func UpdateName(a slip.Action) string { return string(a) }

// actionUpdates are the actions the workflow takes as updates.
var actionUpdates = []slip.Action{
	slip.ActionAcknowledge,
	slip.ActionProgress,
	slip.ActionResolve,
	slip.ActionPassReview,
	slip.ActionSendBack,
	slip.ActionSignOff,
	slip.ActionCancel,
	slip.ActionRequestExtension,
	slip.ActionDecideExtension,
	slip.ActionInstruct,
	slip.ActionCoAcknowledge,
	slip.ActionCompletePart,
	slip.ActionRefuse,
	slip.ActionDeclineRefusal,
	slip.ActionReassign,
	slip.ActionWaive,
	slip.ActionPress,
}

// Input starts a slip workflow. On the first run Slip carries the draft, id,
// issue time and issuer; a run continued-as-new carries the whole state.
type Input struct {
	Slip slip.Slip `json:"slip"`
	// Applied are the ids of the latest updates applied by earlier runs
	// (at most keepApplied). Temporal deduplicates update ids within one
	// run only: a retried request whose first attempt was applied before
	// the workflow continued as new is recognised by its id here, and
	// answered with the slip as it stands instead of being applied again.
	Applied []string `json:"applied,omitempty"`
}

// keepApplied is how many applied update ids a run hands to the next.
const keepApplied = 256

// projectionOptions are the options of the activity tasks that write to the
// ledger or notify (the digest, the ranking, notices): retried without limit.
var projectionOptions = workflow.ActivityOptions{
	StartToCloseTimeout: 30 * time.Second,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:    time.Second,
		BackoffCoefficient: 2,
		MaximumInterval:    time.Minute,
		MaximumAttempts:    0, // unlimited
	},
}

// SlipWorkflow runs one slip from issue to a terminal status and returns the
// final record. Between actions it sleeps on durable timers until the next
// planned reminder or escalation; a moved deadline replans them.
func SlipWorkflow(ctx workflow.Context, in Input) (slip.Slip, error) {
	r := newSlipRun(ctx, in)
	if err := r.registerHandlers(ctx); err != nil {
		return r.s, err
	}
	if err := r.issue(ctx); err != nil {
		return r.s, err
	}
	if err := r.remindUntilDone(ctx); err != nil {
		return r.s, err
	}
	// Let running handlers finish their projections before leaving this run.
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return r.s, err
	}
	if r.s.Status.Terminal() {
		r.logger.Info("slip finished", "SlipID", r.s.ID, "Status", r.s.Status)
		return r.s, nil
	}
	r.logger.Info("slip continues as new", "SlipID", r.s.ID, "Seq", r.s.Seq)
	return r.s, workflow.NewContinueAsNewError(ctx, WorkflowName, Input{Slip: r.s, Applied: r.appliedTail()})
}

// slipRun is one run of a slip workflow: the slip as the ledger has it, the
// reminders still to fire, and the lock that keeps ledger writes in order.
type slipRun struct {
	// s is the slip as recorded: it changes only after the ledger took the
	// change (in durable runs).
	s slip.Slip
	// reminders fires the slip's reminders and escalation; it replans when
	// the effective deadline moves.
	reminders *schedule[slip.Reminder]
	// trackClock fires the co-units' reminders, each on its own part's
	// clock; it replans when a part is assigned, signed for, finished or
	// given another deadline (slip.TrackClockKey).
	trackClock *schedule[slip.TrackReminder]
	// writes serialises changes: a change is applied to s only once the
	// ledger took it, and a ledger outage is waited out instead of failing
	// the action or the workflow.
	writes workflow.Mutex
	logger log.Logger
	// earlier holds the update ids applied by earlier runs; applied the
	// ids applied by this one, in order.
	earlier map[string]bool
	applied []string
}

// newSlipRun initialises the run's state before any handler can see it: an
// update delivered in the first workflow task (a retried task after a worker
// died, or an update-with-start) is validated against an issued slip, never
// against an empty one.
func newSlipRun(ctx workflow.Context, in Input) *slipRun {
	r := &slipRun{
		s:          in.Slip,
		earlier:    make(map[string]bool, len(in.Applied)),
		applied:    append([]string(nil), in.Applied...),
		reminders:  newSchedule(func(r slip.Reminder) time.Time { return r.At }),
		trackClock: newSchedule(func(r slip.TrackReminder) time.Time { return r.At }),
		writes:     workflow.NewMutex(ctx),
		logger:     workflow.GetLogger(ctx),
	}
	for _, id := range in.Applied {
		r.earlier[id] = true
	}
	if !r.registered() {
		r.s.StartIssued()
	}
	return r
}

// registered reports whether the ledger holds the slip (it has a number).
func (r *slipRun) registered() bool { return r.s.Number != "" }

// registerHandlers exposes the queries and updates.
func (r *slipRun) registerHandlers(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (slip.Slip, error) { return r.s, nil }); err != nil {
		return fmt.Errorf("register query %s: %w", QueryState, err)
	}
	if err := workflow.SetQueryHandler(ctx, QueryPlan, func() ([]slip.Reminder, error) { return r.reminders.Pending(), nil }); err != nil {
		return fmt.Errorf("register query %s: %w", QueryPlan, err)
	}
	if err := workflow.SetQueryHandler(ctx, QueryTrackPlan, func() ([]slip.TrackReminder, error) { return r.trackClock.Pending(), nil }); err != nil {
		return fmt.Errorf("register query %s: %w", QueryTrackPlan, err)
	}
	if err := workflow.SetUpdateHandler(ctx, UpdateRegistered, r.awaitRegistered); err != nil {
		return fmt.Errorf("register update %s: %w", UpdateRegistered, err)
	}
	for _, action := range actionUpdates {
		if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateName(action), r.actHandler(action),
			workflow.UpdateHandlerOptions{Validator: r.validator(action)}); err != nil {
			return fmt.Errorf("register update %s: %w", action, err)
		}
	}
	return nil
}

// awaitRegistered answers the registered update once the slip has a number.
func (r *slipRun) awaitRegistered(ctx workflow.Context) (slip.Slip, error) {
	if err := workflow.Await(ctx, r.registered); err != nil {
		return slip.Slip{}, err
	}
	return r.s, nil
}

// validator refuses an action that the slip's lifecycle does not allow now,
// by a dry run on a copy: Apply replaces fields, it never writes through the
// pointers it shares with s.
func (r *slipRun) validator(action slip.Action) func(workflow.Context, slip.Command) error {
	return func(ctx workflow.Context, cmd slip.Command) error {
		cmd.Action = action
		if r.appliedBefore(ctx) {
			return nil // answered by the handler, not applied again
		}
		if err := cmd.Validate(); err != nil {
			return EncodeError(err)
		}
		probe := r.s
		if _, err := probe.Apply(cmd, workflow.Now(ctx)); err != nil {
			return EncodeError(err)
		}
		return nil
	}
}

// actHandler applies an accepted action, records it on the ledger and
// returns the slip as it stands afterwards.
func (r *slipRun) actHandler(action slip.Action) func(workflow.Context, slip.Command) (slip.Slip, error) {
	return func(ctx workflow.Context, cmd slip.Command) (slip.Slip, error) {
		cmd.Action = action
		if err := workflow.Await(ctx, r.registered); err != nil {
			return slip.Slip{}, err
		}
		if r.appliedBefore(ctx) {
			return r.s, nil
		}
		if err := r.writes.Lock(ctx); err != nil {
			return slip.Slip{}, err
		}
		defer r.writes.Unlock()
		// Apply again, under the lock: another update accepted since this
		// one was validated may have moved the slip.
		next := r.s
		ev, err := next.Apply(cmd, workflow.Now(ctx))
		if err != nil {
			return slip.Slip{}, EncodeError(err)
		}
		if err := r.record(ctx, next, ev); err != nil {
			if ledgerConflict(err) {
				r.logger.Error("ledger ahead of the workflow: action refused", "SlipID", next.ID, "Action", action, "Seq", ev.Seq, "Error", err)
				return slip.Slip{}, EncodeError(errLedgerAhead)
			}
			return slip.Slip{}, err
		}
		r.commit(next)
		if info := workflow.GetCurrentUpdateInfo(ctx); info != nil {
			r.applied = append(r.applied, info.ID)
		}
		r.logger.Info("slip action applied", "SlipID", next.ID, "Action", action, "Status", next.Status, "Seq", ev.Seq)
		if notifies(action) {
			if err := notifyEvent(ctx, next, ev); err != nil {
				return slip.Slip{}, err
			}
		}
		return next, nil
	}
}

// appliedBefore reports whether the update being handled was applied by an
// earlier run of this workflow.
func (r *slipRun) appliedBefore(ctx workflow.Context) bool {
	info := workflow.GetCurrentUpdateInfo(ctx)
	return info != nil && r.earlier[info.ID]
}

// appliedTail is the ids the next run must recognise: the latest
// keepApplied of those applied by this run and the runs before it.
func (r *slipRun) appliedTail() []string {
	if len(r.applied) > keepApplied {
		return r.applied[len(r.applied)-keepApplied:]
	}
	return r.applied
}

// commit makes next the run's state, asking for a new reminder plan when the
// effective deadline moved.
func (r *slipRun) commit(next slip.Slip) {
	if next.EffectiveDeadline() != r.s.EffectiveDeadline() || next.Draft.LeadDepartment != r.s.Draft.LeadDepartment {
		r.reminders.Replan()
	}
	if next.TrackClockKey() != r.s.TrackClockKey() {
		r.trackClock.Replan()
	}
	r.s = next
}

// issue puts a new slip on the ledger and gives it its number; a run
// continued-as-new has one already.
func (r *slipRun) issue(ctx workflow.Context) error {
	if r.registered() {
		return nil
	}
	var number string
	err := r.untilLedgerTakes(ctx, "RecordIssued", func() error {
		return ledgerActivity(ctx, "RecordIssued", r.s).Get(ctx, &number)
	})
	if err != nil {
		return fmt.Errorf("record issued slip %s: %w", r.s.ID, err)
	}
	r.s.Number = number
	r.logger.Info("slip issued", "SlipID", r.s.ID, "Number", number)
	return nil
}

// remindUntilDone sleeps until the next reminder, the end of the slip, a
// replan, or the point where Temporal suggests starting afresh with a short
// history, and fires reminders as they fall due.
func (r *slipRun) remindUntilDone(ctx workflow.Context) error {
	leave := func() bool {
		return r.s.Status.Terminal() || workflow.GetInfo(ctx).GetContinueAsNewSuggested()
	}
	if r.hasCoTracks() {
		// The co-units' clocks run beside the slip's; a slip without
		// co-units starts no second loop.
		var trackErr error
		trackDone := false
		workflow.Go(ctx, func(ctx workflow.Context) {
			trackErr = r.trackClock.run(ctx, leave, r.planTracksAfter, r.fireTrack)
			trackDone = true
		})
		if err := r.reminders.run(ctx, leave, r.planAfter, r.fire); err != nil {
			return err
		}
		if err := workflow.Await(ctx, func() bool { return trackDone }); err != nil {
			return err
		}
		return trackErr
	}
	return r.reminders.run(ctx, leave, r.planAfter, r.fire)
}

// hasCoTracks reports whether the slip was issued with co-units' parts.
func (r *slipRun) hasCoTracks() bool {
	for _, t := range r.s.Tracks {
		if t.Role == slip.RoleCo {
			return true
		}
	}
	return false
}

// planTracksAfter asks the calendar for the co-units' reminders after
// instant after. A failed planning is logged and retried a day later, as
// for the slip's own plan.
func (r *slipRun) planTracksAfter(ctx workflow.Context, after time.Time) ([]slip.TrackReminder, error) {
	var plan []slip.TrackReminder
	req := activities.PlanRequest{Slip: r.s, After: after}
	err := ledgerActivity(ctx, "PlanTrackReminders", req).Get(ctx, &plan)
	if err == nil {
		return plan, nil
	}
	r.logger.Error("co-unit reminder planning failed; retrying in a day", "SlipID", r.s.ID, "Error", err)
	workflow.Go(ctx, func(ctx workflow.Context) {
		if _, err := workflow.AwaitWithTimeout(ctx, 24*time.Hour, func() bool { return r.trackClock.replan || r.s.Status.Terminal() }); err == nil {
			r.trackClock.Replan()
		}
	})
	return []slip.TrackReminder{}, nil
}

// fireTrack records a co-unit's reminder and notifies the unit, unless its
// part has moved past it.
func (r *slipRun) fireTrack(ctx workflow.Context, rem slip.TrackReminder) error {
	if err := r.writes.Lock(ctx); err != nil {
		return err
	}
	defer r.writes.Unlock()
	next := r.s
	ev, ok := next.RemindTrack(rem, workflow.Now(ctx))
	if !ok {
		return nil
	}
	if err := r.record(ctx, next, ev); err != nil {
		if ledgerConflict(err) {
			r.logger.Error("ledger ahead of the workflow: co-unit reminder not recorded", "SlipID", next.ID, "Kind", rem.Kind, "Seq", ev.Seq, "Error", err)
			return nil
		}
		return err
	}
	r.commit(next)
	r.logger.Info("co-unit reminder fired", "SlipID", next.ID, "Department", rem.Department, "Kind", rem.Kind, "Seq", ev.Seq)
	return notifyEvent(ctx, next, ev)
}

// planAfter asks the calendar for the reminders of the slip after instant
// after. A failed planning is logged and leaves the plan empty until the
// next replan or the next day: the slip stays actionable and the workflow
// alive.
func (r *slipRun) planAfter(ctx workflow.Context, after time.Time) ([]slip.Reminder, error) {
	plan, err := planReminders(ctx, r.s.LeadClock(), after)
	if err == nil && len(plan) == 0 {
		r.logger.Info("no reminders planned", "SlipID", r.s.ID)
	}
	if err == nil {
		return plan, nil
	}
	r.logger.Error("reminder planning failed; retrying in a day", "SlipID", r.s.ID, "Error", err)
	return []slip.Reminder{}, r.retryPlanLater(ctx)
}

// retryPlanLater asks for a replan a day from now, without blocking actions.
func (r *slipRun) retryPlanLater(ctx workflow.Context) error {
	workflow.Go(ctx, func(ctx workflow.Context) {
		if _, err := workflow.AwaitWithTimeout(ctx, 24*time.Hour, func() bool { return r.reminders.replan || r.s.Status.Terminal() }); err == nil {
			r.reminders.Replan()
		}
	})
	return nil
}

// fire records reminder rem on the timeline and notifies whom it concerns,
// unless the slip has moved past it.
func (r *slipRun) fire(ctx workflow.Context, rem slip.Reminder) error {
	if err := r.writes.Lock(ctx); err != nil {
		return err
	}
	defer r.writes.Unlock()
	next := r.s
	ev, ok := next.Remind(rem, workflow.Now(ctx))
	if !ok {
		return nil
	}
	if err := r.record(ctx, next, ev); err != nil {
		if ledgerConflict(err) {
			// The ledger holds an action this workflow lost; the reminder
			// waits for `duban reconcile --repair` to bring it level.
			r.logger.Error("ledger ahead of the workflow: reminder not recorded", "SlipID", next.ID, "Kind", rem.Kind, "Seq", ev.Seq, "Error", err)
			return nil
		}
		return err
	}
	r.commit(next)
	r.logger.Info("reminder fired", "SlipID", next.ID, "Kind", rem.Kind, "Level", rem.Level, "Seq", ev.Seq)
	return notifyEvent(ctx, next, ev)
}

// record writes event ev, and the slip s as it stands after it, to the
// ledger, retrying until the store takes it.
func (r *slipRun) record(ctx workflow.Context, s slip.Slip, ev slip.Event) error {
	err := r.untilLedgerTakes(ctx, "Project", func() error {
		return ledgerActivity(ctx, "Project", activities.Projection{Slip: s, Event: ev}).Get(ctx, nil)
	})
	if err != nil {
		return fmt.Errorf("project %s of slip %s: %w", ev.Type, s.ID, err)
	}
	return nil
}

// untilLedgerTakes runs write until it succeeds. A write that gave up (its own retries are bounded by ledgerAttemptBudget) is
// logged and tried again after a growing pause on a durable timer, for as
// long as the ledger stays away: minutes of lock, a full disk, a database
// restart or failover. Only the workflow's own cancellation ends the wait.
func (r *slipRun) untilLedgerTakes(ctx workflow.Context, what string, write func() error) error {
	pause := time.Minute
	for round := 1; ; round++ {
		err := write()
		if err == nil || ledgerConflict(err) {
			return err
		}
		if ctx.Err() != nil {
			return err
		}
		r.logger.Error("ledger write failed; waiting for the ledger", "SlipID", r.s.ID, "Write", what, "Round", round, "RetryIn", pause, "Error", err)
		if err := workflow.Sleep(ctx, pause); err != nil {
			return err
		}
		pause = min(2*pause, maxLedgerPause)
	}
}

// maxLedgerPause caps the pause between rounds of a ledger write.
const maxLedgerPause = 10 * time.Minute

// ledgerAttemptBudget bounds one round of a local ledger write's own retries
// (the SDK caps a local activity's retries at its schedule-to-close
// timeout); untilLedgerTakes then starts another round.
const ledgerAttemptBudget = 2 * time.Minute

// localLedgerOptions run ledger writes and reminder planning as local
// activities: in the worker, inside the workflow task that decided them,
// instead of as activity tasks dispatched through the Temporal server. An
// action then costs one workflow task instead of two plus an activity task —
// the server's persistence is what limits throughput, most of all on
// SQLite. They stay idempotent: a worker that dies mid-write leaves the
// workflow task to time out and run again elsewhere.
var localLedgerOptions = workflow.LocalActivityOptions{
	StartToCloseTimeout:    30 * time.Second,
	ScheduleToCloseTimeout: ledgerAttemptBudget,
	RetryPolicy:            projectionOptions.RetryPolicy,
}

// ledgerActivity runs a ledger or planning activity as a local activity, by
// its registered name.
func ledgerActivity(ctx workflow.Context, name string, arg any) workflow.Future {
	return workflow.ExecuteLocalActivity(workflow.WithLocalActivityOptions(ctx, localLedgerOptions), name, arg)
}

// planReminders asks the calendar (in an activity, so replay reads the
// recorded answer) for the reminders of s that fall after instant after.
func planReminders(ctx workflow.Context, s slip.Slip, after time.Time) ([]slip.Reminder, error) {
	var plan []slip.Reminder
	req := activities.PlanRequest{Slip: s, After: after}
	if err := ledgerActivity(ctx, "PlanReminders", req).Get(ctx, &plan); err != nil {
		return nil, fmt.Errorf("plan reminders of slip %s: %w", s.ID, err)
	}
	return plan, nil
}

// notifies reports whether a person's action is announced to others.
func notifies(a slip.Action) bool {
	switch a {
	case slip.ActionRequestExtension, slip.ActionDecideExtension, slip.ActionSendBack,
		slip.ActionInstruct, slip.ActionPress, slip.ActionRefuse, slip.ActionDeclineRefusal, slip.ActionReassign, slip.ActionWaive:
		return true
	}
	return false
}

// notifyEvent writes the event's inbox notifications and starts its webhook
// deliveries, without waiting for them.
func notifyEvent(ctx workflow.Context, s slip.Slip, ev slip.Event) error {
	var acts *activities.Activities
	ctx = workflow.WithActivityOptions(ctx, projectionOptions)
	var deliveries []activities.Delivery
	if err := workflow.ExecuteActivity(ctx, acts.Notify, activities.Notice{Slip: s, Event: ev}).Get(ctx, &deliveries); err != nil {
		return fmt.Errorf("notify %s of slip %s: %w", ev.Type, s.ID, err)
	}
	return startDeliveries(ctx, deliveries)
}
