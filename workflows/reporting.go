package workflows

import (
	"context"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/duban-gov/duban/activities"
)

// Names of the monthly reporting window.
const (
	ReportingWorkflowName = "MonthlyReporting"
	ReportingScheduleID   = "duban-monthly-reporting"
)

// ReportingWorkflow runs the reporting window (填报期) of the month before
// the day it starts on (Beijing time): it opens the window, reminds the
// units that have not reported on the plan's days (提醒, then 催办 on the
// last day) through the inbox and webhooks slips use, and closes the window
// at the end of the last day. Its clock is durable timers, so a worker
// restart in the middle loses nothing.
func ReportingWorkflow(ctx workflow.Context) error {
	var acts *activities.Activities
	ctx = workflow.WithActivityOptions(ctx, projectionOptions)
	now := workflow.Now(ctx)
	month := previousMonth(now)
	var plan activities.ReportingPlan
	if err := workflow.ExecuteActivity(ctx, acts.OpenReporting, activities.ReportingRequest{Month: month, At: now}).Get(ctx, &plan); err != nil {
		return fmt.Errorf("open reporting of %s: %w", month, err)
	}
	for i, at := range plan.Reminders {
		if err := sleepUntil(ctx, at); err != nil {
			return err
		}
		var deliveries []activities.Delivery
		req := activities.RemindRequest{Month: month, Level: i + 1, At: workflow.Now(ctx)}
		if err := workflow.ExecuteActivity(ctx, acts.RemindUnreported, req).Get(ctx, &deliveries); err != nil {
			return fmt.Errorf("remind reporting of %s: %w", month, err)
		}
		if err := startDeliveries(ctx, deliveries); err != nil {
			return err
		}
	}
	if err := sleepUntil(ctx, plan.CloseAt); err != nil {
		return err
	}
	if err := workflow.ExecuteActivity(ctx, acts.CloseReporting, activities.ReportingRequest{Month: month, At: workflow.Now(ctx)}).Get(ctx, nil); err != nil {
		return fmt.Errorf("close reporting of %s: %w", month, err)
	}
	return nil
}

// sleepUntil waits on a durable timer until at (not at all if it passed).
func sleepUntil(ctx workflow.Context, at time.Time) error {
	if d := at.Sub(workflow.Now(ctx)); d > 0 {
		return workflow.Sleep(ctx, d)
	}
	return nil
}

// EnsureReportingSchedule creates the Temporal Schedule that opens each
// month's reporting window at 00:10 Beijing time on the 1st, unless it
// exists already. Every worker calls it at start; the first one wins.
func EnsureReportingSchedule(ctx context.Context, c client.Client, taskQueue string) error {
	return ensureSchedule(ctx, c, client.ScheduleOptions{
		ID: ReportingScheduleID,
		Spec: client.ScheduleSpec{
			Calendars: []client.ScheduleCalendarSpec{{
				DayOfMonth: []client.ScheduleRange{{Start: 1}},
				Hour:       []client.ScheduleRange{{Start: 0}},
				Minute:     []client.ScheduleRange{{Start: 10}},
			}},
			TimeZoneName: "Asia/Shanghai",
		},
		Action: &client.ScheduleWorkflowAction{
			ID:                       "monthly-reporting",
			Workflow:                 ReportingWorkflowName,
			TaskQueue:                taskQueue,
			WorkflowExecutionTimeout: 20 * 24 * time.Hour,
		},
		Overlap:       enumspb.SCHEDULE_OVERLAP_POLICY_SKIP,
		CatchupWindow: 24 * time.Hour,
	})
}

// RegisterReporting registers the reporting window's workflow (its
// activities are methods of activities.Activities, registered with the
// rest).
func RegisterReporting(r worker.WorkflowRegistry) {
	r.RegisterWorkflowWithOptions(ReportingWorkflow, workflow.RegisterOptions{Name: ReportingWorkflowName})
}
