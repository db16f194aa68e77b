package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/internal/seed"
	"github.com/duban-gov/duban/ledgerexport"
	"github.com/duban-gov/duban/reminder"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
)

// Several store tests read a seeded ledger: a year of slips with whole
// timelines (package seed), on both databases.

// seedNow is the instant the test ledgers are seeded as of: late in the
// year, so old slips have had time to close and recent ones have not.
var seedNow = time.Date(2026, 11, 20, 15, 0, 0, 0, calendar.Zone)

// seedOptions writes in small transactions, so that on PostgreSQL several
// commit concurrently and out of order.
func seedOptions(slips, depts int, rngSeed int64) seed.Options {
	return seed.Options{Slips: slips, Departments: depts, Year: 2026, Seed: rngSeed, Now: seedNow, Batch: 64}
}

// allSlips walks the slips f selects, newest first, in batches of batch.
func allSlips(t *testing.T, st *store.Store, f store.Filter, batch int) []slip.Slip {
	t.Helper()
	return storetest.AllSlips(t, st, f, batch)
}

func TestEachSlipVisitsTheFilteredLedgerInOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		_, err := seed.Run(ctx, st, seedOptions(300, 20, 5))
		require.NoError(t, err)
		everything := allSlips(t, st, store.Filter{}, 0)
		require.Len(t, everything, 300)
		// Each slip as read alone: the walk scans row after row into the
		// same place, and no row may keep a value of another.
		for _, s := range everything {
			alone, err := st.GetSlip(ctx, s.ID)
			require.NoError(t, err)
			require.Equal(t, alone, s, "slip %s exported as read alone", s.ID)
		}
		today := calendar.DateOf(seedNow).String()

		filters := map[string]store.Filter{
			"all":                   {},
			"department":            {Department: "zjj"},
			"closed":                {Statuses: []slip.Status{slip.StatusClosed}},
			"open of a department":  {Department: "fgw", Statuses: slip.OpenStatuses()},
			"batch":                 {Batch: everything[0].Draft.Batch},
			"query":                 {Query: "小区"},
			"red":                   {Colour: "red", Today: today, YellowBy: today},
			"escalated":             {MinEscalation: 1},
			"issued in a range":     {IssuedFrom: "2026-04-01", IssuedTo: "2026-05-31"},
			"visible to a unit":     {VisibleTo: "zjj", Statuses: slip.OpenStatuses()},
			"a unit's whole ledger": {VisibleTo: "zjj"},
			"nothing":               {Batch: "无此批次"},
		}
		for name, f := range filters {
			if name != "nothing" {
				require.NotEmpty(t, listAll(t, st, f), "%s: the seed should give this filter something to find", name)
			}
			for _, batch := range []int{1, 7, 100, 0} {
				got := allSlips(t, st, f, batch)
				assert.Equal(t, listAll(t, st, f), got, "%s, batch %d: the same slips as the ledger pages", name, batch)
				assert.True(t, slices.IsSortedFunc(got, func(a, b slip.Slip) int { return strings.Compare(b.ID, a.ID) }), "%s: newest first", name)
			}
		}

		// The department filter by hand: lead or co-department.
		var want []string
		for _, s := range everything {
			if slices.Contains(s.Draft.Departments(), "zjj") {
				want = append(want, s.ID)
			}
		}
		var got []string
		for _, s := range allSlips(t, st, store.Filter{Department: "zjj"}, 9) {
			got = append(got, s.ID)
		}
		require.NotEmpty(t, want)
		assert.Equal(t, want, got)
	})
}

// listAll reads every page of the ledger through ListSlips.
func listAll(t *testing.T, st *store.Store, f store.Filter) []slip.Slip {
	t.Helper()
	var out []slip.Slip
	f.PageSize = store.MaxPageSize
	for {
		page, err := st.ListSlips(ctx, f)
		require.NoError(t, err)
		out = append(out, page.Items...)
		if page.NextCursor == "" {
			return out
		}
		f.Cursor = page.NextCursor
	}
}

func TestEachSlipStopsOnError(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		_, err := seed.Run(ctx, st, seedOptions(40, 5, 3))
		require.NoError(t, err)
		stop := errors.New("stop")
		calls := 0
		err = st.EachSlip(ctx, store.Filter{}, 4, func(slip.Slip) error {
			calls++
			if calls == 6 {
				return stop
			}
			return nil
		})
		assert.ErrorIs(t, err, stop)
		assert.Equal(t, 6, calls)

		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		err = st.EachSlip(cancelled, store.Filter{}, 4, func(slip.Slip) error { return nil })
		assert.ErrorIs(t, err, context.Canceled)

		// A caller that goes away mid-walk (a client hanging up on an
		// export) gets the cancellation, not a walk that looks complete.
		midway, stopWalk := context.WithCancel(ctx)
		defer stopWalk()
		calls = 0
		err = st.EachSlip(midway, store.Filter{}, 4, func(slip.Slip) error {
			calls++
			if calls == 6 {
				stopWalk()
			}
			return nil
		})
		assert.ErrorIs(t, err, context.Canceled)
		assert.Less(t, calls, 40, "the walk went on after its caller left")

		// Walks cut short leave no broken connection behind: the next ones
		// (more than the pool keeps) read everything.
		for range 12 {
			assert.Len(t, allSlips(t, st, store.Filter{}, 4), 40)
		}
	})
}

// TestEachLedgerSlipExportsAsWholeSlips: the export walk reads only some of
// each slip's columns; the table made of its slips — every cell, 三色 for
// the office and for each unit — is the table made of whole slips, on a
// seeded year and on slips with parts (co-units' deadlines, reports with
// figures, problems and measures, a part done, an acknowledgement reminder,
// a part refused, one waived, one refused and given to another unit).
func TestEachLedgerSlipExportsAsWholeSlips(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		_, err := seed.Run(ctx, st, seedOptions(200, 8, 11))
		require.NoError(t, err)
		depts, err := st.ListDepartments(ctx)
		require.NoError(t, err)
		require.GreaterOrEqual(t, len(depts), 3)
		lead, co, other := depts[0].Code, depts[1].Code, depts[2].Code
		issued := seedNow.Add(-10 * 24 * time.Hour)
		for i, step := range []int{0, 1, 2, 3, 4, 5, 6} {
			sl := newSlip(fmt.Sprintf("zz-parts-%d", i), issued, lead, co)
			sl.Draft.Deadline = calendar.DateOf(seedNow).AddDays(20)
			sl.Draft.CoDeadlines = map[string]calendar.Date{co: calendar.DateOf(seedNow).AddDays(i - 1)}
			sl.Tracks = slip.NewTracks(sl.Draft, issued, calendar.DateOf(issued).AddDays(2))
			sl.StartIssued()
			_, err := st.RecordIssued(ctx, sl)
			require.NoError(t, err)
			at := issued.Add(time.Hour)
			if step == 0 {
				ev, ok := sl.Remind(slip.Reminder{Kind: slip.EventAckReminder, At: at}, at)
				require.True(t, ok)
				require.NoError(t, st.Project(ctx, sl, ev))
				continue
			}
			apply(t, st, &sl, slip.Command{Action: slip.ActionAcknowledge, Actor: "a"}, at)
			apply(t, st, &sl, slip.Command{Action: slip.ActionProgress, Actor: "a", Text: "已完成三成", TrackFields: slip.TrackFields{
				Figures:  []slip.Figure{{Name: "完成投资", Value: "1.2", Unit: "亿元"}},
				Problems: "资金未到位",
				Measures: []slip.Measure{{Content: "协调财政", Units: []string{lead}, Due: calendar.DateOf(seedNow).AddDays(5)}},
			}}, at.Add(time.Hour))
			refuse := func() {
				apply(t, st, &sl, slip.Command{Action: slip.ActionRefuse, Actor: "b", ActorRole: slip.RoleDepartment, Reason: "职责不符",
					TrackFields: slip.TrackFields{Department: co}}, at.Add(2*time.Hour))
			}
			switch step {
			case 2, 3:
				apply(t, st, &sl, slip.Command{Action: slip.ActionCoAcknowledge, Actor: "b", TrackFields: slip.TrackFields{Department: co}}, at.Add(2*time.Hour))
				if step == 3 {
					apply(t, st, &sl, slip.Command{Action: slip.ActionCompletePart, Actor: "b", Summary: "配合完成", TrackFields: slip.TrackFields{Department: co}}, at.Add(3*time.Hour))
				}
			case 4:
				refuse()
			case 5:
				apply(t, st, &sl, slip.Command{Action: slip.ActionWaive, Actor: "督查室", ActorRole: slip.RoleOffice, Reason: "不再需要",
					TrackFields: slip.TrackFields{Department: co}}, at.Add(2*time.Hour))
			case 6:
				refuse()
				apply(t, st, &sl, slip.Command{Action: slip.ActionReassign, Actor: "督查室", ActorRole: slip.RoleOffice,
					TrackFields: slip.TrackFields{Department: co, NewDepartment: other}}, at.Add(3*time.Hour))
			}
		}

		names := map[string]string{}
		for _, d := range depts {
			names[d.Code] = d.Name
		}
		today := calendar.DateOf(seedNow)
		yellowBy := today.AddDays(3)
		colourFor := func(dept string) func(slip.Slip) string {
			return func(s slip.Slip) string {
				if dept == "" {
					return string(reminder.ColourOf(s, today, yellowBy))
				}
				return string(reminder.PartColourOf(s, dept, today, yellowBy))
			}
		}
		table := func(walk func(context.Context, store.Filter, int, func(slip.Slip) error) error, f store.Filter, dept string) []ledgerexport.Row {
			var rows []ledgerexport.Row
			require.NoError(t, walk(ctx, f, 0, func(s slip.Slip) error {
				rows = append(rows, ledgerexport.NewRow(len(rows)+1, s, names, colourFor(dept)))
				return nil
			}))
			return rows
		}
		for _, c := range []struct {
			name string
			f    store.Filter
			dept string
		}{
			{"the office's whole ledger", store.Filter{}, ""},
			{"the lead's own ledger", store.Filter{VisibleTo: lead}, lead},
			{"the co-unit's own ledger", store.Filter{VisibleTo: co}, co},
			{"open slips by deadline", store.Filter{Statuses: slip.OpenStatuses(), Sort: store.SortDue}, ""},
		} {
			whole := table(st.EachSlip, c.f, c.dept)
			require.NotEmpty(t, whole, c.name)
			assert.Equal(t, whole, table(st.EachLedgerSlip, c.f, c.dept), c.name)
		}
		partsRow := func(rows []ledgerexport.Row) bool {
			for _, r := range rows {
				if strings.Contains(r.Measures, "协调财政") && strings.Contains(r.Problems, "资金未到位") {
					return true
				}
			}
			return false
		}
		assert.True(t, partsRow(table(st.EachLedgerSlip, store.Filter{}, "")), "the parts' reports are in the table")
		progress := ""
		for _, r := range table(st.EachLedgerSlip, store.Filter{}, "") {
			progress += r.Progress
		}
		for _, shown := range []string{"完成投资 1.2亿元", "已豁免：不再需要", "申请退回：职责不符", "已改派"} {
			assert.Contains(t, progress, shown, "the parts' figures, waiver, refusal and 改派 are in the table")
		}
	})
}
