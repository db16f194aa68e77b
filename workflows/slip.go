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
// Only deterministic code lives here: time comes from workflow.Now, side
// effects from activities.
package workflows

import (
	"fmt"
	"time"

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
)

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
}

// Input starts a slip workflow. On the first run Slip carries the draft, id,
// issue time and issuer; a run continued-as-new carries the whole state.
type Input struct {
	Slip slip.Slip `json:"slip"`
}

// projectionOptions make ledger writes durable: a projection is retried until
// the store takes it, because the ledger must never silently miss an action.
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
	s := in.Slip
	logger := workflow.GetLogger(ctx)
	ctx = workflow.WithActivityOptions(ctx, projectionOptions)
	var acts *activities.Activities

	registered := func() bool { return s.Number != "" }
	// plan holds the reminders still to fire, in time order; replan asks the
	// main loop to compute it afresh (first run, moved deadline, exhausted).
	var plan []slip.Reminder
	replan := true

	if err := workflow.SetQueryHandler(ctx, QueryState, func() (slip.Slip, error) { return s, nil }); err != nil {
		return s, fmt.Errorf("register query %s: %w", QueryState, err)
	}
	if err := workflow.SetQueryHandler(ctx, QueryPlan, func() ([]slip.Reminder, error) { return plan, nil }); err != nil {
		return s, fmt.Errorf("register query %s: %w", QueryPlan, err)
	}
	if err := workflow.SetUpdateHandler(ctx, UpdateRegistered, func(ctx workflow.Context) (slip.Slip, error) {
		if err := workflow.Await(ctx, registered); err != nil {
			return slip.Slip{}, err
		}
		return s, nil
	}); err != nil {
		return s, fmt.Errorf("register update %s: %w", UpdateRegistered, err)
	}

	for _, action := range actionUpdates {
		handler := func(ctx workflow.Context, cmd slip.Command) (slip.Slip, error) {
			cmd.Action = action
			if err := workflow.Await(ctx, registered); err != nil {
				return slip.Slip{}, err
			}
			// Re-check: another update accepted in the same task may have
			// moved the slip since this one was validated.
			deadline := s.EffectiveDeadline()
			ev, err := s.Apply(cmd, workflow.Now(ctx))
			if err != nil {
				return slip.Slip{}, EncodeError(err)
			}
			if s.EffectiveDeadline() != deadline {
				replan = true
			}
			snapshot := s
			if err := project(ctx, snapshot, ev); err != nil {
				return slip.Slip{}, err
			}
			logger.Info("slip action applied", "SlipID", s.ID, "Action", action, "Status", s.Status, "Seq", ev.Seq)
			if notifies(action) && workflow.GetVersion(ctx, versionReminders, workflow.DefaultVersion, 1) > workflow.DefaultVersion {
				if err := notifyEvent(ctx, snapshot, ev); err != nil {
					return slip.Slip{}, err
				}
			}
			return snapshot, nil
		}
		validator := func(ctx workflow.Context, cmd slip.Command) error {
			cmd.Action = action
			if err := cmd.Validate(); err != nil {
				return EncodeError(err)
			}
			// Dry run on a copy: Apply replaces fields, it never writes
			// through the pointers it shares with s.
			probe := s
			if _, err := probe.Apply(cmd, workflow.Now(ctx)); err != nil {
				return EncodeError(err)
			}
			return nil
		}
		if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateName(action), handler,
			workflow.UpdateHandlerOptions{Validator: validator}); err != nil {
			return s, fmt.Errorf("register update %s: %w", action, err)
		}
	}

	if !registered() {
		s.Status = slip.StatusIssued
		s.Seq = 1
		s.UpdatedAt = s.IssuedAt
		if s.Deadline == "" {
			s.Deadline = s.Draft.Deadline
		}
		var number string
		if err := ledgerActivity(ctx, acts.RecordIssued, "RecordIssued", s).Get(ctx, &number); err != nil {
			return s, fmt.Errorf("record issued slip %s: %w", s.ID, err)
		}
		s.Number = number
		logger.Info("slip issued", "SlipID", s.ID, "Number", number)
	}

	// Sleep until the next reminder, the end of the slip, a replan, or the
	// point where Temporal suggests starting afresh with a short history.
	leave := func() bool {
		return s.Status.Terminal() || workflow.GetInfo(ctx).GetContinueAsNewSuggested()
	}
	if workflow.GetVersion(ctx, versionReminders, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		// Slips started before reminders existed keep running without them.
		replan = false
		if err := workflow.Await(ctx, leave); err != nil {
			return s, err
		}
	}
	for !leave() {
		if replan {
			replan = false
			var err error
			if plan, err = planReminders(ctx, s, workflow.Now(ctx)); err != nil {
				return s, err
			}
			if len(plan) == 0 {
				logger.Info("no reminders planned", "SlipID", s.ID)
			}
		}
		if len(plan) == 0 {
			if err := workflow.Await(ctx, func() bool { return leave() || replan }); err != nil {
				return s, err
			}
			continue
		}
		next := plan[0]
		if wait := next.At.Sub(workflow.Now(ctx)); wait > 0 {
			woken, err := workflow.AwaitWithTimeout(ctx, wait, func() bool { return leave() || replan })
			if err != nil {
				return s, err
			}
			if woken {
				continue
			}
		}
		plan = plan[1:]
		if err := fireReminder(ctx, &s, next); err != nil {
			return s, err
		}
		if len(plan) == 0 && !leave() {
			// The plan ends with the last repeat it covered: plan further.
			var err error
			if plan, err = planReminders(ctx, s, next.At); err != nil {
				return s, err
			}
		}
	}
	// Let running handlers finish their projections before leaving this run.
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return s, err
	}
	if s.Status.Terminal() {
		logger.Info("slip finished", "SlipID", s.ID, "Status", s.Status)
		return s, nil
	}
	logger.Info("slip continues as new", "SlipID", s.ID, "Seq", s.Seq)
	return s, workflow.NewContinueAsNewError(ctx, WorkflowName, Input{Slip: s})
}

// versionReminders marks the change that added reminders and escalations.
const versionReminders = "reminders"

// versionLocalActivities marks the change that runs the ledger writes
// (RecordIssued, Project) and reminder planning as local activities: in the
// worker, inside the workflow task that decided them, instead of as activity
// tasks dispatched through the Temporal server. An action then costs one
// workflow task instead of two plus an activity task — the server's
// persistence is what limits throughput, most of all on SQLite. They stay
// retried until they succeed (a local activity whose backoff outgrows a
// minute waits on a timer), and stay idempotent: a worker that dies
// mid-write leaves the workflow task to time out and run again elsewhere.
const versionLocalActivities = "local-activities"

// localLedgerOptions are projectionOptions for a local activity.
var localLedgerOptions = workflow.LocalActivityOptions{
	StartToCloseTimeout: projectionOptions.StartToCloseTimeout,
	RetryPolicy:         projectionOptions.RetryPolicy,
}

// ledgerActivity runs a ledger or planning activity: as a local activity
// (by its registered name) in workflows started since
// versionLocalActivities, as an activity task in those started before.
func ledgerActivity(ctx workflow.Context, fn any, name string, arg any) workflow.Future {
	if workflow.GetVersion(ctx, versionLocalActivities, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return workflow.ExecuteActivity(ctx, fn, arg)
	}
	return workflow.ExecuteLocalActivity(workflow.WithLocalActivityOptions(ctx, localLedgerOptions), name, arg)
}

// planReminders asks the calendar (in an activity, so replay reads the
// recorded answer) for the reminders of s that fall after instant after.
func planReminders(ctx workflow.Context, s slip.Slip, after time.Time) ([]slip.Reminder, error) {
	var acts *activities.Activities
	var plan []slip.Reminder
	req := activities.PlanRequest{Slip: s, After: after}
	if err := ledgerActivity(ctx, acts.PlanReminders, "PlanReminders", req).Get(ctx, &plan); err != nil {
		return nil, fmt.Errorf("plan reminders of slip %s: %w", s.ID, err)
	}
	return plan, nil
}

// fireReminder records reminder r on the timeline and notifies whom it
// concerns, unless the slip has moved past it.
func fireReminder(ctx workflow.Context, s *slip.Slip, r slip.Reminder) error {
	ev, ok := s.Remind(r, workflow.Now(ctx))
	if !ok {
		return nil
	}
	snapshot := *s
	if err := project(ctx, snapshot, ev); err != nil {
		return err
	}
	workflow.GetLogger(ctx).Info("reminder fired", "SlipID", s.ID, "Kind", r.Kind, "Level", r.Level, "Seq", ev.Seq)
	return notifyEvent(ctx, snapshot, ev)
}

// project writes event ev, and the slip s as it stands after it, to the
// ledger, retrying until the store takes it.
func project(ctx workflow.Context, s slip.Slip, ev slip.Event) error {
	var acts *activities.Activities
	ctx = workflow.WithActivityOptions(ctx, projectionOptions)
	if err := ledgerActivity(ctx, acts.Project, "Project", activities.Projection{Slip: s, Event: ev}).Get(ctx, nil); err != nil {
		return fmt.Errorf("project %s of slip %s: %w", ev.Type, s.ID, err)
	}
	return nil
}

// notifies reports whether a person's action is announced to others.
func notifies(a slip.Action) bool {
	return a == slip.ActionRequestExtension || a == slip.ActionDecideExtension || a == slip.ActionSendBack
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
