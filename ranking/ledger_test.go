package ranking_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/ranking"
	"github.com/duban-gov/duban/stats"
)

// memLedger is a Ledger in memory: the ranking needs no database to build,
// publish and serve a month.
type memLedger struct {
	rows      []stats.Row
	adj       []stats.Adjustment
	asked     []stats.Query
	snapshots map[string]string
}

func (l *memLedger) ClosureStats(_ context.Context, q stats.Query) ([]stats.Row, error) {
	l.asked = append(l.asked, q)
	return l.rows, nil
}

func (l *memLedger) RankingAdjustments(_ context.Context, month string) ([]stats.Adjustment, error) {
	var out []stats.Adjustment
	for _, a := range l.adj {
		if a.Month == month {
			out = append(out, a)
		}
	}
	return out, nil
}

func (l *memLedger) PublishRanking(ctx context.Context, month string, _ time.Time, build func(context.Context) (string, error)) (bool, error) {
	if _, ok := l.snapshots[month]; ok {
		return false, nil
	}
	body, err := build(ctx)
	if err != nil {
		return false, err
	}
	l.snapshots[month] = body
	return true, nil
}

func (l *memLedger) RankingSnapshot(_ context.Context, month string) (string, time.Time, error) {
	body, ok := l.snapshots[month]
	if !ok {
		return "", time.Time{}, fmt.Errorf("snapshot of %s: %w", month, stats.ErrNoSnapshot)
	}
	return body, time.Time{}, nil
}

// TestBuildPublishAndGetThroughALedger: the month's ranking is computed live
// from the year to date until it is published, then served frozen, and the
// statistics are asked for by lead department over the ranking's period.
func TestBuildPublishAndGetThroughALedger(t *testing.T) {
	l := &memLedger{snapshots: map[string]string{},
		rows: []stats.Row{row("a", 10, 10, 10, 0), row("b", 10, 5, 5, 0)},
		adj:  []stats.Adjustment{{Month: "2026-10", Department: "b", Points: 25, Reason: "防汛表现突出"}, {Month: "2026-11", Department: "a", Points: -50}}}
	w := ranking.DefaultWeights()

	live, err := ranking.Get(ctx, l, "2026-10", day(30, 9), w)
	require.NoError(t, err)
	assert.Equal(t, ranking.SourceLive, live.Source)
	assert.Equal(t, []string{"b", "a"}, departments(live.Entries), "b's 加分 puts it first: 80 + 25 > 100")
	assert.Equal(t, stats.Query{GroupBy: stats.GroupByDepartment, From: "2026-01-01", To: "2026-10-31", Today: "2026-10-30", YellowBy: "2026-10-30"}, l.asked[0])

	_, err = ranking.Publish(ctx, l, "2026-10", day(30, 9), w)
	require.Error(t, err, "October has not ended")
	at := time.Date(2026, 11, 1, 0, 5, 0, 0, calendar.Zone)
	published, err := ranking.Publish(ctx, l, "2026-10", at, w)
	require.NoError(t, err)
	assert.True(t, published)

	l.rows = []stats.Row{row("a", 10, 0, 0, 9)} // the ledger moves on; the snapshot does not
	frozen, err := ranking.Get(ctx, l, "2026-10", at.Add(time.Hour), w)
	require.NoError(t, err)
	assert.Equal(t, ranking.SourceSnapshot, frozen.Source)
	assert.Equal(t, []string{"b", "a"}, departments(frozen.Entries))
	assert.Equal(t, 105.0, frozen.Entries[0].Score)
}

func departments(es []ranking.Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Department
	}
	return out
}
