package store_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/internal/seed"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
)

// TestLedgerTotalsMatchTheirPages: a page's Total — counted from the
// statistics' rollup for department, lead, status, overdue and colour
// filters, from the slips otherwise — is the number of slips its pages
// list, for every filter and on both databases; and after an action moves
// a slip, both agree again.
func TestLedgerTotalsMatchTheirPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		_, err := seed.Run(ctx, st, seedOptions(400, 12, 11))
		require.NoError(t, err)
		today := calendar.DateOf(seedNow)
		d, y := today.String(), today.AddDays(3).String()
		open := slip.OpenStatuses()
		filters := map[string]store.Filter{
			"closed":                      {Statuses: []slip.Status{slip.StatusClosed}},
			"open":                        {Statuses: open},
			"department closed":           {VisibleTo: "zjj", Statuses: []slip.Status{slip.StatusClosed}},
			"department in progress":      {Department: "zjj", Statuses: []slip.Status{slip.StatusInProgress}},
			"department and same visible": {VisibleTo: "fgw", Department: "fgw", Statuses: open},
			"lead open":                   {Lead: "fgw", Statuses: open},
			"lead on own ledger":          {VisibleTo: "fgw", Lead: "fgw", Statuses: open},
			"led by another":              {VisibleTo: "zjj", Lead: "fgw", Statuses: open},
			"overdue":                     {OverdueOn: d},
			"department overdue":          {VisibleTo: "zjj", OverdueOn: d},
			"red":                         {Colour: "red", Today: d, YellowBy: y},
			"yellow of a department":      {VisibleTo: "zjj", Colour: "yellow", Today: d, YellowBy: y},
			"green of a department":       {Department: "jtj", Colour: "green", Today: d, YellowBy: y},
			"status and batch (slips)":    {Statuses: open, Category: "城市建设"},
			"nothing":                     {VisibleTo: "zjj", Statuses: []slip.Status{slip.StatusCancelled}, Lead: "无此单位"},
		}
		for name, f := range filters {
			page, err := st.ListSlips(ctx, f)
			require.NoError(t, err, name)
			all := listAll(t, st, f)
			assert.Equal(t, int64(len(all)), page.Total, "%s: total against the pages", name)
			assert.False(t, page.TotalCapped, name)
		}
		// The cap still applies.
		store.SetCountLimit(t, 5)
		page, err := st.ListSlips(ctx, store.Filter{Statuses: []slip.Status{slip.StatusClosed}})
		require.NoError(t, err)
		assert.Equal(t, int64(5), page.Total)
		assert.True(t, page.TotalCapped)
	})
}

// TestKeywordSearchEitherWay: a keyword search lists exactly the slips whose
// title or content contains it, newest first, whether it is common enough
// to be capped (then pages walk the order testing each slip) or rare (then
// the character-pair index narrows first); the count stops at the keyword
// limit and says so.
func TestKeywordSearchEitherWay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		_, err := seed.Run(ctx, st, seedOptions(300, 10, 7))
		require.NoError(t, err)
		everything := listAll(t, st, store.Filter{})
		for _, q := range []string{"小区", "区", "电梯", "老旧小区改造", "无此关键词", "%", "纺织厂"} {
			var want []string
			for _, s := range everything {
				if strings.Contains(strings.ToLower(s.Draft.Title), q) || strings.Contains(strings.ToLower(s.Draft.Content), q) {
					want = append(want, s.ID)
				}
			}
			for _, limit := range []int64{3, store.MaxKeywordCount} {
				t.Run(fmt.Sprintf("%s-limit-%d", q, limit), func(t *testing.T) {
					store.SetKeywordCountLimit(t, limit)
					f := store.Filter{Query: q}
					page, err := st.ListSlips(ctx, f)
					require.NoError(t, err)
					assert.Equal(t, min(int64(len(want)), limit), page.Total)
					assert.Equal(t, int64(len(want)) > limit, page.TotalCapped)
					var got []string
					for _, s := range listAll(t, st, f) {
						got = append(got, s.ID)
					}
					assert.Equal(t, want, got)
				})
			}
		}
	})
}
