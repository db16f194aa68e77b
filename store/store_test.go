package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/stats"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
)

var ctx = context.Background()

func seedDepartments(t *testing.T, st *store.Store, codes ...string) {
	t.Helper()
	for _, c := range codes {
		_, err := st.CreateDepartment(ctx, slip.Department{Code: c, Name: "单位" + c})
		require.NoError(t, err)
	}
}

func newSlip(id string, issued time.Time, lead string, co ...string) slip.Slip {
	return slip.Slip{
		ID: id,
		Draft: slip.Draft{
			Title: "整治" + id, Content: "内容" + id, Source: "新春第一会", Batch: "2026新春第一会",
			Category: "营商环境", Priority: slip.PriorityUrgent, LeadDepartment: lead, CoDepartments: co,
			Leader: "张副市长", Deadline: calendar.MustParseDate("2026-12-31"),
		},
		IssuedAt: issued, IssuedBy: "督查室", Status: slip.StatusIssued, Seq: 1, UpdatedAt: issued,
	}
}

// apply moves sl through cmd and projects it, as the workflow does.
func apply(t *testing.T, st *store.Store, sl *slip.Slip, cmd slip.Command, at time.Time) slip.Event {
	t.Helper()
	ev, err := sl.Apply(cmd, at)
	require.NoError(t, err)
	require.NoError(t, st.Project(ctx, *sl, ev))
	return ev
}

func TestRecordIssuedNumbersPerYearAndIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		seedDepartments(t, st, "fgw", "zjj", "jtj")
		day := time.Date(2026, 3, 2, 9, 0, 0, 0, calendar.Zone)
		a := newSlip("a", day, "fgw", "zjj", "jtj")
		n1, err := st.RecordIssued(ctx, a)
		require.NoError(t, err)
		assert.Equal(t, "督〔2026〕1号", n1)

		again, err := st.RecordIssued(ctx, a)
		require.NoError(t, err)
		assert.Equal(t, n1, again, "a retried activity must get the same number")

		n2, err := st.RecordIssued(ctx, newSlip("b", day, "zjj"))
		require.NoError(t, err)
		assert.Equal(t, "督〔2026〕2号", n2)

		// 2026-12-31 23:30 in Beijing is still 2026; 2027-01-01 00:10 starts a new sequence.
		n3, err := st.RecordIssued(ctx, newSlip("c", time.Date(2026, 12, 31, 23, 30, 0, 0, calendar.Zone), "fgw"))
		require.NoError(t, err)
		assert.Equal(t, "督〔2026〕3号", n3)
		n4, err := st.RecordIssued(ctx, newSlip("d", time.Date(2027, 1, 1, 0, 10, 0, 0, calendar.Zone), "fgw"))
		require.NoError(t, err)
		assert.Equal(t, "督〔2027〕1号", n4)

		got, err := st.GetSlip(ctx, "a")
		require.NoError(t, err)
		assert.Equal(t, []string{"zjj", "jtj"}, got.Draft.CoDepartments, "co-departments keep their order")
		assert.Equal(t, slip.StatusIssued, got.Status)
		assert.True(t, got.IssuedAt.Equal(day))
		events, err := st.Timeline(ctx, "a")
		require.NoError(t, err)
		require.Len(t, events, 1)
		assert.Equal(t, slip.ActionIssue, events[0].Type)
	})
}

func TestConcurrentIssuesGetDistinctGaplessNumbers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		seedDepartments(t, st, "fgw")
		day := time.Date(2026, 5, 6, 9, 0, 0, 0, calendar.Zone)
		const n = 20
		numbers := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var err error
				numbers[i], err = st.RecordIssued(ctx, newSlip(fmt.Sprintf("s%02d", i), day, "fgw"))
				assert.NoError(t, err)
			}()
		}
		wg.Wait()
		seen := map[string]bool{}
		for _, num := range numbers {
			assert.False(t, seen[num], "number %s given twice", num)
			seen[num] = true
		}
		for i := 1; i <= n; i++ {
			assert.True(t, seen[fmt.Sprintf("督〔2026〕%d号", i)], "number %d missing", i)
		}
	})
}

func TestProjectIsIdempotentAndNeverRegresses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		seedDepartments(t, st, "fgw")
		t0 := time.Date(2026, 6, 1, 9, 0, 0, 0, calendar.Zone)
		sl := newSlip("p", t0, "fgw")
		_, err := st.RecordIssued(ctx, sl)
		require.NoError(t, err)

		ack := apply(t, st, &sl, slip.Command{Action: slip.ActionAcknowledge, Actor: "发改委"}, t0.Add(time.Hour))
		afterAck := sl
		apply(t, st, &sl, slip.Command{Action: slip.ActionProgress, Actor: "发改委", Text: "已完成一半"}, t0.Add(2*time.Hour))

		// A late retry of the acknowledgement must neither duplicate the event
		// nor move the slip back from seq 3 to seq 2.
		require.NoError(t, st.Project(ctx, afterAck, ack))

		got, err := st.GetSlip(ctx, "p")
		require.NoError(t, err)
		assert.Equal(t, int64(3), got.Seq)
		assert.Equal(t, "已完成一半", got.LatestProgress)
		assert.Equal(t, slip.StatusInProgress, got.Status)
		events, err := st.Timeline(ctx, "p")
		require.NoError(t, err)
		require.Len(t, events, 3)
		for i, e := range events {
			assert.Equal(t, int64(i+1), e.Seq)
		}
		assert.Equal(t, "已完成一半", events[2].Payload["text"])
	})
}

func TestProjectRefusesUnknownSlip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		sl := newSlip("ghost", time.Now(), "fgw")
		ev, err := sl.Apply(slip.Command{Action: slip.ActionAcknowledge, Actor: "x"}, time.Now())
		require.NoError(t, err)
		assert.Error(t, st.Project(ctx, sl, ev))
	})
}

func TestLedgerFiltersAndPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		seedDepartments(t, st, "fgw", "zjj", "jtj")
		base := time.Date(2026, 4, 1, 9, 0, 0, 0, calendar.Zone)
		for i := range 7 {
			lead, co := "fgw", []string{"zjj"}
			if i%2 == 1 {
				lead, co = "jtj", nil
			}
			sl := newSlip(fmt.Sprintf("id%02d", i), base.Add(time.Duration(i)*time.Hour), lead, co...)
			if i == 3 {
				sl.Draft.Title = "100%_完成率 O'Brien"
				sl.Draft.Batch = "擂台"
			}
			if i == 5 {
				sl.Draft.Deadline = calendar.MustParseDate("2026-04-10")
			}
			_, err := st.RecordIssued(ctx, sl)
			require.NoError(t, err)
			if i == 6 {
				apply(t, st, &sl, slip.Command{Action: slip.ActionCancel, Actor: "督查室", Reason: "重复交办"}, base.Add(24*time.Hour))
			}
		}
		ids := func(p store.Page) []string {
			var out []string
			for _, s := range p.Items {
				out = append(out, s.ID)
			}
			return out
		}

		p, err := st.ListSlips(ctx, store.Filter{PageSize: 3})
		require.NoError(t, err)
		assert.Equal(t, int64(7), p.Total)
		assert.Equal(t, []string{"id06", "id05", "id04"}, ids(p))
		require.NotEmpty(t, p.NextCursor)
		p2, err := st.ListSlips(ctx, store.Filter{PageSize: 3, Cursor: p.NextCursor})
		require.NoError(t, err)
		assert.Equal(t, []string{"id03", "id02", "id01"}, ids(p2))
		p3, err := st.ListSlips(ctx, store.Filter{PageSize: 3, Cursor: p2.NextCursor})
		require.NoError(t, err)
		assert.Equal(t, []string{"id00"}, ids(p3))
		assert.Empty(t, p3.NextCursor)

		p, err = st.ListSlips(ctx, store.Filter{Department: "zjj"})
		require.NoError(t, err)
		assert.Equal(t, []string{"id06", "id04", "id02", "id00"}, ids(p), "co-department sees its slips")

		p, err = st.ListSlips(ctx, store.Filter{Statuses: []slip.Status{slip.StatusCancelled}})
		require.NoError(t, err)
		assert.Equal(t, []string{"id06"}, ids(p))

		p, err = st.ListSlips(ctx, store.Filter{OverdueOn: "2026-04-11"})
		require.NoError(t, err)
		assert.Equal(t, []string{"id05"}, ids(p))

		// LIKE metacharacters match literally.
		p, err = st.ListSlips(ctx, store.Filter{Query: "100%_"})
		require.NoError(t, err)
		assert.Equal(t, []string{"id03"}, ids(p))
		p, err = st.ListSlips(ctx, store.Filter{Query: "%"})
		require.NoError(t, err)
		assert.Equal(t, []string{"id03"}, ids(p))
		p, err = st.ListSlips(ctx, store.Filter{Query: "o'brien"})
		require.NoError(t, err)
		assert.Equal(t, []string{"id03"}, ids(p))

		p, err = st.ListSlips(ctx, store.Filter{Batch: "擂台"})
		require.NoError(t, err)
		assert.Equal(t, int64(1), p.Total)

		_, err = st.ListSlips(ctx, store.Filter{Cursor: "!!!"})
		assert.Equal(t, slip.KindInvalid, slip.AsError(err).Kind)
	})
}

func TestClosureStats(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		seedDepartments(t, st, "fgw", "zjj")
		issued := time.Date(2026, 7, 1, 9, 0, 0, 0, calendar.Zone)
		runDue := func(id, lead, deadline string, steps ...slip.Command) {
			sl := newSlip(id, issued, lead)
			sl.Draft.Deadline = calendar.MustParseDate(deadline)
			_, err := st.RecordIssued(ctx, sl)
			require.NoError(t, err)
			at := issued
			for _, c := range steps {
				at = at.Add(48 * time.Hour)
				c.Actor = "someone"
				apply(t, st, &sl, c, at)
			}
		}
		run := func(id, lead string, steps ...slip.Command) { runDue(id, lead, "2026-07-10", steps...) }
		ack := slip.Command{Action: slip.ActionAcknowledge}
		resolve := slip.Command{Action: slip.ActionResolve, Summary: "done", Evidence: []string{"photo.jpg"}}
		pass := slip.Command{Action: slip.ActionPassReview}
		sign := slip.Command{Action: slip.ActionSignOff}
		prog := slip.Command{Action: slip.ActionProgress, Text: "x"}
		// fgw: one closed on time (resolved 07-05), one closed late (resolved 07-11), one cancelled, one open overdue.
		run("f1", "fgw", ack, resolve, pass, sign)
		run("f2", "fgw", ack, prog, prog, prog, prog, resolve, pass, sign)
		run("f3", "fgw", slip.Command{Action: slip.ActionCancel, Reason: "撤销"})
		// f4: open, but its deadline was extended to 07-31 before it passed.
		yes := true
		run("f4", "fgw", ack,
			slip.Command{Action: slip.ActionRequestExtension, Reason: "汛期停工", Deadline: calendar.MustParseDate("2026-07-31")},
			slip.Command{Action: slip.ActionDecideExtension, Approved: &yes})
		// zjj: nothing closed; one overdue (red), one due within 3 working
		// days of 07-20 (yellow), one due later (green).
		run("z1", "zjj")
		runDue("z2", "zjj", "2026-07-22")
		runDue("z3", "zjj", "2026-08-30")

		rows, err := st.ClosureStats(ctx, stats.Query{GroupBy: stats.GroupByDepartment, Today: "2026-07-20", YellowBy: "2026-07-23"})
		require.NoError(t, err)
		require.Len(t, rows, 2)
		f := rows[0]
		assert.Equal(t, "fgw", f.Key)
		assert.Equal(t, "单位fgw", f.Label)
		assert.Equal(t, stats.Row{Key: "fgw", Label: "单位fgw", Assigned: 4, Closed: 2, Cancelled: 1, Open: 1, InProgress: 1, OverdueOpen: 0,
			ClosedOnTime: 1, Extensions: 1, Green: 1, Acknowledged: 3, AckedOnTime: 3, Reviewed: 2,
			// f1 signed off 07-09 (6 working days after 07-01), f2 on 07-17 (12).
			TimedCloses: 2, CloseWorkingDays: 18}, f)
		assert.Equal(t, 9.0, *f.AvgWorkingDaysToClose())
		assert.Equal(t, 100.0, *f.AckTimelyRate())
		assert.Equal(t, 0.0, *f.ReworkRate())
		assert.Equal(t, 66.7, *f.ClosureRate())
		assert.Equal(t, 50.0, *f.OnTimeRate())
		z := rows[1]
		assert.Equal(t, stats.Row{Key: "zjj", Label: "单位zjj", Assigned: 3, Open: 3, Issued: 3, OverdueOpen: 1, Red: 1, Yellow: 1, Green: 1}, z)
		assert.Nil(t, z.AckTimelyRate(), "nothing acknowledged: no rate")
		assert.Nil(t, z.ReworkRate(), "nothing reviewed: no rate")
		assert.Nil(t, z.AvgWorkingDaysToClose(), "nothing closed: no average")

		all, err := st.ClosureStats(ctx, stats.Query{GroupBy: stats.GroupByAll, Today: "2026-07-20", YellowBy: "2026-07-23"})
		require.NoError(t, err)
		require.Len(t, all, 1)
		assert.Equal(t, stats.Row{Key: "all", Assigned: 7, Closed: 2, Cancelled: 1, Open: 4, Issued: 3, InProgress: 1, OverdueOpen: 1,
			ClosedOnTime: 1, Extensions: 1, Red: 1, Yellow: 1, Green: 2, Acknowledged: 3, AckedOnTime: 3, Reviewed: 2,
			TimedCloses: 2, CloseWorkingDays: 18}, all[0])
		lead, err := st.ClosureStats(ctx, stats.Query{GroupBy: stats.GroupByAll, Lead: "zjj", Today: "2026-07-20", YellowBy: "2026-07-23"})
		require.NoError(t, err)
		assert.EqualValues(t, 3, lead[0].Assigned)
		none, err := st.ClosureStats(ctx, stats.Query{GroupBy: stats.GroupByAll, From: "2030-01-01", Today: "2026-07-20", YellowBy: "2026-07-23"})
		require.NoError(t, err)
		require.Len(t, none, 1, "the summary of nothing is one row of zeros")
		assert.Zero(t, none[0].Assigned)
		assert.Nil(t, none[0].ClosureRate())

		months, err := st.ClosureStats(ctx, stats.Query{GroupBy: stats.GroupByMonth, Today: "2026-07-20", YellowBy: "2026-07-23"})
		require.NoError(t, err)
		require.Len(t, months, 1)
		assert.Equal(t, "2026-07", months[0].Key)
		assert.EqualValues(t, 7, months[0].Assigned)
		assert.Equal(t, 0.0, *z.ClosureRate())
		assert.Nil(t, z.OnTimeRate(), "no closed slips: no on-time rate")

		// The rollup, kept by the projections above, agrees with the slips.
		assertRollupAgrees(t, st, []stats.Query{
			{GroupBy: stats.GroupByDepartment, Today: "2026-07-20", YellowBy: "2026-07-23"},
			{GroupBy: stats.GroupByAll, From: "2026-07-01", To: "2026-07-31", Today: "2026-07-09", YellowBy: "2026-07-14"},
			{GroupBy: stats.GroupByMonth, Lead: "fgw", Today: "2026-08-03", YellowBy: "2026-08-06"},
			{GroupBy: stats.GroupByAll, VisibleTo: "zjj", Today: "2026-07-20", YellowBy: "2026-07-23"},
			{GroupBy: stats.GroupByBatch, Today: "2026-07-20", YellowBy: "2026-07-23"},
			{GroupBy: stats.GroupByCategory, From: "2026-07-01", To: "2026-07-31", Today: "2026-07-09", YellowBy: "2026-07-14"},
		})

		// The ledger's colour filter agrees with the counts.
		for colour, want := range map[string][]string{"red": {"z1"}, "yellow": {"z2"}, "green": {"z3", "f4"}} {
			p, err := st.ListSlips(ctx, store.Filter{Colour: colour, Today: "2026-07-20", YellowBy: "2026-07-23"})
			require.NoError(t, err)
			var got []string
			for _, it := range p.Items {
				got = append(got, it.ID)
			}
			assert.ElementsMatch(t, want, got, colour)
		}
		extended, err := st.GetSlip(ctx, "f4")
		require.NoError(t, err)
		assert.Equal(t, calendar.MustParseDate("2026-07-10"), extended.Draft.Deadline, "the original deadline is kept")
		assert.Equal(t, calendar.MustParseDate("2026-07-31"), extended.Deadline)
		assert.Equal(t, 1, extended.Extensions)
		assert.Nil(t, extended.PendingExtension)

		rows, err = st.ClosureStats(ctx, stats.Query{GroupBy: stats.GroupByBatch, From: "2026-08-01", Today: "2026-07-20"})
		require.NoError(t, err)
		assert.Empty(t, rows)
	})
}

func TestDepartments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		_, err := st.CreateDepartment(ctx, slip.Department{Code: "fgw", Name: "发改委"})
		require.NoError(t, err)
		_, err = st.CreateDepartment(ctx, slip.Department{Code: "fgw", Name: "again"})
		assert.Equal(t, slip.KindConflict, slip.AsError(err).Kind)
		_, err = st.CreateDepartment(ctx, slip.Department{Code: "x", Name: "x", ParentCode: "nope"})
		assert.Equal(t, slip.KindUnprocessable, slip.AsError(err).Kind)
		_, err = st.CreateDepartment(ctx, slip.Department{Code: "fgw-1", Name: "发改委一处", ParentCode: "fgw"})
		require.NoError(t, err)
		all, err := st.ListDepartments(ctx)
		require.NoError(t, err)
		assert.Equal(t, []slip.Department{{Code: "fgw", Name: "发改委"}, {Code: "fgw-1", Name: "发改委一处", ParentCode: "fgw"}}, all)
		missing, err := st.MissingDepartments(ctx, []string{"fgw", "nope", "fgw-1"})
		require.NoError(t, err)
		assert.Equal(t, []string{"nope"}, missing)
	})
}

// TestDepartmentCreatedTwiceAtOnce: two requests making the same department
// at once (two slips repaired side by side) give one department and one
// conflict, never a database error.
func TestDepartmentCreatedTwiceAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		for round := 0; round < 20; round++ {
			code := fmt.Sprintf("race-%d", round)
			errs := make(chan error, 4)
			for i := 0; i < 4; i++ {
				go func() {
					_, err := st.CreateDepartment(ctx, slip.Department{Code: code, Name: code})
					errs <- err
				}()
			}
			made := 0
			for i := 0; i < 4; i++ {
				err := <-errs
				if err == nil {
					made++
					continue
				}
				de := slip.AsError(err)
				if de == nil {
					if store.Unavailable(err) { // SQLite's single writer, past its busy wait
						continue
					}
					t.Fatalf("round %d: %v", round, err)
				}
				assert.Equal(t, slip.KindConflict, de.Kind, "round %d", round)
			}
			assert.Equal(t, 1, made, "round %d", round)
		}
	})
}

func TestIdempotencyKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		held, err := st.ClaimIdempotencyKey(ctx, 1, "k1", "slip-a", "h1")
		require.NoError(t, err)
		assert.Equal(t, store.RequestKey{SlipID: "slip-a", RequestHash: "h1", Fresh: true}, held)
		held, err = st.ClaimIdempotencyKey(ctx, 1, "k1", "slip-b", "h2")
		require.NoError(t, err)
		assert.Equal(t, store.RequestKey{SlipID: "slip-a", RequestHash: "h1"}, held, "first claim holds")
		held, err = st.ClaimIdempotencyKey(ctx, 2, "k1", "slip-b", "h2")
		require.NoError(t, err)
		assert.Equal(t, store.RequestKey{SlipID: "slip-b", RequestHash: "h2", Fresh: true}, held, "another user's key is another key")

		// An answered key replays its answer and is never released.
		require.NoError(t, st.AnswerIdempotencyKey(ctx, 1, "k1", "h1", slip.Slip{ID: "slip-a", Status: slip.StatusClosed, Seq: 7}))
		require.NoError(t, st.ReleaseIdempotencyKey(ctx, 1, "k1", "h1"))
		held, err = st.ClaimIdempotencyKey(ctx, 1, "k1", "slip-a", "h1")
		require.NoError(t, err)
		require.NotNil(t, held.Answer)
		assert.Equal(t, slip.StatusClosed, held.Answer.Status)
		assert.EqualValues(t, 7, held.Answer.Seq)

		// An unanswered key (a refused request) is released.
		require.NoError(t, st.ReleaseIdempotencyKey(ctx, 2, "k1", "h2"))
		held, err = st.ClaimIdempotencyKey(ctx, 2, "k1", "slip-c", "h3")
		require.NoError(t, err)
		assert.Equal(t, store.RequestKey{SlipID: "slip-c", RequestHash: "h3", Fresh: true}, held)
	})
}

func TestMigrateTwiceIsANoop(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		require.NoError(t, st.Migrate(ctx))
	})
}

// TestConcurrentMigratorsOnAFreshDatabase starts four migrators at once on
// an empty PostgreSQL database, as replicas rolling out together would.
func TestConcurrentMigratorsOnAFreshDatabase(t *testing.T) {
	url := storetest.PostgresDatabase(t)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := store.Open(ctx, url, store.Options{})
			if err != nil {
				errs <- err
				return
			}
			defer st.Close()
			errs <- st.Migrate(ctx)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	st, err := store.Open(ctx, url, store.Options{})
	require.NoError(t, err)
	defer st.Close()
	seedDepartments(t, st, "zjj")
}
