package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/internal/seed"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/stats"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
)

// TestConsoleQueuesAndCounts: what an office console shows without
// listing everything — the open slips by status from the statistics, and the
// pending extension requests by their own filter — agrees with walking the
// whole ledger, on both databases.
func TestConsoleQueuesAndCounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		_, err := seed.Run(ctx, st, seedOptions(600, 12, 23))
		require.NoError(t, err)
		asked := askExtensions(t, st, allSlips(t, st, store.Filter{}, 100), 5)
		all := allSlips(t, st, store.Filter{}, 100)
		byStatus := map[slip.Status]int64{}
		var pending []string
		for _, s := range all {
			byStatus[s.Status]++
			if s.PendingExtension != nil {
				pending = append(pending, s.ID)
			}
		}
		require.Subset(t, pending, asked)

		rows, err := st.ClosureStats(ctx, stats.Query{GroupBy: stats.GroupByAll, Today: "2026-11-20", YellowBy: "2026-11-25"})
		require.NoError(t, err)
		require.Len(t, rows, 1)
		r := rows[0]
		assert.Equal(t, byStatus[slip.StatusIssued], r.Issued)
		assert.Equal(t, byStatus[slip.StatusInProgress], r.InProgress)
		assert.Equal(t, byStatus[slip.StatusPendingReview], r.PendingReview)
		assert.Equal(t, byStatus[slip.StatusPendingSignoff], r.PendingSignoff)
		assert.Equal(t, r.Open, r.Issued+r.InProgress+r.PendingReview+r.PendingSignoff)

		var listed []string
		for _, s := range allSlips(t, st, store.Filter{PendingExtension: true}, 7) {
			listed = append(listed, s.ID)
		}
		assert.ElementsMatch(t, pending, listed)
		page, err := st.ListSlips(ctx, store.Filter{PendingExtension: true})
		require.NoError(t, err)
		assert.Equal(t, int64(len(pending)), page.Total)
	})
}

// askExtensions has the lead department of n slips spread over the ledger
// (evenly over those that may still ask) request an extension, as the
// workflow would record it, and returns their ids. Seeded ledgers leave few
// requests undecided, and none where a test needs them.
func askExtensions(t *testing.T, st *store.Store, slips []slip.Slip, n int) []string {
	t.Helper()
	var may []slip.Slip
	for _, s := range slips {
		at := s.UpdatedAt.Add(time.Minute)
		if slices.Contains(s.Available(calendar.DateOf(at)), slip.ActionRequestExtension) {
			may = append(may, s)
		}
	}
	require.GreaterOrEqual(t, len(may), n, "slips that may ask for an extension")
	var ids []string
	for k := range n {
		s := may[k*len(may)/n]
		deadline := s.EffectiveDeadline()
		ev, err := s.Apply(slip.Command{Action: slip.ActionRequestExtension, Actor: "测试", Reason: "工程量大",
			Deadline: deadline.AddDays(14)}, s.UpdatedAt.Add(time.Minute))
		require.NoError(t, err)
		require.NoError(t, st.Project(ctx, s, ev))
		ids = append(ids, s.ID)
	}
	return ids
}
