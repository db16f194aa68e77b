package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/ranking"
	"github.com/duban-gov/duban/stats"
	"github.com/duban-gov/duban/store"
)

// withoutParts is the store as a ranking ledger that counts closure and
// quality but not parts: the ranking as it was before them.
type withoutParts struct{ st *store.Store }

func (l withoutParts) ClosureStats(ctx context.Context, q stats.Query) ([]stats.Row, error) {
	return l.st.ClosureStats(ctx, q)
}

func (l withoutParts) RankingAdjustments(ctx context.Context, month string) ([]stats.Adjustment, error) {
	return l.st.RankingAdjustments(ctx, month)
}

func (l withoutParts) PublishRanking(ctx context.Context, month string, at time.Time, build func(context.Context) (string, error)) (bool, error) {
	return l.st.PublishRanking(ctx, month, at, build)
}

func (l withoutParts) RankingSnapshot(ctx context.Context, month string) (string, time.Time, error) {
	return l.st.RankingSnapshot(ctx, month)
}

func (l withoutParts) RankingQuality(ctx context.Context, from, to string) (map[string]stats.Quality, error) {
	return l.st.RankingQuality(ctx, from, to)
}

var _ ranking.Ledger = withoutParts{}

// BenchmarkScaleOwnPart measures a department's own ledger filtered by the
// colour and overdue of its own part (slip_tracks, migration 0090) and the
// ranking's count of every unit's parts over the year, on the seeded ledger
// of BenchmarkScaleLedger (`duban seed` gives every slip its units' parts
// and plays the co-units' part of its life).
func BenchmarkScaleOwnPart(b *testing.B) {
	st := openBench(b)
	ctx := context.Background()
	now := time.Now().In(calendar.Zone)
	today := now.Format(time.DateOnly)
	yellowBy := now.AddDate(0, 0, 3).Format(time.DateOnly)
	page := func(f store.Filter) func() error {
		f.Today, f.YellowBy = today, yellowBy
		return func() error { _, err := st.ListSlips(ctx, f); return err }
	}
	for _, dept := range []string{benchBigDepartment, benchSmallDepartment} {
		for _, colour := range []string{"red", "yellow", "green"} {
			b.Run(dept+"-"+colour, func(b *testing.B) { timed(b, page(store.Filter{VisibleTo: dept, Colour: colour})) })
		}
		b.Run(dept+"-overdue", func(b *testing.B) { timed(b, page(store.Filter{VisibleTo: dept, OverdueOn: today})) })
		b.Run(dept+"-slip-red-office", func(b *testing.B) { timed(b, page(store.Filter{Department: dept, Colour: "red"})) })
	}
	// The monthly ranking with and without its parts (a ledger that only
	// counts closure and quality, as before parts).
	p, err := ranking.PeriodOf(now.AddDate(0, -1, 0).Format("2006-01"), calendar.DateOf(now))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("monthly-ranking-with-parts", func(b *testing.B) {
		timed(b, func() error { _, err := ranking.Build(ctx, st, p, ranking.DefaultWeights()); return err })
	})
	b.Run("monthly-ranking-without-parts", func(b *testing.B) {
		timed(b, func() error { _, err := ranking.Build(ctx, withoutParts{st}, p, ranking.DefaultWeights()); return err })
	})
	b.Run("ranking-parts-year", func(b *testing.B) {
		from := time.Date(now.Year(), 1, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
		timed(b, func() error { _, err := st.RankingTracks(ctx, from, today, today); return err })
	})
}
