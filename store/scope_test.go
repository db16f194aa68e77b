package store_test

import (
	"fmt"
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

// scopeTree is a city of three levels beneath it, a second district, and a
// bureau with no parent: parent first.
var scopeTree = []slip.Department{
	{Code: "city", Name: "市"},
	{Code: "qx", Name: "青秀区", ParentCode: "city"},
	{Code: "qx-a", Name: "青秀区A街道", ParentCode: "qx"},
	{Code: "qx-a-1", Name: "A街道一社区", ParentCode: "qx-a"},
	{Code: "qx-b", Name: "青秀区B街道", ParentCode: "qx"},
	{Code: "hx", Name: "红星区", ParentCode: "city"},
	{Code: "hx-a", Name: "红星区A街道", ParentCode: "hx"},
	{Code: "zjj", Name: "住建局"},
}

// TestScopedCountsAgreeWithTheSlips: a scoped office's ledger totals and
// statistics, counted from its root's rollup rows (migration 0160), are
// what the slips of its subtree give, for slips on a scope's root and
// beneath it at once, on two units of one branch, across two districts, and
// after a 改派 moves a slip from one district to another; and the rows the
// migration derives from the slips are the rows the projections kept.
func TestScopedCountsAgreeWithTheSlips(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		for _, d := range scopeTree {
			_, err := st.CreateDepartment(ctx, d)
			require.NoError(t, err)
		}
		day := time.Date(2026, 3, 2, 9, 0, 0, 0, calendar.Zone)
		units := [][]string{
			{"qx-a", "qx"},          // on the district itself and beneath it
			{"qx-a-1", "qx-a"},      // two units of one branch
			{"qx-a-1", "qx-b"},      // two branches of one district
			{"zjj", "qx-b"},         // a bureau with a street helping
			{"hx-a", "qx-a-1"},      // two districts
			{"zjj"},                 // no scope at all
			{"qx-b", "hx", "qx-a"},  // a district helping two streets of another
			{"city", "qx-a-1"},      // the top and the bottom
			{"hx-a"},                // moved to 青秀区 below (改派)
			{"qx-a", "zjj", "hx-a"}, // three ways
		}
		at := day
		for i, on := range units {
			for round := range 3 { // issued, acknowledged, resolved / cancelled
				at = at.Add(time.Hour)
				sl := newSlip(fmt.Sprintf("s%02d-%d", i, round), at, on[0], on[1:]...)
				sl.Draft.Deadline = calendar.MustParseDate("2026-03-20")
				if round == 1 {
					sl.Draft.Deadline = calendar.MustParseDate("2026-02-27") // overdue once issued
				}
				if i >= 8 { // with parts, which a 改派 needs
					sl.Tracks = slip.NewTracks(sl.Draft, at, calendar.MustParseDate("2026-03-06"))
				}
				sl.StartIssued()
				_, err := st.RecordIssued(ctx, sl)
				require.NoError(t, err)
				reassign := func(from, to string) {
					apply(t, st, &sl, slip.Command{Action: slip.ActionReassign, Actor: "督查室", ActorRole: slip.RoleOffice,
						TrackFields: slip.TrackFields{Department: from, NewDepartment: to}}, at.Add(30*time.Second))
				}
				switch i {
				case 8: // 退回 and 改派 of the lead, from 红星区 to 青秀区
					apply(t, st, &sl, slip.Command{Action: slip.ActionRefuse, Actor: "hx-a", ActorRole: slip.RoleDepartment, Reason: "职责不符",
						TrackFields: slip.TrackFields{Department: "hx-a"}}, at.Add(10*time.Second))
					reassign("hx-a", "qx-b")
				case 9: // of a co-unit, to beneath another of the slip's units
					reassign("hx-a", "qx-a-1")
				}
				if round >= 1 {
					apply(t, st, &sl, slip.Command{Action: slip.ActionAcknowledge, Actor: on[0]}, at.Add(time.Minute))
				}
				if round == 2 {
					if i%2 == 0 {
						apply(t, st, &sl, slip.Command{Action: slip.ActionResolve, Actor: on[0], Summary: "已办", Evidence: []string{"e"}}, at.Add(2*time.Minute))
					} else {
						apply(t, st, &sl, slip.Command{Action: slip.ActionCancel, Actor: "督查室", Reason: "撤销"}, at.Add(2*time.Minute))
					}
				}
			}
		}

		tree, err := st.OrgTree(ctx)
		require.NoError(t, err)
		today := "2026-03-05"
		open := slip.OpenStatuses()
		for _, scope := range []string{"city", "qx", "qx-a", "qx-a-1", "qx-b", "hx", "zjj"} {
			reach := tree.Subtree(scope)
			filters := map[string]store.Filter{
				"all":              {},
				"open":             {Statuses: open},
				"closed":           {Statuses: []slip.Status{slip.StatusClosed}},
				"overdue":          {OverdueOn: today},
				"red":              {Colour: "red", Today: today, YellowBy: "2026-03-10"},
				"yellow":           {Colour: "yellow", Today: today, YellowBy: "2026-03-25"},
				"led by zjj, open": {Lead: "zjj", Statuses: open}, // from the slips
				"led by qx-b":      {Lead: "qx-b"},
			}
			for name, f := range filters {
				f.VisibleUnits = reach
				page, err := st.ListSlips(ctx, f)
				require.NoError(t, err)
				all := listAll(t, st, f)
				assert.Equal(t, int64(len(all)), page.Total, "%s %s: total against the pages", scope, name)
				for _, sl := range all {
					assert.True(t, slices.ContainsFunc(sl.Draft.Departments(), func(d string) bool { return slices.Contains(reach, d) }),
						"%s %s: %s is not on the subtree", scope, name, sl.ID)
				}
				// The unit's own ledger leaves out the slips only below it.
				f.VisibleUnits, f.Department = nil, scope
				page, err = st.ListSlips(ctx, f)
				require.NoError(t, err)
				assert.Equal(t, int64(len(listAll(t, st, f))), page.Total, "%s's own %s: total against the pages", scope, name)
			}
		}

		var qs []stats.Query
		for _, scope := range []string{"city", "qx", "qx-a", "hx", "zjj"} {
			for _, g := range []stats.GroupBy{stats.GroupByDepartment, stats.GroupByMonth, stats.GroupByAll} {
				qs = append(qs,
					stats.Query{GroupBy: g, Today: today, YellowBy: "2026-03-10", VisibleUnits: tree.Subtree(scope)},
					stats.Query{GroupBy: g, From: "2026-03-01", To: "2026-03-31", Today: today, YellowBy: "2026-03-10", VisibleUnits: tree.Subtree(scope)},
					stats.Query{GroupBy: g, Today: today, YellowBy: "2026-03-10", VisibleTo: scope})
			}
		}
		// Lists of units that are not a subtree (a department with its 专班,
		// a subtree's part) are counted from the slips.
		for _, units := range [][]string{{"qx", "qx-a"}, {"hx", "zjj"}, {"qx-a", "qx-a-1"}} {
			for _, g := range []stats.GroupBy{stats.GroupByDepartment, stats.GroupByMonth, stats.GroupByAll} {
				qs = append(qs, stats.Query{GroupBy: g, Today: today, YellowBy: "2026-03-10", VisibleUnits: units})
			}
			f := store.Filter{VisibleUnits: units, Statuses: open}
			page, err := st.ListSlips(ctx, f)
			require.NoError(t, err)
			assert.Equal(t, int64(len(listAll(t, st, f))), page.Total, "%v: total against the pages", units)
		}
		kept := store.RollupRows(t, st)
		require.True(t, slices.ContainsFunc(kept, func(r store.StatsRow) bool { return r.Role == "below" }))
		assertRollupAgrees(t, st, qs)

		store.RederiveBelowRows(t, st)
		assert.Equal(t, kept, store.RollupRows(t, st), "migration 0160's rollup against the projections'")
	})
}

// TestScopedStatisticsOnASeededLedger: on a seeded year with districts and
// their streets, each district's statistics by month and in all are the
// same from the rollup as from the slips.
func TestScopedStatisticsOnASeededLedger(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		_, err := seed.Run(ctx, st, seedOptions(600, 100, 11))
		require.NoError(t, err)
		tree, err := st.OrgTree(ctx)
		require.NoError(t, err)
		var qs []stats.Query
		for _, scope := range []string{"nhq", "dcq", "qsx"} {
			reach := tree.Subtree(scope)
			require.Greater(t, len(reach), 1, "%s has streets", scope)
			for _, q := range rollupQueries() {
				q.VisibleUnits = reach
				qs = append(qs, q)
			}
		}
		kept := store.RollupRows(t, st)
		assertRollupAgrees(t, st, qs)
		store.RederiveBelowRows(t, st)
		assert.Equal(t, kept, store.RollupRows(t, st), "migration 0160's rollup against the seed's")
	})
}
