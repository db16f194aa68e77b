package workflows

import (
	"context"
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/duban-gov/duban/activities"
	"github.com/duban-gov/duban/calendar"
)

// Names of the daily digest.
const (
	DigestWorkflowName = "DailyDigest"
	DigestScheduleID   = "duban-daily-digest"
)

// DigestWorkflow sends every department its daily digest for the day it
// runs on (Beijing time), then starts the webhook deliveries.
func DigestWorkflow(ctx workflow.Context) error {
	var acts *activities.Activities
	ctx = workflow.WithActivityOptions(ctx, projectionOptions)
	day := calendar.DateOf(workflow.Now(ctx))
	var deliveries []activities.Delivery
	if err := workflow.ExecuteActivity(ctx, acts.SendDigest, activities.DigestRequest{Date: day}).Get(ctx, &deliveries); err != nil {
		return fmt.Errorf("digest of %s: %w", day, err)
	}
	return startDeliveries(ctx, deliveries)
}

// EnsureDigestSchedule creates the Temporal Schedule that runs the digest
// every day at 08:30 Beijing time, unless it exists already. Every worker
// calls it at start; the first one wins.
func EnsureDigestSchedule(ctx context.Context, c client.Client, taskQueue string) error {
	return ensureSchedule(ctx, c, client.ScheduleOptions{
		ID: DigestScheduleID,
		Spec: client.ScheduleSpec{
			Calendars:    []client.ScheduleCalendarSpec{{Hour: []client.ScheduleRange{{Start: 8}}, Minute: []client.ScheduleRange{{Start: 30}}}},
			TimeZoneName: "Asia/Shanghai",
		},
		Action: &client.ScheduleWorkflowAction{
			ID:                       "daily-digest",
			Workflow:                 DigestWorkflowName,
			TaskQueue:                taskQueue,
			WorkflowExecutionTimeout: time.Hour,
		},
		Overlap:        enumspb.SCHEDULE_OVERLAP_POLICY_SKIP,
		CatchupWindow:  6 * time.Hour,
		PauseOnFailure: false,
	})
}

// ensureSchedule creates a Temporal Schedule unless one with its id exists:
// every worker calls it at start and the first one wins.
func ensureSchedule(ctx context.Context, c client.Client, opts client.ScheduleOptions) error {
	_, err := c.ScheduleClient().Create(ctx, opts)
	if errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create schedule %s: %w", opts.ID, err)
	}
	return nil
}
