package workflows_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
	"github.com/duban-gov/duban/workflows"
)

// TestDailyDigest runs the digest on Wednesday 2026-10-14: each department
// hears of its overdue slips and those due by Sunday 10-18, once per day.
func TestDailyDigest(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t, store.SQLite)
	for _, code := range []string{"fgw", "zjj", "jtj"} {
		_, err := st.CreateDepartment(ctx, slip.Department{Code: code, Name: code})
		require.NoError(t, err)
	}
	for _, s := range []struct{ id, deadline string }{{"late", "2026-10-09"}, {"soon", "2026-10-16"}, {"later", "2026-11-30"}} {
		sl := reminderSlip()
		sl.ID, sl.Deadline, sl.Draft.Deadline = s.id, calendar.MustParseDate(s.deadline), calendar.MustParseDate(s.deadline)
		sl.Draft.Title = "事项" + s.id
		sl.Status, sl.Seq = slip.StatusIssued, 1
		_, err := st.RecordIssued(ctx, sl)
		require.NoError(t, err)
	}
	// A slip due 11-30 whose co-unit 发改委's own part is due 10-16: 发改委
	// hears of it this week by its part's deadline; the lead does not.
	part := reminderSlip()
	part.ID, part.Deadline, part.Draft.Deadline = "part", calendar.MustParseDate("2026-11-30"), calendar.MustParseDate("2026-11-30")
	part.Draft.Title = "事项part"
	part.Draft.CoDeadlines = map[string]calendar.Date{"fgw": calendar.MustParseDate("2026-10-16")}
	part.Tracks = slip.NewTracks(part.Draft, part.IssuedAt, calendar.DateOf(part.IssuedAt).AddDays(2))
	part.Status, part.Seq = slip.StatusIssued, 1
	_, err := st.RecordIssued(ctx, part)
	require.NoError(t, err)

	for range 2 { // the second run of the day adds nothing
		var suite testsuite.WorkflowTestSuite
		env := suite.NewTestWorkflowEnvironment()
		env.SetStartTime(at("2026-10-14", 8, 30))
		workflows.Register(env, newActivities(t, st))
		env.ExecuteWorkflow(workflows.DigestWorkflowName)
		require.True(t, env.IsWorkflowCompleted())
		require.NoError(t, env.GetWorkflowError())
	}

	inbox := func(dept string) []store.Notification {
		ns, err := st.ListNotifications(ctx, storeFilter(store.RecipientDepartment, dept))
		require.NoError(t, err)
		return ns
	}
	zjj := inbox("zjj")
	require.Len(t, zjj, 1)
	assert.Equal(t, "【督办日报】2026-10-14 逾期 1 件，本周到期 1 件", zjj[0].Title)
	assert.Contains(t, zjj[0].Body, "事项late，时限 2026-10-09")
	assert.Contains(t, zjj[0].Body, "本周（至 2026-10-18）到期 1 件")
	assert.NotContains(t, zjj[0].Body, "事项later")
	fgw := inbox("fgw")
	require.Len(t, fgw, 1)
	assert.Contains(t, fgw[0].Body, "事项soon（配合）")
	assert.Contains(t, fgw[0].Body, "事项part（配合），时限 2026-10-16", "the co-unit's part, by its own deadline")
	assert.NotContains(t, zjj[0].Body, "事项part", "the lead's part is due 11-30")
	assert.Empty(t, inbox("jtj"), "nothing due: no digest")
}
