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
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/stats"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
)

var ctx = context.Background()

func TestPeriodOf(t *testing.T) {
	day := func(s string) calendar.Date { d, err := calendar.ParseDate(s); require.NoError(t, err); return d }
	for _, tc := range []struct {
		month, today string
		want         ranking.Period
		code         string
	}{
		{"2026-10", "2026-11-23", ranking.Period{Month: "2026-10", From: "2026-01-01", To: "2026-10-31", AsOf: "2026-11-01"}, ""},
		{"2026-11", "2026-11-23", ranking.Period{Month: "2026-11", From: "2026-01-01", To: "2026-11-30", AsOf: "2026-11-23"}, ""},
		{"2026-12", "2027-01-01", ranking.Period{Month: "2026-12", From: "2026-01-01", To: "2026-12-31", AsOf: "2027-01-01"}, ""},
		{"2024-02", "2026-11-23", ranking.Period{Month: "2024-02", From: "2024-01-01", To: "2024-02-29", AsOf: "2024-03-01"}, ""},
		{"2026-12", "2026-11-23", ranking.Period{}, "month_not_started"},
		{"2026-13", "2026-11-23", ranking.Period{}, slip.CodeInvalidField},
		{"202610", "2026-11-23", ranking.Period{}, slip.CodeInvalidField},
		{"", "2026-11-23", ranking.Period{}, slip.CodeInvalidField},
	} {
		got, err := ranking.PeriodOf(tc.month, day(tc.today))
		if tc.code != "" {
			require.Error(t, err, tc.month)
			assert.Equal(t, tc.code, slip.AsError(err).Code, tc.month)
			continue
		}
		require.NoError(t, err, tc.month)
		assert.Equal(t, tc.want, got, tc.month)
	}
}

// row is a department's counts for Compute.
func row(code string, assigned, closed, onTime, overdue int64) stats.Row {
	return stats.Row{Key: code, Label: "单位" + code, Assigned: assigned, Closed: closed, ClosedOnTime: onTime,
		OverdueOpen: overdue, Acknowledged: assigned, AckedOnTime: assigned, Reviewed: closed}
}

func TestComputeScoresRanksAndLists(t *testing.T) {
	p := ranking.Period{Month: "2026-10", From: "2026-01-01", To: "2026-10-31", AsOf: "2026-11-01"}
	w := ranking.DefaultWeights()
	rows := []stats.Row{
		row("a", 10, 10, 10, 0),                  // perfect: 100
		row("b", 10, 5, 5, 0),                    // closure 50 → 40×50+25×100+10×100+15×100+10×100 = 8000/100 = 80
		row("c", 10, 5, 5, 0),                    // the same as b: shares its place
		row("d", 10, 5, 0, 2),                    // on time 0, two overdue: (2000+0+1000+1500+10×60)/100 = 51
		{Key: "gone", Assigned: 2, Cancelled: 2}, // nothing to answer for: not ranked
		{Key: "new", Label: "单位new", Assigned: 1, Acknowledged: 0}, // nothing closed, reviewed or overdue yet
		row("late", 1, 0, 0, 1), // one slip, overdue: 0% closure, measurable
	}
	for i := range 8 {
		rows = append(rows, row(fmt.Sprintf("z%d", i), 10, int64(i), int64(i), 0))
	}
	adj := []stats.Adjustment{
		{Department: "d", Points: 2.5, Reason: "专项工作获省表扬"},
		{Department: "d", Points: -1, Reason: "信息报送迟报"},
		{Department: "gone", Points: 5, Reason: "不在榜上"},
	}
	r := ranking.Compute(p, w, rows, adj)

	byCode := map[string]ranking.Entry{}
	for _, e := range r.Entries {
		byCode[e.Department] = e
	}
	assert.NotContains(t, byCode, "gone")
	assert.Len(t, r.Entries, 14)
	assert.Equal(t, 100.0, byCode["a"].Score)
	assert.Equal(t, 1, byCode["a"].Rank)
	assert.Equal(t, 80.0, byCode["b"].Score)
	assert.Equal(t, byCode["b"].Rank, byCode["c"].Rank, "equal scores share a place")
	assert.Equal(t, 51.0, byCode["d"].BaseScore)
	assert.Equal(t, 1.5, byCode["d"].Adjustment)
	assert.Equal(t, 52.5, byCode["d"].Score)
	// new: nothing has fallen due, so 暂无数据: listed last, unranked.
	assert.True(t, byCode["new"].NoData)
	assert.Equal(t, 0, byCode["new"].Rank)
	// z0 too: ten slips, none closed, none overdue yet.
	assert.True(t, byCode["z0"].NoData)
	// late: closure (0), acknowledgement (100) and overdue (80): (40×0 + 10×100 + 10×80) / 60 = 30.
	assert.False(t, byCode["late"].NoData)
	assert.Equal(t, 30.0, byCode["late"].Score)

	ranked := r.Entries[:len(r.Entries)-2]
	for i := 1; i < len(ranked); i++ {
		assert.GreaterOrEqual(t, r.Entries[i-1].Score, r.Entries[i].Score, "best first")
		if r.Entries[i].Score < r.Entries[i-1].Score {
			assert.Equal(t, i+1, r.Entries[i].Rank)
		}
	}
	codes := func(es []ranking.Entry) (out []string) {
		for _, e := range es {
			out = append(out, e.Department)
		}
		return out
	}
	assert.Equal(t, []string{"a", "z7", "z6", "b", "c", "z5", "z4", "z3", "z2", "z1", "d", "late", "new", "z0"}, codes(r.Entries))
	// b, c and z5 share 4th place: all three go on the red list, not two of them.
	assert.Equal(t, []string{"a", "z7", "z6", "b", "c", "z5"}, codes(r.RedList))
	assert.Equal(t, ranked[len(ranked)-5:], r.BlackList)
	assert.Equal(t, "late", r.BlackList[4].Department, "the worst last: nothing closed, one overdue")
	for _, e := range r.BlackList {
		assert.False(t, e.NoData, "暂无数据 is never on the 黑榜")
	}

	// Fewer than ten departments: the black list never repeats the red one.
	small := ranking.Compute(p, w, rows[:4], nil)
	assert.Len(t, small.RedList, 4)
	assert.Empty(t, small.BlackList)
	assert.Empty(t, ranking.Compute(p, w, nil, nil).Entries)
}

// TestTiesAreListedTogether: the case — four departments tied at
// 97.6 among eight. Counting places, the top five would take two of them
// and the bottom five the other two; instead the whole tie goes on the red
// list (ranked 3rd, within the top five) and the black list keeps only the
// two below it.
func TestTiesAreListedTogether(t *testing.T) {
	p := ranking.Period{Month: "2026-11", From: "2026-01-01", To: "2026-11-30", AsOf: "2026-12-01"}
	var rows []stats.Row
	for _, c := range []string{"a", "b"} { // 100
		rows = append(rows, row(c, 10, 10, 10, 0))
	}
	for _, c := range []string{"t1", "t2", "t3", "t4"} { // closure 94%: 40×94+6000 = 97.6
		rows = append(rows, row(c, 50, 47, 47, 0))
	}
	rows = append(rows, row("y", 10, 8, 8, 0), row("z", 10, 5, 5, 0)) // 92, 80
	r := ranking.Compute(p, ranking.DefaultWeights(), rows, nil)
	var ranks []int
	var scores []float64
	for _, e := range r.Entries {
		ranks = append(ranks, e.Rank)
		scores = append(scores, e.Score)
	}
	assert.Equal(t, []int{1, 1, 3, 3, 3, 3, 7, 8}, ranks)
	assert.Equal(t, []float64{100, 100, 97.6, 97.6, 97.6, 97.6, 92, 80}, scores)
	codes := func(es []ranking.Entry) (out []string) {
		for _, e := range es {
			out = append(out, e.Department)
		}
		return out
	}
	assert.Equal(t, []string{"a", "b", "t1", "t2", "t3", "t4"}, codes(r.RedList))
	assert.Equal(t, []string{"y", "z"}, codes(r.BlackList))

	// Twelve departments: the tie at places 5–8 straddles the red list's
	// edge and goes on it whole; a tie at the bottom goes on the black list
	// whole even past five.
	rows = nil
	for i, sc := range []int64{10, 9, 9, 8, 7, 7, 7, 7, 6, 5, 5, 5} {
		rows = append(rows, row(fmt.Sprintf("u%02d", i), 10, sc, sc, 0))
	}
	r = ranking.Compute(p, ranking.DefaultWeights(), rows, nil)
	ranks = nil
	for _, e := range r.Entries {
		ranks = append(ranks, e.Rank)
	}
	assert.Equal(t, []int{1, 2, 2, 4, 5, 5, 5, 5, 9, 10, 10, 10}, ranks)
	assert.Equal(t, []string{"u00", "u01", "u02", "u03", "u04", "u05", "u06", "u07"}, codes(r.RedList))
	assert.Equal(t, []string{"u08", "u09", "u10", "u11"}, codes(r.BlackList))
}

func TestBoards(t *testing.T) {
	for _, tc := range []struct {
		ranks             []int
		size              int
		redEnd, blackFrom int
	}{
		{[]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 5, 5, 7},
		{[]int{1, 2, 3, 4, 5, 6, 6, 8, 9, 10, 11, 12}, 5, 5, 7}, // the tie's better place from the bottom is 6: not black
		{[]int{1, 2, 3, 4, 5, 6, 7, 7, 9, 10, 11, 12}, 5, 5, 6}, // the tie at 7–8 is within the bottom five whole
		{[]int{1, 1, 1, 1, 1, 1}, 5, 6, 6},                      // all tied: all red, nobody black
		{[]int{1, 2, 3}, 5, 3, 3},
		{[]int{}, 5, 0, 0},
	} {
		red, black := ranking.Boards(tc.ranks, tc.size)
		assert.Equal(t, tc.redEnd, red, "%v red", tc.ranks)
		assert.Equal(t, tc.blackFrom, black, "%v black", tc.ranks)
	}
}

func TestWeightsValidate(t *testing.T) {
	assert.NoError(t, ranking.DefaultWeights().Validate())
	assert.Error(t, ranking.Weights{ClosureRate: -1, OnTimeRate: 1}.Validate())
	assert.Error(t, ranking.Weights{OverduePenalty: 10}.Validate(), "no component weighs anything")
	assert.Equal(t, ranking.DefaultWeights(), ranking.Weights{}.OrDefault())
}

// ledger builds slips through the real state machine and projects them, as
// the workflows do.
type ledger struct {
	t  *testing.T
	st *store.Store
	n  int
}

var issued = time.Date(2026, 10, 9, 9, 0, 0, 0, calendar.Zone) // a Friday

// day is a working day of October 2026 after the National Day holiday.
func day(d int, hour int) time.Time { return time.Date(2026, 10, d, hour, 0, 0, 0, calendar.Zone) }

// slip issues one slip led by dept, due 10-23, and runs steps: each is an
// action at an instant, or a reminder.
func (l *ledger) slip(dept string, steps ...func(*slip.Slip) (slip.Event, error)) {
	l.t.Helper()
	l.n++
	sl := slip.Slip{ID: fmt.Sprintf("%s-%d", dept, l.n), Draft: slip.Draft{Title: "事项", Content: "内容", Source: "擂台",
		Batch: "十月擂台", Category: "营商环境", Priority: slip.PriorityNormal, LeadDepartment: dept, Leader: "李副市长",
		Deadline: calendar.MustParseDate("2026-10-23")}, Deadline: calendar.MustParseDate("2026-10-23"), IssuedAt: issued, IssuedBy: "督查室", Status: slip.StatusIssued, Seq: 1, UpdatedAt: issued}
	_, err := l.st.RecordIssued(ctx, sl)
	require.NoError(l.t, err)
	for _, step := range steps {
		ev, err := step(&sl)
		require.NoError(l.t, err)
		require.NoError(l.t, l.st.Project(ctx, sl, ev))
	}
}

func act(a slip.Action, at time.Time) func(*slip.Slip) (slip.Event, error) {
	return func(s *slip.Slip) (slip.Event, error) {
		cmd := slip.Command{Action: a, Actor: "办事员"}
		switch a {
		case slip.ActionResolve:
			cmd.Summary, cmd.Evidence = "已整改", []string{"整改照片"}
		case slip.ActionSendBack:
			cmd.Comment = "整改不到位"
		}
		return s.Apply(cmd, at)
	}
}

func ackReminder(at time.Time) func(*slip.Slip) (slip.Event, error) {
	return func(s *slip.Slip) (slip.Event, error) {
		ev, ok := s.Remind(slip.Reminder{At: at, Kind: slip.EventAckReminder}, at)
		if !ok {
			return slip.Event{}, fmt.Errorf("acknowledgement reminder did not apply")
		}
		return ev, nil
	}
}

// TestRankingDoesNotRewardGaming: four departments close every slip they
// were given, so their closure rates are all 100%. The one that resolves
// properly ranks first; the one that reports resolution fast but gets sent
// back ranks below it; the one that bounces a slip back and forth ranks
// lower still; the one that ignores slips until reminded and finishes late
// ranks last.
func TestRankingDoesNotRewardGaming(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		for _, d := range []string{"clean", "fast", "bouncer", "late"} {
			_, err := st.CreateDepartment(ctx, slip.Department{Code: d, Name: d})
			require.NoError(t, err)
		}
		l := &ledger{t: t, st: st}
		ack, resolve, pass, back, sign := slip.ActionAcknowledge, slip.ActionResolve, slip.ActionPassReview, slip.ActionSendBack, slip.ActionSignOff
		for range 3 {
			// clean: resolves once, a week in, on time.
			l.slip("clean", act(ack, day(9, 10)), act(resolve, day(16, 10)), act(pass, day(19, 10)), act(sign, day(20, 10)))
			// fast: reports resolution the same day, is sent back, resolves again on time.
			l.slip("fast", act(ack, day(9, 10)), act(resolve, day(9, 15)), act(back, day(12, 10)),
				act(resolve, day(16, 10)), act(pass, day(19, 10)), act(sign, day(20, 10)))
		}
		// bouncer: like fast, but one slip bounces three times before it passes.
		l.slip("bouncer", act(ack, day(9, 10)), act(resolve, day(9, 15)), act(back, day(12, 10)),
			act(resolve, day(12, 15)), act(back, day(13, 10)), act(resolve, day(13, 15)), act(back, day(14, 10)),
			act(resolve, day(16, 10)), act(pass, day(19, 10)), act(sign, day(20, 10)))
		for range 2 {
			l.slip("bouncer", act(ack, day(9, 10)), act(resolve, day(9, 15)), act(back, day(12, 10)),
				act(resolve, day(16, 10)), act(pass, day(19, 10)), act(sign, day(20, 10)))
		}
		// late: signs for slips only after the reminder and resolves after the deadline.
		for range 3 {
			l.slip("late", ackReminder(day(12, 9)), act(ack, day(13, 10)), act(resolve, day(27, 10)),
				act(pass, day(28, 10)), act(sign, day(29, 10)))
		}

		now := time.Date(2026, 11, 1, 0, 5, 0, 0, calendar.Zone)
		r, err := ranking.Get(ctx, st, "2026-10", now, ranking.DefaultWeights())
		require.NoError(t, err)
		assert.Equal(t, ranking.SourceLive, r.Source)
		var order []string
		for _, e := range r.Entries {
			order = append(order, e.Department)
			assert.Equal(t, 100.0, *e.ClosureRate, "%s closed everything", e.Department)
		}
		assert.Equal(t, []string{"clean", "fast", "bouncer", "late"}, order)
		by := map[string]ranking.Entry{}
		for _, e := range r.Entries {
			by[e.Department] = e
		}
		assert.Equal(t, 100.0, by["clean"].Score)
		assert.Equal(t, 100.0, *by["fast"].ReworkRate)
		assert.Equal(t, 100.0, *by["bouncer"].ReworkRate, "the same rework rate as fast…")
		assert.EqualValues(t, 5, by["bouncer"].SendBacks, "…but more send-backs")
		assert.Less(t, by["bouncer"].Score, by["fast"].Score)
		assert.Equal(t, 0.0, *by["late"].OnTimeRate)
		assert.Equal(t, 0.0, *by["late"].AckTimelyRate)
	})
}

// TestPublishFreezesTheMonth: once October is published, neither later work
// on the ledger nor an adjustment changes it; November stays live.
func TestPublishFreezesTheMonth(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		for _, d := range []string{"fgw", "zjj"} {
			_, err := st.CreateDepartment(ctx, slip.Department{Code: d, Name: d})
			require.NoError(t, err)
		}
		l := &ledger{t: t, st: st}
		ack, resolve, pass, sign := slip.ActionAcknowledge, slip.ActionResolve, slip.ActionPassReview, slip.ActionSignOff
		l.slip("fgw", act(ack, day(9, 10)), act(resolve, day(16, 10)), act(pass, day(19, 10)), act(sign, day(20, 10)))
		l.slip("zjj", act(ack, day(9, 10))) // still open at month end: overdue

		w := ranking.DefaultWeights()
		_, err := st.AddRankingAdjustment(ctx, stats.Adjustment{Month: "2026-10", Department: "zjj", Points: 3, Reason: "防汛表现突出", CreatedAt: day(30, 9)})
		require.NoError(t, err)
		_, err = st.AddRankingAdjustment(ctx, stats.Adjustment{Month: "2026-10", Department: "nobody", Points: 3, Reason: "x", CreatedAt: day(30, 9)})
		assert.Equal(t, slip.CodeUnknownDepartment, slip.AsError(err).Code)

		_, err = ranking.Publish(ctx, st, "2026-11", time.Date(2026, 11, 20, 9, 0, 0, 0, calendar.Zone), w)
		assert.Equal(t, "month_not_ended", slip.AsError(err).Code, "a running month cannot be frozen")

		at := time.Date(2026, 11, 1, 0, 5, 0, 0, calendar.Zone)
		published, err := ranking.Publish(ctx, st, "2026-10", at, w)
		require.NoError(t, err)
		assert.True(t, published)
		before, err := ranking.Get(ctx, st, "2026-10", at, w)
		require.NoError(t, err)
		assert.Equal(t, ranking.SourceSnapshot, before.Source)
		require.NotNil(t, before.TakenAt)
		assert.True(t, before.TakenAt.Equal(at))
		require.Len(t, before.Entries, 2)
		assert.Equal(t, "fgw", before.Entries[0].Department)
		assert.EqualValues(t, 1, before.Entries[1].OverdueOpen)
		assert.Equal(t, 3.0, before.Entries[1].Adjustment)

		// November: zjj finishes; the office adds an adjustment to October and
		// publishes again with other weights. October does not move.
		l.slip("zjj", act(ack, day(9, 10)), act(resolve, day(16, 10)), act(pass, day(19, 10)), act(sign, day(20, 10)))
		_, err = st.AddRankingAdjustment(ctx, stats.Adjustment{Month: "2026-10", Department: "fgw", Points: -5, Reason: "迟报", CreatedAt: at})
		assert.Equal(t, slip.CodeRankingPublished, slip.AsError(err).Code)
		again, err := ranking.Publish(ctx, st, "2026-10", at.Add(time.Hour), ranking.Weights{ClosureRate: 1})
		require.NoError(t, err)
		assert.False(t, again, "the first publication stands")
		after, err := ranking.Get(ctx, st, "2026-10", time.Date(2026, 11, 23, 9, 0, 0, 0, calendar.Zone), w)
		require.NoError(t, err)
		assert.Equal(t, before, after)

		nov, err := ranking.Get(ctx, st, "2026-11", time.Date(2026, 11, 23, 9, 0, 0, 0, calendar.Zone), w)
		require.NoError(t, err)
		assert.Equal(t, ranking.SourceLive, nov.Source)
		assert.Nil(t, nov.TakenAt)
		_, err = st.AddRankingAdjustment(ctx, stats.Adjustment{Month: "2026-11", Department: "fgw", Points: -5, Reason: "迟报", CreatedAt: at})
		require.NoError(t, err)
		nov, err = ranking.Get(ctx, st, "2026-11", time.Date(2026, 11, 23, 9, 0, 0, 0, calendar.Zone), w)
		require.NoError(t, err)
		require.Len(t, nov.Adjustments, 1)
	})
}

// TestNothingDueIsNoDataNotBlackList: on the first day of December a
// department whose only slip was issued that morning and signed for, due
// later in the month, has nothing measurable: the ledger's ranking lists it
// as 暂无数据, unranked, and keeps it off the 黑榜, while a department with
// an overdue slip is ranked and listed.
func TestNothingDueIsNoDataNotBlackList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		for _, d := range []string{"fresh", "behind", "done"} {
			_, err := st.CreateDepartment(ctx, slip.Department{Code: d, Name: d})
			require.NoError(t, err)
		}
		l := &ledger{t: t, st: st}
		ack, resolve, pass, sign := slip.ActionAcknowledge, slip.ActionResolve, slip.ActionPassReview, slip.ActionSignOff
		l.slip("done", act(ack, day(9, 10)), act(resolve, day(16, 10)), act(pass, day(19, 10)), act(sign, day(20, 10)))
		l.slip("behind", act(ack, day(9, 10))) // due 10-23, open on 12-01: overdue
		dec1 := time.Date(2026, 12, 1, 9, 0, 0, 0, calendar.Zone)
		fresh := slip.Slip{ID: "fresh-1", Draft: slip.Draft{Title: "新事项", Content: "内容", Source: "擂台", Batch: "十二月",
			Category: "营商环境", Priority: slip.PriorityNormal, LeadDepartment: "fresh", Leader: "李副市长", Deadline: calendar.MustParseDate("2026-12-20")},
			Deadline: calendar.MustParseDate("2026-12-20"), IssuedAt: dec1, IssuedBy: "督查室", Status: slip.StatusIssued, Seq: 1, UpdatedAt: dec1}
		_, err := st.RecordIssued(ctx, fresh)
		require.NoError(t, err)
		ev, err := fresh.Apply(slip.Command{Action: ack, Actor: "办事员"}, dec1.Add(time.Hour))
		require.NoError(t, err)
		require.NoError(t, st.Project(ctx, fresh, ev))

		r, err := ranking.Get(ctx, st, "2026-12", dec1.Add(2*time.Hour), ranking.DefaultWeights())
		require.NoError(t, err)
		require.Equal(t, []string{"done", "behind", "fresh"}, departments(r.Entries))
		assert.Equal(t, 1, r.Entries[0].Rank)
		assert.Equal(t, 2, r.Entries[1].Rank)
		assert.True(t, r.Entries[2].NoData)
		assert.Equal(t, 0, r.Entries[2].Rank)
		assert.Equal(t, []string{"done", "behind"}, departments(r.RedList), "two ranked: both within the top five")
		assert.Empty(t, r.BlackList, "暂无数据 is never on the 黑榜")
	})
}
