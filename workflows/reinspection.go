package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/duban-gov/duban/activities"
	"github.com/duban-gov/duban/reinspection"
)

// ReinspectionWorkflowName is the registered name of ReinspectionWorkflow.
const ReinspectionWorkflowName = "ReinspectionWorkflow"

// ReinspectionRecordUpdate is the update an inspector's finding arrives as.
const ReinspectionRecordUpdate = "record"

// ReinspectionWorkflowID is the workflow id of re-inspection id.
func ReinspectionWorkflowID(id string) string { return "reinspection-" + id }

// ReinspectionWorkflow is one slip's 回头看. It waits until the visit
// opens (StartAt, M working days after sign-off, computed by the service on
// the holiday calendar), assigns it, then waits for the inspector's finding
// while escalating like a slip: 催办 at DueAt, 督办 and 通报 every
// RemindEvery after. A failure opens a rework slip (重办) through the
// ordinary issue path; the signed-off slip itself is never reopened.
func ReinspectionWorkflow(ctx workflow.Context, r reinspection.Reinspection) (reinspection.Reinspection, error) {
	opts := workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{MaximumInterval: time.Minute},
	}
	ctx = workflow.WithActivityOptions(ctx, opts)
	var acts *activities.Reinspections
	project := func() error {
		if err := workflow.ExecuteActivity(ctx, acts.ProjectReinspection, r).Get(ctx, nil); err != nil {
			return err
		}
		return workflow.ExecuteActivity(ctx, acts.NotifyReinspection, r).Get(ctx, nil)
	}
	recorded := func() bool { return r.Status.Final() }
	err := workflow.SetUpdateHandlerWithOptions(ctx, ReinspectionRecordUpdate,
		func(ctx workflow.Context, rec reinspection.Record) (reinspection.Reinspection, error) {
			ctx = workflow.WithActivityOptions(ctx, opts)
			r.Apply(rec, workflow.Now(ctx))
			// Projection retries until it lands: the finding is kept.
			if err := workflow.ExecuteActivity(ctx, acts.ProjectReinspection, r).Get(ctx, nil); err != nil {
				return r, err
			}
			return r, nil
		},
		workflow.UpdateHandlerOptions{Validator: func(_ workflow.Context, rec reinspection.Record) error {
			return EncodeError(r.Validate(rec))
		}})
	if err != nil {
		return r, err
	}

	if wait := r.StartAt.Sub(workflow.Now(ctx)); wait > 0 {
		if err := workflow.Sleep(ctx, wait); err != nil {
			return r, err
		}
	}
	r.Status, r.UpdatedAt = reinspection.StatusAssigned, workflow.Now(ctx)
	r.Seq++
	if err := project(); err != nil {
		return r, err
	}
	for !recorded() {
		if r.EscalationLevel >= reinspection.LevelNotice {
			if err := workflow.Await(ctx, recorded); err != nil {
				return r, err
			}
			break
		}
		next := r.DueAt.Add(time.Duration(r.EscalationLevel) * r.RemindEvery)
		if wait := next.Sub(workflow.Now(ctx)); wait > 0 {
			ok, err := workflow.AwaitWithTimeout(ctx, wait, recorded)
			if err != nil {
				return r, err
			}
			if ok {
				break
			}
		}
		r.EscalationLevel++
		r.UpdatedAt = workflow.Now(ctx)
		r.Seq++
		if err := project(); err != nil {
			return r, err
		}
	}
	// Let the update that recorded the finding project it and answer first.
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return r, err
	}
	if r.Status == reinspection.StatusFailed {
		var id string
		if err := workflow.ExecuteActivity(ctx, acts.IssueReworkSlip, r).Get(ctx, &id); err != nil {
			return r, err
		}
		r.ReworkSlipID, r.UpdatedAt = id, workflow.Now(ctx)
		r.Seq++
	}
	if err := project(); err != nil {
		return r, err
	}
	return r, nil
}
