package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
)

// BenchmarkPortfolio is what /portfolio asks of the ledger: every project
// (1,000, two milestones each, over 10 owners and 6 batches) with its
// counts, and a red filter, on each database.
func BenchmarkPortfolio(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run(string(d), func(b *testing.B) {
			st := storetest.Open(b, d)
			ctx := context.Background()
			for i := range 1000 {
				p := testProject(fmt.Sprintf("p%04d", i), fmt.Sprintf("u%d", i%10), fmt.Sprintf("第%d批", i%6+1))
				if err := st.ProjectProject(ctx, p, p.Created()); err != nil {
					b.Fatal(err)
				}
			}
			today := calendar.MustParseDate("2026-09-16")
			f := store.ProjectFilter{Today: today, YellowBy: today.AddDays(5)}
			for b.Loop() {
				ps, err := st.ListProjects(ctx, f)
				if err != nil || len(ps) != 1000 {
					b.Fatal(len(ps), err)
				}
				if _, err := st.CountProjects(ctx, f, ""); err != nil {
					b.Fatal(err)
				}
				red := f
				red.Colour = "red"
				if _, err := st.CountProjects(ctx, red, "batch"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
