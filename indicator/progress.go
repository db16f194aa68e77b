package indicator

import "math"

// Colour is the 三色 of a unit's progress on an indicator, against the
// time-proportional target.
type Colour string

// The colours.
const (
	Green  Colour = "green"  // at or ahead of the time-proportional target
	Yellow Colour = "yellow" // behind it by less than YellowBand
	Red    Colour = "red"    // further behind
	None   Colour = "none"   // nothing reported: 暂无数据
)

// YellowBand is how far behind the time-proportional target a unit may be,
// in percent of it, and still be yellow rather than red.
const YellowBand = 10.0

// Progress is how far one unit has come on one indicator by the end of one
// month. Pointers are nil when there is nothing to compare (no value
// reported, no target set).
type Progress struct {
	Indicator    string   `json:"indicator_code"`
	Unit         string   `json:"unit_code"`
	Month        string   `json:"month"`
	Actual       *float64 `json:"actual"`
	Target       *float64 `json:"target"`        // the month's own target, else its quarter's, else its year's
	TargetPeriod string   `json:"target_period"` // which of them
	// Expected is the share of Target that should be reached by the
	// month's end: for a cumulative indicator, a year's target × months
	// gone ÷ 12 (a quarter's × months gone in it ÷ 3); otherwise Target.
	Expected   *float64 `json:"expected"`
	Completion *float64 `json:"completion"` // Actual against Target, percent
	Pace       *float64 `json:"pace"`       // Actual against Expected, percent: what 三色 reads
	Colour     Colour   `json:"colour"`
}

// Measure computes a unit's progress on ind in month from the indicator's
// targets (period → value) and the value the unit reported (nil: none).
func Measure(ind Indicator, month Period, targets map[string]float64, actual *float64) Progress {
	p := Progress{Indicator: ind.Code, Month: month.String(), Actual: actual, Colour: None}
	var (
		target float64
		share  = 1.0
		found  bool
	)
	for _, c := range []struct {
		period Period
		share  float64
	}{
		{month, 1},
		{month.QuarterOf(), float64((month.Index-1)%3+1) / 3},
		{month.YearOf(), float64(month.Index) / 12},
	} {
		if v, ok := targets[c.period.String()]; ok {
			target, found, p.TargetPeriod = v, true, c.period.String()
			if ind.Cumulative {
				share = c.share
			}
			break
		}
	}
	if !found {
		return p
	}
	expected := target * share
	p.Target, p.Expected = &target, &expected
	if actual == nil {
		return p
	}
	completion := round2(attainment(ind.Direction, *actual, target))
	pace := round2(attainment(ind.Direction, *actual, expected))
	p.Completion, p.Pace = &completion, &pace
	switch {
	case pace >= 100:
		p.Colour = Green
	case pace >= 100-YellowBand:
		p.Colour = Yellow
	default:
		p.Colour = Red
	}
	return p
}

// attainment is how much of goal the actual value reaches, in percent: the
// ratio for a higher-is-better indicator, its inverse for a lower-is-better
// one. A goal of 0 or below (a lower-is-better 0 accidents, or a shrinking
// target) is met (100) or missed (0).
func attainment(d Direction, actual, goal float64) float64 {
	if goal <= 0 {
		if (d == Higher && actual >= goal) || (d == Lower && actual <= goal) {
			return 100
		}
		return 0
	}
	if d == Higher {
		return 100 * actual / goal
	}
	if actual <= 0 {
		return 100 + YellowBand // nothing where some was allowed: ahead
	}
	return 100 * goal / actual
}

// round2 rounds half away from zero to two decimals.
func round2(v float64) float64 { return math.Round(v*100) / 100 }
