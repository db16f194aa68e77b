package ranking_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/duban-gov/duban/ranking"
	"github.com/duban-gov/duban/stats"
)

// TestQualityCountsAgainstTheUnit: two units with the same closure figures;
// the one whose work was graded 不满意 and failed 回头看 ranks lower, and a
// unit with neither grades nor 回头看 keeps the score it had before grading
// existed.
func TestQualityCountsAgainstTheUnit(t *testing.T) {
	p := ranking.Period{Month: "2026-10", From: "2026-01-01", To: "2026-10-31", AsOf: "2026-11-01"}
	w := ranking.DefaultWeights()
	rows := []stats.Row{row("good", 10, 10, 10, 0), row("slipped", 10, 10, 10, 0), row("ungraded", 10, 5, 5, 0)}
	q := map[string]stats.Quality{
		"good":    {Satisfied: 8, Basic: 2, ReinspectPassed: 2},                 // (800+160+200)/12 = 96.7
		"slipped": {Satisfied: 6, Basic: 2, Unsatisfied: 2, ReinspectFailed: 2}, // (600+160)/12 = 63.3
	}
	r := ranking.ComputeWithQuality(p, w, rows, nil, q)
	by := map[string]ranking.Entry{}
	for _, e := range r.Entries {
		by[e.Department] = e
	}
	require.Len(t, by, 3)
	// good: quality (8×100 + 2×80 + 2×100) / 12 = 96.7; the other components 100.
	assert.Equal(t, 96.7, *by["good"].QualityScore)
	assert.Equal(t, round1((100*100+10*(1160.0/12))/110), by["good"].Score)
	// slipped: quality (6×100 + 2×80) / 12 = 63.3.
	assert.Equal(t, 63.3, *by["slipped"].QualityScore)
	assert.Equal(t, int64(2), by["slipped"].Unsatisfied)
	assert.Equal(t, int64(2), by["slipped"].ReinspectFailed)
	assert.Less(t, by["slipped"].Score, by["good"].Score)
	assert.Equal(t, "good", r.Entries[0].Department)
	// ungraded: no quality component, the score of Compute without it (80).
	assert.Nil(t, by["ungraded"].QualityScore)
	assert.Equal(t, 80.0, by["ungraded"].Score)
	assert.Equal(t, ranking.Compute(p, w, rows[2:], nil).Entries[0].Score, by["ungraded"].Score)
}

func round1(v float64) float64 { return float64(int64(v*10+0.5)) / 10 }
