package stats_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/duban-gov/duban/stats"
)

func TestPercent(t *testing.T) {
	cases := []struct {
		n, d int64
		want *float64
	}{
		{305, 313, ptr(97.4)},
		{1, 3, ptr(33.3)},
		{2, 3, ptr(66.7)},
		{1, 8, ptr(12.5)},  // 12.5 exactly
		{1, 16, ptr(6.3)},  // 6.25 rounds half-up
		{1, 40, ptr(2.5)},  // 2.5
		{1, 400, ptr(0.3)}, // 0.25 rounds half-up
		{5, 5, ptr(100.0)},
		{0, 7, ptr(0.0)},
		{1, 0, nil},
	}
	for _, c := range cases {
		got := stats.Percent(c.n, c.d)
		if c.want == nil {
			assert.Nil(t, got, "%d/%d", c.n, c.d)
			continue
		}
		require.NotNil(t, got, "%d/%d", c.n, c.d)
		assert.Equal(t, *c.want, *got, "%d/%d", c.n, c.d)
	}
}

// TestRatesOfARow: each rate divides by what it measures, and a group with
// nothing to measure has no rate rather than 0%.
func TestRatesOfARow(t *testing.T) {
	cases := []struct {
		name                                     string
		row                                      stats.Row
		closure, onTime, ack, rework, avgToClose *float64
	}{
		{"a department with some of everything",
			stats.Row{Assigned: 4, Closed: 2, Cancelled: 1, ClosedOnTime: 1, Acknowledged: 3, AckedOnTime: 3,
				Reviewed: 2, TimedCloses: 2, CloseWorkingDays: 19},
			ptr(66.7), ptr(50.0), ptr(100.0), ptr(0.0), ptr(9.5)},
		{"nothing closed, acknowledged or reviewed", stats.Row{Assigned: 3},
			ptr(0.0), nil, nil, nil, nil},
		{"every slip cancelled", stats.Row{Assigned: 2, Cancelled: 2},
			nil, nil, nil, nil, nil},
		{"sent back twice out of three reviewed", stats.Row{Assigned: 3, Closed: 3, ClosedOnTime: 2, Reviewed: 3, SentBack: 2, SendBacks: 5},
			ptr(100.0), ptr(66.7), nil, ptr(66.7), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.closure, c.row.ClosureRate(), "销号率")
			assert.Equal(t, c.onTime, c.row.OnTimeRate(), "按期办结率")
			assert.Equal(t, c.ack, c.row.AckTimelyRate(), "及时签收率")
			assert.Equal(t, c.rework, c.row.ReworkRate(), "重办率")
			assert.Equal(t, c.avgToClose, c.row.AvgWorkingDaysToClose(), "mean working days to close")
		})
	}
}

func TestGroupByValid(t *testing.T) {
	for _, g := range []stats.GroupBy{stats.GroupByDepartment, stats.GroupByBatch, stats.GroupByCategory, stats.GroupByMonth, stats.GroupByLeader, stats.GroupByAll} {
		assert.True(t, g.Valid(), g)
	}
	assert.False(t, stats.GroupBy("unit").Valid())
	assert.False(t, stats.GroupBy("").Valid())
}

func ptr(f float64) *float64 { return &f }
