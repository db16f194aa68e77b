package store_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/internal/seed"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/stats"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
)

// rollupQueries are statistics the rollup answers, as of a few days.
func rollupQueries(leads ...string) []stats.Query {
	var qs []stats.Query
	for _, today := range []string{"2026-03-02", "2026-06-15", "2026-11-23"} {
		yellow := today[:8] + "28"
		for _, g := range []stats.GroupBy{stats.GroupByDepartment, stats.GroupByMonth, stats.GroupByAll, stats.GroupByBatch, stats.GroupByCategory, stats.GroupByLeader} {
			qs = append(qs,
				stats.Query{GroupBy: g, Today: today, YellowBy: yellow},
				stats.Query{GroupBy: g, From: "2026-01-01", To: "2026-10-31", Today: today, YellowBy: yellow},
				stats.Query{GroupBy: g, From: "2026-04-01", To: "2026-04-30", Today: today, YellowBy: yellow},
			)
			for _, lead := range leads {
				qs = append(qs, stats.Query{GroupBy: g, Lead: lead, From: "2026-02-01", Today: today, YellowBy: yellow})
				if g != stats.GroupByDepartment {
					qs = append(qs, stats.Query{GroupBy: g, VisibleTo: lead, To: "2026-09-30", Today: today, YellowBy: yellow})
				}
			}
		}
	}
	return qs
}

// assertRollupAgrees checks that every query gives the same rows from the
// rollup as from the slips themselves.
func assertRollupAgrees(t *testing.T, st *store.Store, qs []stats.Query) {
	t.Helper()
	fromRollup := make([][]stats.Row, len(qs))
	for i, q := range qs {
		rows, err := st.ClosureStats(ctx, q)
		require.NoError(t, err)
		fromRollup[i] = rows
	}
	store.CountFromSlips(t)
	for i, q := range qs {
		rows, err := st.ClosureStats(ctx, q)
		require.NoError(t, err)
		require.Equal(t, rows, fromRollup[i], "%+v", q)
	}
}

// TestStatisticsRollupAgreesWithTheSlips: on a seeded year (timelines with
// reminders, escalations, extensions, send-backs, sign-offs and
// cancellations) the rollups count exactly what the slips do, by department,
// month, batch, category and leader, as kept slip by slip and as migrations
// 0180 and 0200 derive the group rollup from the slips at once.
func TestStatisticsRollupAgreesWithTheSlips(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		_, err := seed.Run(ctx, st, seedOptions(500, 20, 11))
		require.NoError(t, err)
		qs := rollupQueries("fgw", "zjj")
		assertRollupAgrees(t, st, qs)
		for _, g := range []stats.GroupBy{stats.GroupByBatch, stats.GroupByCategory} {
			rows, err := st.ClosureStats(ctx, stats.Query{GroupBy: g, Today: "2026-06-15"})
			require.NoError(t, err)
			require.Greater(t, len(rows), 1, "the seeded year has several groups by %s", g)
		}
		kept := make([][]stats.Row, len(qs))
		for i, q := range qs {
			kept[i], err = st.ClosureStats(ctx, q)
			require.NoError(t, err)
		}
		store.RederiveGroupRows(t, st)
		for i, q := range qs {
			rows, err := st.ClosureStats(ctx, q)
			require.NoError(t, err)
			require.Equal(t, kept[i], rows, "derived by migrations 0180 and 0200: %+v", q)
		}
	})
}

// TestLeaderRollupFollowsMapLeaders: linking text 责任领导 to a leader user
// moves those slips' counts in the statistics by leader, and what the
// slips do afterwards is counted under the user.
func TestLeaderRollupFollowsMapLeaders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		_, err := seed.Run(ctx, st, seedOptions(300, 20, 5))
		require.NoError(t, err)
		byLeader := func(today string) []stats.Query {
			return []stats.Query{
				{GroupBy: stats.GroupByLeader, Today: today, YellowBy: today[:8] + "28"},
				{GroupBy: stats.GroupByLeader, From: "2026-02-01", To: "2026-09-30", Today: today, YellowBy: today[:8] + "28"},
			}
		}
		rows, err := st.ClosureStats(ctx, byLeader("2026-06-15")[0])
		require.NoError(t, err)
		require.Len(t, rows, 1, "no slip has a leader user yet")
		require.Equal(t, "", rows[0].Key)

		// 城市建设's leader in the seed's catalogue.
		li, err := st.CreateUser(ctx, identity.User{Login: "li", Name: "李副市长", Role: slip.RoleLeader}, "")
		require.NoError(t, err)
		mapped, _, err := st.MapLeaders(ctx)
		require.NoError(t, err)
		require.Positive(t, mapped)
		assertRollupAgrees(t, st, byLeader("2026-06-15"))
		rows, err = st.ClosureStats(ctx, byLeader("2026-06-15")[0])
		require.NoError(t, err)
		require.Len(t, rows, 2)
		require.Equal(t, strconv.FormatInt(li.ID, 10), rows[1].Key)
		require.Equal(t, mapped, rows[1].Assigned)
		require.Equal(t, "李副市长", rows[1].Label)

		again, _, err := st.MapLeaders(ctx)
		require.NoError(t, err)
		require.Zero(t, again, "a repeat links nothing and moves nothing")
		assertRollupAgrees(t, st, byLeader("2026-06-15"))

		// A slip of the leader's moves on: its counts move under the user.
		before, err := st.ClosureStats(ctx, byLeader("2026-11-23")[0])
		require.NoError(t, err)
		page, err := st.ListSlips(ctx, store.Filter{LeaderID: li.ID, Statuses: []slip.Status{slip.StatusIssued, slip.StatusInProgress}, Sort: store.SortNewest, PageSize: 1})
		require.NoError(t, err)
		require.NotEmpty(t, page.Items, "the seed leaves some of 李副市长's slips open")
		sl := page.Items[0]
		apply(t, st, &sl, slip.Command{Action: slip.ActionCancel, Actor: "督查室", Reason: "重复交办"}, time.Now())
		rows, err = st.ClosureStats(ctx, byLeader("2026-11-23")[0])
		require.NoError(t, err)
		require.Equal(t, int64(1), rows[1].Cancelled-before[1].Cancelled, "the slip is cancelled, under the user")
		assertRollupAgrees(t, st, byLeader("2026-11-23"))

		kept, err := st.ClosureStats(ctx, byLeader("2026-11-23")[1])
		require.NoError(t, err)
		store.RederiveGroupRows(t, st)
		rows, err = st.ClosureStats(ctx, byLeader("2026-11-23")[1])
		require.NoError(t, err)
		require.Equal(t, kept, rows, "derived by migration 0200")
	})
}
