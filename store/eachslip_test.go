package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/internal/seed"
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
			"all":                  {},
			"department":           {Department: "zjj"},
			"closed":               {Statuses: []slip.Status{slip.StatusClosed}},
			"open of a department": {Department: "fgw", Statuses: slip.OpenStatuses()},
			"batch":                {Batch: everything[0].Draft.Batch},
			"query":                {Query: "小区"},
			"red":                  {Colour: "red", Today: today, YellowBy: today},
			"escalated":            {MinEscalation: 1},
			"issued in a range":    {IssuedFrom: "2026-04-01", IssuedTo: "2026-05-31"},
			"visible to a unit":    {VisibleTo: "zjj", Statuses: slip.OpenStatuses()},
			"nothing":              {Batch: "无此批次"},
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
