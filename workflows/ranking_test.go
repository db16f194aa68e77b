package workflows_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/duban-gov/duban/ranking"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/stats"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
	"github.com/duban-gov/duban/workflows"
)

// TestMonthlyRankingPublishesTheMonthBefore runs the ranking workflow the
// way its schedule starts it, at 00:05 on 1 November (Beijing time, still 31
// October in UTC): it publishes October, once, with the slips as they stood.
func TestMonthlyRankingPublishesTheMonthBefore(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t, store.SQLite)
	for _, code := range []string{"zjj", "fgw"} {
		_, err := st.CreateDepartment(ctx, slip.Department{Code: code, Name: code})
		require.NoError(t, err)
	}
	sl := reminderSlip()
	sl.ID, sl.Status, sl.Seq = "oct", slip.StatusIssued, 1
	_, err := st.RecordIssued(ctx, sl)
	require.NoError(t, err)

	for range 2 { // a second run (a retry of the schedule's action) changes nothing
		var suite testsuite.WorkflowTestSuite
		env := suite.NewTestWorkflowEnvironment()
		env.SetStartTime(at("2026-11-01", 0, 5))
		workflows.Register(env, newActivities(t, st))
		env.ExecuteWorkflow(workflows.RankingWorkflowName)
		require.True(t, env.IsWorkflowCompleted())
		require.NoError(t, env.GetWorkflowError())
	}

	body, taken, err := st.RankingSnapshot(ctx, "2026-10")
	require.NoError(t, err)
	assert.True(t, taken.Equal(at("2026-11-01", 0, 5)), "taken at %s", taken)
	var r ranking.Published
	require.NoError(t, json.Unmarshal([]byte(body), &r))
	assert.Equal(t, ranking.SourceSnapshot, r.Source)
	assert.Equal(t, "2026-11-01", r.AsOf)
	// The lead ranked; its co-unit listed on its part, with nothing to judge yet (暂无数据).
	require.Len(t, r.Entries, 2)
	assert.Equal(t, sl.Draft.LeadDepartment, r.Entries[0].Department)
	assert.Equal(t, "fgw", r.Entries[1].Department)
	assert.True(t, r.Entries[1].NoData)
	_, _, err = st.RankingSnapshot(ctx, "2026-11")
	assert.ErrorIs(t, err, stats.ErrNoSnapshot)
}
