package workflows

import (
	"context"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/workflow"

	"github.com/duban-gov/duban/activities"
	"github.com/duban-gov/duban/calendar"
)

// Names of the monthly ranking.
const (
	RankingWorkflowName = "MonthlyRanking"
	RankingScheduleID   = "duban-monthly-ranking"
)

// RankingWorkflow publishes the ranking of the month that ended before the
// day it runs on (Beijing time): the schedule starts it at 00:05 on the 1st.
func RankingWorkflow(ctx workflow.Context) error {
	var acts *activities.Activities
	ctx = workflow.WithActivityOptions(ctx, projectionOptions)
	now := workflow.Now(ctx)
	month := previousMonth(now)
	var published bool
	if err := workflow.ExecuteActivity(ctx, acts.PublishRanking, activities.PublishRankingRequest{Month: month, At: now}).Get(ctx, &published); err != nil {
		return fmt.Errorf("ranking of %s: %w", month, err)
	}
	return nil
}

// previousMonth is the month (YYYY-MM) before the one t falls in, in Beijing time.
func previousMonth(t time.Time) string {
	local := t.In(calendar.Zone)
	first := time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, calendar.Zone)
	return first.AddDate(0, -1, 0).Format("2006-01")
}

// EnsureRankingSchedule creates the Temporal Schedule that publishes each
// month's ranking at 00:05 Beijing time on the 1st of the next, unless it
// exists already. Every worker calls it at start; the first one wins. A run
// missed by more than a day is skipped rather than publishing a month late
// with later data: the office can then publish by hand.
func EnsureRankingSchedule(ctx context.Context, c client.Client, taskQueue string) error {
	return ensureSchedule(ctx, c, client.ScheduleOptions{
		ID: RankingScheduleID,
		Spec: client.ScheduleSpec{
			Calendars: []client.ScheduleCalendarSpec{{
				DayOfMonth: []client.ScheduleRange{{Start: 1}},
				Hour:       []client.ScheduleRange{{Start: 0}},
				Minute:     []client.ScheduleRange{{Start: 5}},
			}},
			TimeZoneName: "Asia/Shanghai",
		},
		Action: &client.ScheduleWorkflowAction{
			ID:                       "monthly-ranking",
			Workflow:                 RankingWorkflowName,
			TaskQueue:                taskQueue,
			WorkflowExecutionTimeout: 6 * time.Hour,
		},
		Overlap:       enumspb.SCHEDULE_OVERLAP_POLICY_SKIP,
		CatchupWindow: 24 * time.Hour,
	})
}
