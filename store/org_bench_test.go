package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/stats"
	"github.com/duban-gov/duban/store"
)

// benchScope is the subtree a scoped office is benchmarked on: a district
// of the seeded ledger with its streets (南湖区 and its 街道).
const benchScope = "nhq"

// BenchmarkScaleScoped is the ledger and the statistics as a scoped
// (district) office sees them: filtered by the precomputed list of its
// subtree's codes, on the seeded ledger of BenchmarkScaleLedger; and the
// per-request cost of loading the unit tree that list comes from.
func BenchmarkScaleScoped(b *testing.B) {
	st := openBench(b)
	ctx := context.Background()
	tree, err := st.OrgTree(ctx)
	if err != nil {
		b.Fatal(err)
	}
	office := identity.User{Role: slip.RoleOffice, Scope: benchScope}.Confine(tree)
	_, units := office.Visible()
	if len(units) < 2 {
		b.Skipf("the seeded ledger has no subtree under %s", benchScope)
	}
	b.Logf("subtree of %s: %d units", benchScope, len(units))
	today := time.Now().Format(time.DateOnly)
	page := func(f store.Filter) func() error {
		f.VisibleUnits = units
		return func() error { _, err := st.ListSlips(ctx, f); return err }
	}
	b.Run("scoped-first-page", func(b *testing.B) { timed(b, page(store.Filter{})) })
	b.Run("scoped-page-50", func(b *testing.B) {
		f := store.Filter{VisibleUnits: units}
		for range 50 {
			p, err := st.ListSlips(ctx, f)
			if err != nil {
				b.Fatal(err)
			}
			if p.NextCursor == "" {
				break
			}
			f.Cursor = p.NextCursor
		}
		timed(b, page(f))
	})
	b.Run("scoped-open-by-due", func(b *testing.B) {
		timed(b, page(store.Filter{Statuses: slip.OpenStatuses(), Sort: store.SortDue}))
	})
	b.Run("scoped-overdue", func(b *testing.B) { timed(b, page(store.Filter{OverdueOn: today, Sort: store.SortDue})) })
	b.Run("scoped-status-closed", func(b *testing.B) {
		timed(b, page(store.Filter{Statuses: []slip.Status{slip.StatusClosed}}))
	})
	year := time.Now().Year()
	from, to := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly), time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	closure := func(g stats.GroupBy) func() error {
		q := stats.Query{GroupBy: g, From: from, To: to, Today: today, YellowBy: today, VisibleUnits: units}
		return func() error { _, err := st.ClosureStats(ctx, q); return err }
	}
	b.Run("scoped-summary-year", func(b *testing.B) { timed(b, closure(stats.GroupByAll)) })
	b.Run("scoped-by-department-year", func(b *testing.B) { timed(b, closure(stats.GroupByDepartment)) })
	b.Run("by-leader-year", func(b *testing.B) {
		q := stats.Query{GroupBy: stats.GroupByLeader, From: from, To: to, Today: today, YellowBy: today}
		timed(b, func() error { _, err := st.ClosureStats(ctx, q); return err })
	})
	b.Run("org-tree", func(b *testing.B) { timed(b, func() error { _, err := st.OrgTree(ctx); return err }) })
}
