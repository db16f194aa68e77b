package workflows

import (
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/duban-gov/duban/activities"
)

// DeliveryWorkflowName is the registered name of DeliveryWorkflow.
const DeliveryWorkflowName = "WebhookDelivery"

// deliveryOptions retry a webhook with backoff for up to a day: a dead
// endpoint costs retries, never a lost message, and never holds up a slip.
var deliveryOptions = workflow.ActivityOptions{
	StartToCloseTimeout:    30 * time.Second,
	ScheduleToCloseTimeout: 24 * time.Hour,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:        5 * time.Second,
		BackoffCoefficient:     2,
		MaximumInterval:        30 * time.Minute,
		NonRetryableErrorTypes: []string{activities.ErrTypePermanentDelivery},
	},
}

// DeliveryWorkflowID is the workflow id of one webhook delivery.
func DeliveryWorkflowID(deliveryID int64) string { return fmt.Sprintf("webhook-%d", deliveryID) }

// DeliveryWorkflow sends one stored webhook delivery, retrying with backoff;
// when it finally gives up it marks the delivery failed, so the office can
// see it. It runs as an abandoned child of the slip workflow.
func DeliveryWorkflow(ctx workflow.Context, deliveryID int64) error {
	var acts *activities.Activities
	sendCtx := workflow.WithActivityOptions(ctx, deliveryOptions)
	err := workflow.ExecuteActivity(sendCtx, acts.SendWebhook, deliveryID).Get(ctx, nil)
	if err == nil {
		return nil
	}
	markCtx := workflow.WithActivityOptions(ctx, projectionOptions)
	if merr := workflow.ExecuteActivity(markCtx, acts.MarkDeliveryFailed, activities.DeliveryFailure{
		ID: deliveryID, Error: err.Error(),
	}).Get(ctx, nil); merr != nil {
		return fmt.Errorf("mark delivery %d failed: %w", deliveryID, merr)
	}
	workflow.GetLogger(ctx).Warn("webhook delivery gave up", "DeliveryID", deliveryID, "Error", err)
	return nil
}

// startDeliveries starts one DeliveryWorkflow per delivery and waits only
// until each has started; the slip goes on while they retry.
func startDeliveries(ctx workflow.Context, deliveries []activities.Delivery) error {
	for _, d := range deliveries {
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID:            DeliveryWorkflowID(d.ID),
			ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_ABANDON,
			WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		})
		child := workflow.ExecuteChildWorkflow(cctx, DeliveryWorkflowName, d.ID)
		if err := child.GetChildWorkflowExecution().Get(ctx, nil); err != nil {
			if temporal.IsWorkflowExecutionAlreadyStartedError(err) {
				continue // started by an earlier attempt
			}
			return fmt.Errorf("start delivery %d: %w", d.ID, err)
		}
	}
	return nil
}
