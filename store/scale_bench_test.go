package store_test

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/ranking"
	"github.com/duban-gov/duban/stats"
	"github.com/duban-gov/duban/store"
)

// The scale benchmarks run against a ledger seeded beforehand, e.g.
//
//	createdb duban_bench
//	DUBAN_DATABASE_URL=postgres://…/duban_bench duban seed --slips 1000000 --departments 200
//	DUBAN_BENCH_DATABASE_URL=postgres://…/duban_bench go test ./store -run '^$' -bench Scale -benchtime 200x
//
// (seeding a million slips takes about ten minutes on two cores, so CI does
// not). Each reports the mean and the 95th percentile (p95-ms) of the
// operation. Targets (issue 5): ledger page p95 < 30 ms, statistics < 100 ms,
// monthly ranking < 500 ms.
const benchDatabaseEnv = "DUBAN_BENCH_DATABASE_URL"

// The departments benchmarked: the largest on a seeded ledger of 200
// (住建局, about 5% of all slips as lead, more as co-unit) and a street office.
const (
	benchBigDepartment   = "zjj"
	benchSmallDepartment = "nhq-01"
)

func openBench(b *testing.B) *store.Store {
	b.Helper()
	url := os.Getenv(benchDatabaseEnv)
	if url == "" {
		b.Skipf("set %s to a seeded ledger (see the comment above)", benchDatabaseEnv)
	}
	st, err := store.Open(context.Background(), url, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	return st
}

// timed runs op b.N times and reports its p95 in milliseconds.
func timed(b *testing.B, op func() error) {
	b.Helper()
	durations := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		if err := op(); err != nil {
			b.Fatal(err)
		}
		durations = append(durations, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(durations)
	p95 := durations[min(len(durations)-1, len(durations)*95/100)]
	b.ReportMetric(float64(p95.Microseconds())/1000, "p95-ms")
}

func BenchmarkScaleLedger(b *testing.B) {
	st := openBench(b)
	ctx := context.Background()
	today := time.Now().Format(time.DateOnly)
	page := func(f store.Filter) func() error {
		return func() error { _, err := st.ListSlips(ctx, f); return err }
	}
	// deep walks pages pages into f's order and returns the cursor there.
	deep := func(b *testing.B, f store.Filter, pages int) store.Filter {
		for range pages {
			p, err := st.ListSlips(ctx, f)
			if err != nil {
				b.Fatal(err)
			}
			if p.NextCursor == "" {
				break
			}
			f.Cursor = p.NextCursor
		}
		return f
	}
	big := store.Filter{VisibleTo: benchBigDepartment}
	b.Run("department-first-page", func(b *testing.B) { timed(b, page(big)) })
	b.Run("department-page-100", func(b *testing.B) { timed(b, page(deep(b, big, 100))) })
	b.Run("small-department-first-page", func(b *testing.B) { timed(b, page(store.Filter{VisibleTo: benchSmallDepartment})) })
	byDue := store.Filter{VisibleTo: benchBigDepartment, Sort: store.SortDue}
	b.Run("department-by-due-page-50", func(b *testing.B) { timed(b, page(deep(b, byDue, 50))) })
	b.Run("office-first-page", func(b *testing.B) { timed(b, page(store.Filter{})) })
	b.Run("office-overdue-by-due", func(b *testing.B) {
		timed(b, page(store.Filter{OverdueOn: today, Sort: store.SortDue}))
	})
	b.Run("office-keyword", func(b *testing.B) { timed(b, page(store.Filter{Query: "老旧小区改造"})) })
	b.Run("office-keyword-2-chars", func(b *testing.B) { timed(b, page(store.Filter{Query: "扬尘"})) })
	b.Run("department-keyword", func(b *testing.B) {
		timed(b, page(store.Filter{VisibleTo: benchBigDepartment, Query: "加装电梯"}))
	})
}

func BenchmarkScaleStats(b *testing.B) {
	st := openBench(b)
	ctx := context.Background()
	year := time.Now().Year()
	from, to := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly), time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	today := time.Now().Format(time.DateOnly)
	closure := func(q stats.Query) func() error {
		q.From, q.To, q.Today, q.YellowBy = from, to, today, today
		return func() error { _, err := st.ClosureStats(ctx, q); return err }
	}
	b.Run("department-year-by-month", func(b *testing.B) {
		timed(b, closure(stats.Query{GroupBy: stats.GroupByMonth, Lead: benchBigDepartment}))
	})
	b.Run("department-summary-as-department", func(b *testing.B) {
		timed(b, closure(stats.Query{GroupBy: stats.GroupByAll, VisibleTo: benchBigDepartment}))
	})
	b.Run("all-departments-year", func(b *testing.B) { timed(b, closure(stats.Query{GroupBy: stats.GroupByDepartment})) })
	b.Run("office-summary-year", func(b *testing.B) { timed(b, closure(stats.Query{GroupBy: stats.GroupByAll})) })
	b.Run("monthly-ranking", func(b *testing.B) {
		p, err := ranking.PeriodOf(time.Now().AddDate(0, -1, 0).Format("2006-01"), calendar.DateOf(time.Now()))
		if err != nil {
			b.Fatal(err)
		}
		timed(b, func() error { _, err := ranking.Build(ctx, st, p, ranking.DefaultWeights()); return err })
	})
}
