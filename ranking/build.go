package ranking

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/stats"
)

// Ledger is what a ranking reads and writes: the closure statistics, the
// month's adjustments and the published snapshots (*store.Store).
type Ledger interface {
	// ClosureStats counts slips per group.
	ClosureStats(ctx context.Context, q stats.Query) ([]stats.Row, error)
	// RankingAdjustments lists a month's adjustments in the order made.
	RankingAdjustments(ctx context.Context, month string) ([]stats.Adjustment, error)
	// PublishRanking stores the month's ranking that build computes, in one
	// transaction with it, unless one is already published; it reports
	// whether this call published.
	PublishRanking(ctx context.Context, month string, takenAt time.Time, build func(ctx context.Context) (string, error)) (bool, error)
	// RankingSnapshot returns the month's published ranking, or an error
	// wrapping stats.ErrNoSnapshot.
	RankingSnapshot(ctx context.Context, month string) (string, time.Time, error)
}

// QualityLedger is a Ledger that also counts grades and 回头看 results
// (*store.Store does); Build scores them when the ledger can.
type QualityLedger interface {
	RankingQuality(ctx context.Context, from, to string) (map[string]stats.Quality, error)
}

// Where a ranking comes from.
const (
	SourceSnapshot = "snapshot" // published at month end, frozen
	SourceLive     = "live"     // computed from the ledger as it stands now
)

// Published is a ranking as served: a frozen snapshot or a live computation.
type Published struct {
	Ranking
	Source  string     `json:"source"`
	TakenAt *time.Time `json:"taken_at"`
}

// PeriodOf is the period month's ranking covers: slips issued from the
// first of January of its year to its last day (the year to date, as
// supervision offices report 累计交办/累计办结), with overdue work counted as
// of the first day after it, or today while the month runs. It refuses a
// malformed month (400) and one that has not begun (422).
func PeriodOf(month string, today calendar.Date) (Period, error) {
	first, err := time.Parse("2006-01", month)
	if err != nil || first.Year() < 2000 {
		return Period{}, slip.Invalid("month", "月份格式应为 YYYY-MM，收到 %q", month)
	}
	start := calendar.Date{Year: first.Year(), Month: first.Month(), Day: 1}
	if today.Before(start) {
		return Period{}, slip.Unprocessable("month_not_started", "month", "%s 尚未开始，没有排名", month)
	}
	next := start.AddDays(32)
	next = calendar.Date{Year: next.Year, Month: next.Month, Day: 1}
	asOf := next
	if today.Before(next) {
		asOf = today
	}
	return Period{Month: month, From: fmt.Sprintf("%04d-01-01", start.Year), To: next.AddDays(-1).String(), AsOf: asOf.String()}, nil
}

// Build computes the ranking of p from the ledger as it stands.
func Build(ctx context.Context, st Ledger, p Period, w Weights) (Ranking, error) {
	rows, err := st.ClosureStats(ctx, stats.Query{GroupBy: stats.GroupByDepartment, From: p.From, To: p.To, Today: p.AsOf, YellowBy: p.AsOf})
	if err != nil {
		return Ranking{}, fmt.Errorf("ranking of %s: %w", p.Month, err)
	}
	adj, err := st.RankingAdjustments(ctx, p.Month)
	if err != nil {
		return Ranking{}, fmt.Errorf("ranking of %s: %w", p.Month, err)
	}
	var quality map[string]stats.Quality
	if ql, ok := st.(QualityLedger); ok {
		if quality, err = ql.RankingQuality(ctx, p.From, p.To); err != nil {
			return Ranking{}, fmt.Errorf("ranking of %s: %w", p.Month, err)
		}
	}
	var tracks map[string]TrackCounts
	if tl, ok := st.(TrackLedger); ok {
		if tracks, err = tl.RankingTracks(ctx, p.From, p.To, p.AsOf); err != nil {
			return Ranking{}, fmt.Errorf("ranking of %s: %w", p.Month, err)
		}
	}
	return ComputeWithTracks(p, w, rows, adj, quality, tracks), nil
}

// Publish freezes the ranking of a month that has ended, as of at. A month
// already published keeps its first publication; Publish then reports false.
func Publish(ctx context.Context, st Ledger, month string, at time.Time, w Weights) (bool, error) {
	p, err := PeriodOf(month, calendar.DateOf(at))
	if err != nil {
		return false, err
	}
	if p.AsOf <= p.To {
		return false, slip.Unprocessable("month_not_ended", "month", "%s 尚未结束，月底后才能发布排名", month)
	}
	return st.PublishRanking(ctx, month, at, func(ctx context.Context) (string, error) {
		r, err := Build(ctx, st, p, w)
		if err != nil {
			return "", err
		}
		taken := at.UTC()
		b, err := json.Marshal(Published{Ranking: r, Source: SourceSnapshot, TakenAt: &taken})
		if err != nil {
			return "", fmt.Errorf("encode ranking of %s: %w", month, err)
		}
		return string(b), nil
	})
}

// Get returns month's published ranking, or, when none was published, the
// ranking computed live from the ledger as of now.
func Get(ctx context.Context, st Ledger, month string, now time.Time, w Weights) (Published, error) {
	p, err := PeriodOf(month, calendar.DateOf(now))
	if err != nil {
		return Published{}, err
	}
	body, _, err := st.RankingSnapshot(ctx, month)
	switch {
	case err == nil:
		var out Published
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			return Published{}, fmt.Errorf("decode published ranking of %s: %w", month, err)
		}
		return out, nil
	case !errors.Is(err, stats.ErrNoSnapshot):
		return Published{}, err
	}
	r, err := Build(ctx, st, p, w)
	if err != nil {
		return Published{}, err
	}
	return Published{Ranking: r, Source: SourceLive}, nil
}

// SlipScores gives, for a month, each department's slip-handling score
// (BaseScore: the composite before the office's adjustments) as of now,
// leaving out the departments with nothing measurable (暂无数据): the slip
// component of the 晒比 lists (lists.SlipScores).
func SlipScores(st Ledger, w Weights, now func() time.Time) func(ctx context.Context, month string) (map[string]float64, error) {
	return func(ctx context.Context, month string) (map[string]float64, error) {
		p, err := PeriodOf(month, calendar.DateOf(now()))
		if err != nil {
			return nil, err
		}
		r, err := Build(ctx, st, p, w.OrDefault())
		if err != nil {
			return nil, err
		}
		out := map[string]float64{}
		for _, e := range r.Entries {
			if !e.NoData {
				out[e.Department] = e.BaseScore
			}
		}
		return out, nil
	}
}
