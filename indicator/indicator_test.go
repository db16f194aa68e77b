package indicator_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/duban-gov/duban/indicator"
	"github.com/duban-gov/duban/slip"
)

func f(v float64) *float64 { return &v }

func TestMeasureAgainstTheTimeProportionalTarget(t *testing.T) {
	nov, err := indicator.ParseMonth("2026-11")
	require.NoError(t, err)
	income := indicator.Indicator{Code: "income", Name: "村集体经济增收", Direction: indicator.Higher, Cumulative: true, Departments: []string{"a"}}
	year := map[string]float64{"2026": 600}
	for _, tc := range []struct {
		actual     float64
		completion float64
		pace       float64
		colour     indicator.Colour
	}{
		{550, 91.67, 100, indicator.Green}, // 11/12 of 600 is due by November
		{500, 83.33, 90.91, indicator.Yellow},
		{440, 73.33, 80, indicator.Red},
	} {
		p := indicator.Measure(income, nov, year, f(tc.actual))
		assert.Equal(t, 550.0, *p.Expected)
		assert.Equal(t, "2026", p.TargetPeriod)
		assert.Equal(t, tc.completion, *p.Completion, tc.actual)
		assert.Equal(t, tc.pace, *p.Pace, tc.actual)
		assert.Equal(t, tc.colour, p.Colour, tc.actual)
	}
	// A quarter's target, two months into the quarter: 2/3 due.
	q := indicator.Measure(income, nov, map[string]float64{"2026-Q4": 300, "2026": 600}, f(200))
	assert.Equal(t, "2026-Q4", q.TargetPeriod)
	assert.Equal(t, 200.0, *q.Expected)
	assert.Equal(t, indicator.Green, q.Colour)
	// Lower is better, not cumulative: 25 days against 20 is 80%.
	days := indicator.Indicator{Code: "days", Direction: indicator.Lower}
	d := indicator.Measure(days, nov, map[string]float64{"2026": 20}, f(25))
	assert.Equal(t, 80.0, *d.Pace)
	assert.Equal(t, indicator.Red, d.Colour)
	// Nothing reported: no colour.
	assert.Equal(t, indicator.None, indicator.Measure(days, nov, map[string]float64{"2026": 20}, nil).Colour)
	assert.Nil(t, indicator.Measure(days, nov, nil, f(3)).Completion, "no target")
}

func TestTargetsAndPeriods(t *testing.T) {
	ratio := indicator.Indicator{Code: "r", Name: "化解率", Ratio: true}
	err := slip.AsError(indicator.CheckTarget(ratio, indicator.Target{Period: "2026", Value: 0}))
	require.NotNil(t, err)
	assert.Equal(t, indicator.CodeZeroRatioTarget, err.Code)
	assert.Equal(t, slip.KindUnprocessable, err.Kind)
	assert.NoError(t, indicator.CheckTarget(indicator.Indicator{Code: "n"}, indicator.Target{Period: "2026-Q4", Value: 0}))
	for _, s := range []string{"2026-11", "2026-Q4", "2026"} {
		p, err := indicator.ParsePeriod(s)
		require.NoError(t, err)
		assert.Equal(t, s, p.String())
	}
	for _, s := range []string{"2026-13", "2026-Q5", "26", "", "2026-1"} {
		_, err := indicator.ParsePeriod(s)
		assert.Error(t, err, s)
	}
	_, err2 := indicator.ParseMonth("2026")
	assert.Error(t, err2)
}
