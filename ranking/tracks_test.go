package ranking_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/ranking"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/stats"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
)

// withParts issues one slip led by lead with co-units co (each co-unit's
// part due coDue when given), every unit with its part, due 10-23, and runs
// steps on it.
func (l *ledger) withParts(lead string, co []string, coDue string, steps ...func(*slip.Slip) (slip.Event, error)) {
	l.t.Helper()
	l.n++
	d := slip.Draft{Title: "事项", Content: "内容", Source: "擂台", Batch: "十月擂台", Category: "营商环境",
		Priority: slip.PriorityNormal, LeadDepartment: lead, CoDepartments: co, Leader: "李副市长", Deadline: calendar.MustParseDate("2026-10-23")}
	if coDue != "" {
		d.CoDeadlines = map[string]calendar.Date{}
		for _, c := range co {
			d.CoDeadlines[c] = calendar.MustParseDate(coDue)
		}
	}
	sl := slip.Slip{ID: fmt.Sprintf("%s-%d", lead, l.n), Draft: d, Deadline: d.Deadline, IssuedAt: issued, IssuedBy: "督查室",
		Status: slip.StatusIssued, Seq: 1, UpdatedAt: issued}
	sl.Tracks = slip.NewTracks(d, issued, calendar.MustParseDate("2026-10-13"))
	sl.StartIssued()
	_, err := l.st.RecordIssued(ctx, sl)
	require.NoError(l.t, err)
	for _, step := range steps {
		ev, err := step(&sl)
		require.NoError(l.t, err)
		require.NoError(l.t, l.st.Project(ctx, sl, ev))
	}
}

// part is a track action by or on unit dept at an instant.
func part(a slip.Action, dept, to string, at time.Time) func(*slip.Slip) (slip.Event, error) {
	return func(s *slip.Slip) (slip.Event, error) {
		cmd := slip.Command{Action: a, Actor: "办事员", TrackFields: slip.TrackFields{Department: dept, NewDepartment: to}}
		switch a {
		case slip.ActionRefuse:
			cmd.Reason = "职责不符"
		case slip.ActionCompletePart:
			cmd.Summary = "协办意见已报"
		case slip.ActionReassign:
			cmd.TrackFields.RefuseBy = calendar.MustParseDate("2026-10-14")
		}
		return s.Apply(cmd, at)
	}
}

// TestRefusingDoesNotPayAndSilentCoUnitsRank: keep does all four of its
// slips, one late; refuser does three on time and refuses the fourth, which
// the office gives to taker. Refusing must not pay: refuser ranks below
// keep. silent, a co-unit that leads nothing and never answers its part,
// is ranked (last, on the 黑榜); helper, a co-unit that finished its part,
// is ranked on it. Exact scores and ranks, on both databases.
func TestRefusingDoesNotPayAndSilentCoUnitsRank(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		for _, d := range []string{"keep", "refuser", "taker", "lagger", "silent", "helper"} {
			_, err := st.CreateDepartment(ctx, slip.Department{Code: d, Name: "单位" + d})
			require.NoError(t, err)
		}
		l := &ledger{t: t, st: st}
		ack, resolve, pass, sign := slip.ActionAcknowledge, slip.ActionResolve, slip.ActionPassReview, slip.ActionSignOff
		onTime := []func(*slip.Slip) (slip.Event, error){act(ack, day(9, 10)), act(resolve, day(16, 10)), act(pass, day(19, 10)), act(sign, day(20, 10))}
		// keep: four slips, the first with helper as co-unit (done on day 12), the last resolved late.
		l.withParts("keep", []string{"helper"}, "", part(slip.ActionCoAcknowledge, "helper", "", day(9, 11)), act(ack, day(9, 12)),
			part(slip.ActionCompletePart, "helper", "", day(12, 10)), act(resolve, day(16, 10)), act(pass, day(19, 10)), act(sign, day(20, 10)))
		l.withParts("keep", nil, "", onTime...)
		l.withParts("keep", nil, "", onTime...)
		l.withParts("keep", nil, "", act(ack, day(9, 10)), act(resolve, day(27, 10)), act(pass, day(28, 10)), act(sign, day(29, 10)))
		// refuser: three on time, the fourth refused and reassigned to taker, who does it on time.
		for range 3 {
			l.withParts("refuser", nil, "", onTime...)
		}
		l.withParts("refuser", nil, "", part(slip.ActionRefuse, "refuser", "", day(9, 11)),
			part(slip.ActionReassign, "refuser", "taker", day(12, 9)),
			act(ack, day(12, 10)), act(resolve, day(16, 10)), act(pass, day(19, 10)), act(sign, day(20, 10)))
		// lagger: one slip on time; another with silent as co-unit, due 10-16, that silent never answers.
		l.withParts("lagger", nil, "", onTime...)
		l.withParts("lagger", []string{"silent"}, "2026-10-16", act(ack, day(9, 10)))

		now := time.Date(2026, 11, 1, 0, 5, 0, 0, calendar.Zone)
		r, err := ranking.Get(ctx, st, "2026-10", now, ranking.DefaultWeights())
		require.NoError(t, err)
		by := map[string]ranking.Entry{}
		var order []string
		var scores []float64
		var ranks []int
		for _, e := range r.Entries {
			by[e.Department] = e
			order = append(order, e.Department)
			scores = append(scores, e.Score)
			ranks = append(ranks, e.Rank)
		}
		// taker: every component 100; helper: 回退 100, co parts 100 (a
		// tie, taker first on its closure rate).
		// keep: (40×100 + 25×75 + 10×100 + 15×100 + 10×100 + 10×100) / 110 = 94.3.
		// refuser: the refused slip counts as not closed (closure 3/4) and
		// 回退率 1/4: (40×75 + 25×100 + 10×100 + 15×100 + 10×100 + 10×75) / 110 = 88.6.
		// lagger: closure 1/2, one overdue: (2000 + 2500 + 1000 + 1500 + 800 + 1000) / 110 = 80.
		// silent: co part overdue (0), no refusal (100): (15×0 + 10×100) / 25 = 40.
		assert.Equal(t, []string{"taker", "helper", "keep", "refuser", "lagger", "silent"}, order)
		assert.Equal(t, []float64{100, 100, 94.3, 88.6, 80, 40}, scores)
		assert.Equal(t, []int{1, 1, 3, 4, 5, 6}, ranks)
		assert.Equal(t, 75.0, *by["refuser"].ClosureRate, "the refused slip counts against its closure rate")
		assert.Equal(t, 25.0, *by["refuser"].RefusalRate)
		assert.EqualValues(t, 4, by["refuser"].PartsReceived)
		assert.EqualValues(t, 1, by["refuser"].Refusals)
		assert.Equal(t, 0.0, *by["keep"].RefusalRate)
		assert.EqualValues(t, 1, by["silent"].CoParts)
		assert.EqualValues(t, 1, by["silent"].CoOverdue)
		assert.Equal(t, "单位silent", by["silent"].DepartmentName)
		assert.Nil(t, by["silent"].ClosureRate, "silent leads nothing")
		assert.Equal(t, []string{"silent"}, departments(r.BlackList), "six ranked: the top five are red")
	})
}

// TestRefusalAndCoWeightsAreConfigurable: with the two new weights at 0 a
// refusal still costs the closure rate, and a co-unit's parts no longer
// score it (only its 回退率 would, weighted 0: it is ranked on nothing, so
// scores 0).
func TestRefusalAndCoWeightsAreConfigurable(t *testing.T) {
	p := ranking.Period{Month: "2026-10", From: "2026-01-01", To: "2026-10-31", AsOf: "2026-11-01"}
	w := ranking.DefaultWeights()
	w.Refusal, w.CoOverdue = 0, 0
	rows := []stats.Row{row("a", 4, 4, 4, 0), row("r", 3, 3, 3, 0)}
	tracks := map[string]ranking.TrackCounts{
		"a": {Department: "a", Received: 4},
		"r": {Department: "r", Received: 4, Refusals: 1, LeadGivenUp: 1},
	}
	got := ranking.ComputeWithTracks(p, w, rows, nil, nil, tracks)
	require.Len(t, got.Entries, 2)
	assert.Equal(t, "a", got.Entries[0].Department)
	assert.Equal(t, 100.0, got.Entries[0].Score)
	// r: closure 3/4 = 75: (40×75 + 25×100 + 10×100 + 15×100 + 10×100) / 100 = 90.
	assert.Equal(t, 90.0, got.Entries[1].Score)
	w.Refusal = 100
	got = ranking.ComputeWithTracks(p, w, rows, nil, nil, tracks)
	// r: (9000 + 100×75) / 200 = 82.5.
	assert.Equal(t, 82.5, got.Entries[1].Score)
	require.NoError(t, w.Validate())
	w.CoOverdue = -1
	assert.Error(t, w.Validate())
}
