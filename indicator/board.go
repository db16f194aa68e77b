package indicator

import "slices"

// Point is one month of a unit's trend on an indicator.
type Point struct {
	Month  string   `json:"month"`
	Actual *float64 `json:"actual"`
	Pace   *float64 `json:"pace"`
}

// BoardRow is one indicator and one responsible unit on the indicator board
// (指标看板): the month's progress and the year's trend up to it.
type BoardRow struct {
	Indicator Indicator `json:"indicator"`
	Progress
	Trend []Point `json:"trend"`
}

// Board lays out the board for month: every indicator × each of its
// responsible units (only unit, when not empty), from the targets
// (indicator → period → value) and the values in force of each month of
// the year up to month (month → values).
func Board(inds []Indicator, targets map[string]map[string]float64, values map[string][]Value, month Period, unit string) []BoardRow {
	type key struct{ ind, unit, month string }
	got := map[key]float64{}
	for m, vs := range values {
		for _, v := range vs {
			got[key{v.Indicator, v.Unit, m}] = v.Value
		}
	}
	rows := []BoardRow{}
	for _, ind := range inds {
		for _, u := range ind.Departments {
			if unit != "" && u != unit {
				continue
			}
			row := BoardRow{Indicator: ind, Trend: []Point{}}
			for i := 1; i <= month.Index; i++ {
				m := Period{Kind: Month, Year: month.Year, Index: i}
				var actual *float64
				if v, ok := got[key{ind.Code, u, m.String()}]; ok {
					actual = &v
				}
				p := Measure(ind, m, targets[ind.Code], actual)
				row.Trend = append(row.Trend, Point{Month: m.String(), Actual: actual, Pace: p.Pace})
				if i == month.Index {
					p.Unit = u
					row.Progress = p
				}
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// Responsible reports whether unit answers for ind.
func (i Indicator) Responsible(unit string) bool { return slices.Contains(i.Departments, unit) }
