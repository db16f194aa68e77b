package scoring_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/duban-gov/duban/scoring"
)

func TestPoints(t *testing.T) {
	for s, want := range map[string]scoring.Points{"9.88": 988, "5.5": 550, "10": 1000, "0.01": 1} {
		p, err := scoring.ParsePoints("score", s)
		require.NoError(t, err, s)
		assert.Equal(t, want, p, s)
	}
	for _, s := range []string{"9.885", "abc", "", "NaN"} {
		_, err := scoring.ParsePoints("score", s)
		assert.Error(t, err, s)
	}
	b, err := json.Marshal([]scoring.Points{988, 550})
	require.NoError(t, err)
	assert.JSONEq(t, `[9.88, 5.5]`, string(b))
	var back []scoring.Points
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, []scoring.Points{988, 550}, back)
	assert.Error(t, json.Unmarshal([]byte(`[9.881]`), &back))
}

func TestRankTiesAndChecks(t *testing.T) {
	tasks := []scoring.Task{{Name: "a", Max: 1000}, {Name: "b", Max: 500}}
	assert.NoError(t, scoring.ValidateTasks(tasks))
	assert.Error(t, scoring.ValidateTasks(append(tasks, scoring.Task{Name: "a", Max: 1})))
	assert.Error(t, scoring.CheckScores(tasks, []scoring.Points{1001, 0}))
	assert.Error(t, scoring.CheckScores(tasks, []scoring.Points{1}))
	r := scoring.Rank(scoring.Sheet{Tasks: tasks, Members: []scoring.Member{{Code: "x"}, {Code: "y"}, {Code: "z"}, {Code: "w"}},
		Scores: map[string][]scoring.Points{"x": {900, 400}, "y": {1000, 300}, "z": {1000, 500}}})
	var got []string
	for _, row := range r.Rows {
		got = append(got, row.Member+":"+row.Total.String())
	}
	assert.Equal(t, []string{"z:15.00", "x:13.00", "y:13.00", "w:0.00"}, got)
	assert.Equal(t, []int{1, 2, 2, 0}, []int{r.Rows[0].Rank, r.Rows[1].Rank, r.Rows[2].Rank, r.Rows[3].Rank})
}
