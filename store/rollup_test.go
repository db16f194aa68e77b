package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/duban-gov/duban/internal/seed"
	"github.com/duban-gov/duban/stats"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
)

// rollupQueries are statistics the rollup answers, as of a few days.
func rollupQueries(leads ...string) []stats.Query {
	var qs []stats.Query
	for _, today := range []string{"2026-03-02", "2026-06-15", "2026-11-23"} {
		yellow := today[:8] + "28"
		for _, g := range []stats.GroupBy{stats.GroupByDepartment, stats.GroupByMonth, stats.GroupByAll, stats.GroupByBatch, stats.GroupByCategory} {
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
// month, batch and category, as kept slip by slip and as migration 0180
// derives the batch and category rollup from the slips at once.
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
			require.Equal(t, kept[i], rows, "derived by migration 0180: %+v", q)
		}
	})
}
