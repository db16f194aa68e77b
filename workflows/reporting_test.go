package workflows_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/indicator"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
	"github.com/duban-gov/duban/workflows"
)

// TestReportingWindow runs November's reporting window the way its schedule
// starts it, at 00:10 on Tuesday 1 December (Beijing time): the window opens
// at once; on the 3rd working day (Thursday 3 December) at 09:00 住建局,
// which has not reported, gets a 提醒 in its inbox and 发改委, which has,
// nothing; 住建局 still has not reported by 09:00 on the 5th working day
// (Monday 7 December: the last day), so it gets a 催办; the window closes at
// 00:00 on 8 December — the office told who never reported — after which a
// value is refused with 409.
func TestReportingWindow(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t, store.SQLite)
	for _, d := range []slip.Department{{Code: "zjj", Name: "住建局"}, {Code: "fgw", Name: "发改委"}} {
		_, err := st.CreateDepartment(ctx, d)
		require.NoError(t, err)
	}
	require.NoError(t, st.PutIndicator(ctx, indicator.Indicator{Code: "reno", Name: "老旧小区改造开工率", Unit: "%",
		Direction: indicator.Higher, Departments: []string{"zjj", "fgw"}, Leader: "王副市长"}, at("2026-11-01", 9, 0)))

	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(at("2026-12-01", 0, 10))
	workflows.Register(env, newActivities(t, st))
	workflows.RegisterReporting(env)
	env.RegisterDelayedCallback(func() {
		w, err := st.Window(ctx, "2026-11")
		require.NoError(t, err)
		assert.Equal(t, indicator.WindowOpen, w.Status)
		assert.Equal(t, "2026-12-07", w.ClosesOn)
		_, err = st.ReportValue(ctx, indicator.Value{Indicator: "reno", Unit: "fgw", Month: "2026-11", Value: 91, ReportedBy: "发改委王芳", ReportedAt: env.Now()})
		require.NoError(t, err)
	}, time.Hour)
	env.ExecuteWorkflow(workflows.ReportingWorkflowName)
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())

	zjj, err := st.ListNotifications(ctx, store.NotificationFilter{RecipientKind: store.RecipientDepartment, Recipient: "zjj", Limit: 10})
	require.NoError(t, err)
	require.Len(t, zjj, 2)
	byLevel := map[int]store.Notification{}
	for _, n := range zjj {
		byLevel[n.Level] = n
	}
	assert.Equal(t, "reporting_reminder", byLevel[1].Kind)
	assert.True(t, byLevel[1].CreatedAt.Equal(at("2026-12-03", 9, 0)), "提醒 at %s", byLevel[1].CreatedAt.In(calendar.Zone))
	assert.Equal(t, "reporting_urge", byLevel[2].Kind)
	assert.True(t, byLevel[2].CreatedAt.Equal(at("2026-12-07", 9, 0)), "催办 at %s", byLevel[2].CreatedAt.In(calendar.Zone))
	assert.Contains(t, byLevel[2].Body, "老旧小区改造开工率")
	fgw, err := st.ListNotifications(ctx, store.NotificationFilter{RecipientKind: store.RecipientDepartment, Recipient: "fgw", Limit: 10})
	require.NoError(t, err)
	assert.Empty(t, fgw, "发改委 reported in time")
	// The 催办 climbs to the indicator's lead leader; at the close the office
	// hears who never reported (通报).
	leader, err := st.ListNotifications(ctx, store.NotificationFilter{RecipientKind: store.RecipientLeader, Recipient: "王副市长", Limit: 10})
	require.NoError(t, err)
	require.Len(t, leader, 1)
	assert.True(t, leader[0].CreatedAt.Equal(at("2026-12-07", 9, 0)))
	assert.Equal(t, "住建局：老旧小区改造开工率", leader[0].Body)
	office, err := st.ListNotifications(ctx, store.NotificationFilter{RecipientKind: store.RecipientOffice, Recipient: "office", Limit: 10})
	require.NoError(t, err)
	require.Len(t, office, 1)
	assert.Equal(t, "reporting_closed", office[0].Kind)
	assert.True(t, office[0].CreatedAt.Equal(at("2026-12-08", 0, 0)))
	assert.Equal(t, "住建局：老旧小区改造开工率", office[0].Body)

	w, err := st.Window(ctx, "2026-11")
	require.NoError(t, err)
	assert.Equal(t, indicator.WindowClosed, w.Status)
	require.NotNil(t, w.ClosedAt)
	assert.True(t, w.ClosedAt.Equal(at("2026-12-08", 0, 0)), "closed at %s", w.ClosedAt.In(calendar.Zone))
	_, err = st.ReportValue(ctx, indicator.Value{Indicator: "reno", Unit: "zjj", Month: "2026-11", Value: 80, ReportedBy: "住建局", ReportedAt: time.Now()})
	assert.Equal(t, indicator.CodePeriodClosed, slip.AsError(err).Code)
}
