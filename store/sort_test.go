package store_test

import (
	"cmp"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
)

// TestLedgerSortsPageByKeyset pages through the ledger in every order and
// checks each walk against the order computed here: every slip once, none
// skipped, ties broken by id, and a slip issued mid-walk neither shifts nor
// repeats what the walk already returned.
func TestLedgerSortsPageByKeyset(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		depts := []string{"fgw", "zjj", "jtj"}
		seedDepartments(t, st, depts...)
		type fact struct{ id, issued, due, lead string }
		var facts []fact
		for i := range 23 {
			// Few distinct values per column, so ties are common.
			issued := time.Date(2026, 3, 2+i%4, 9, 0, 0, 0, calendar.Zone)
			sl := newSlip(fmt.Sprintf("s%02d", (i*7)%23), issued, depts[i%3])
			sl.Draft.Deadline = calendar.MustParseDate(fmt.Sprintf("2026-04-%02d", 10+i%5))
			_, err := st.RecordIssued(ctx, sl)
			require.NoError(t, err)
			facts = append(facts, fact{sl.ID, calendar.DateOf(issued).String(), sl.Draft.Deadline.String(), sl.Draft.LeadDepartment})
		}
		key := map[store.Sort]func(f fact) string{
			store.SortNewest:     func(f fact) string { return "" },
			store.SortIssued:     func(f fact) string { return f.issued },
			store.SortDue:        func(f fact) string { return f.due },
			store.SortDepartment: func(f fact) string { return f.lead },
		}
		for _, o := range []store.Sort{store.SortNewest, store.SortIssued, store.SortIssuedDesc, store.SortDue,
			store.SortDueDesc, store.SortDepartment, store.SortDepartmentDesc} {
			t.Run(string(o)+"/", func(t *testing.T) {
				base, desc := o, o == store.SortNewest
				if len(o) > 0 && o[0] == '-' {
					base, desc = o[1:], true
				}
				want := slices.Clone(facts)
				slices.SortFunc(want, func(a, b fact) int {
					c := cmp.Or(cmp.Compare(key[base](a), key[base](b)), cmp.Compare(a.id, b.id))
					if desc {
						return -c
					}
					return c
				})
				var got []string
				cursor := ""
				for pages := 0; ; pages++ {
					require.Less(t, pages, 10, "the walk must end")
					p, err := st.ListSlips(ctx, store.Filter{Sort: o, PageSize: 5, Cursor: cursor})
					require.NoError(t, err)
					assert.EqualValues(t, len(facts), p.Total)
					for _, it := range p.Items {
						got = append(got, it.ID)
					}
					if p.NextCursor == "" {
						break
					}
					cursor = p.NextCursor
				}
				var wantIDs []string
				for _, f := range want {
					wantIDs = append(wantIDs, f.id)
				}
				assert.Equal(t, wantIDs, got)
			})
		}

		// Past the count limit a page says so instead of counting on.
		store.SetCountLimit(t, 10)
		capped, err := st.ListSlips(ctx, store.Filter{PageSize: 5})
		require.NoError(t, err)
		assert.EqualValues(t, 10, capped.Total)
		assert.True(t, capped.TotalCapped)
		exact, err := st.ListSlips(ctx, store.Filter{Lead: "fgw", PageSize: 5})
		require.NoError(t, err)
		assert.EqualValues(t, 8, exact.Total, "23 slips, every third led by fgw")
		assert.False(t, exact.TotalCapped)
		store.SetCountLimit(t, store.MaxCount)

		// A cursor belongs to its order; garbage and another order's cursor are refused.
		p, err := st.ListSlips(ctx, store.Filter{Sort: store.SortDue, PageSize: 5})
		require.NoError(t, err)
		for _, bad := range []store.Filter{
			{Sort: store.SortIssued, Cursor: p.NextCursor},
			{Cursor: "!!"},
			{Cursor: "eyJpZCI6IiJ9"}, // {"id":""}
			{Sort: "priority"},
		} {
			_, err := st.ListSlips(ctx, bad)
			var se *slip.Error
			require.ErrorAs(t, err, &se, "%+v", bad)
			assert.Equal(t, slip.KindInvalid, se.Kind)
		}

		// Issuing mid-walk: a slip that sorts before the position is not
		// visited, one after it is, and nothing repeats.
		first, err := st.ListSlips(ctx, store.Filter{Sort: store.SortDue, PageSize: 10})
		require.NoError(t, err)
		early := newSlip("early", time.Date(2026, 3, 9, 9, 0, 0, 0, calendar.Zone), "fgw")
		early.Draft.Deadline = calendar.MustParseDate("2026-04-01")
		late := newSlip("late", time.Date(2026, 3, 9, 9, 0, 0, 0, calendar.Zone), "fgw")
		late.Draft.Deadline = calendar.MustParseDate("2026-05-01")
		for _, sl := range []slip.Slip{early, late} {
			_, err := st.RecordIssued(ctx, sl)
			require.NoError(t, err)
		}
		seen := map[string]int{}
		for _, it := range first.Items {
			seen[it.ID]++
		}
		for cursor := first.NextCursor; cursor != ""; {
			p, err := st.ListSlips(ctx, store.Filter{Sort: store.SortDue, PageSize: 10, Cursor: cursor})
			require.NoError(t, err)
			for _, it := range p.Items {
				seen[it.ID]++
			}
			cursor = p.NextCursor
		}
		assert.Len(t, seen, len(facts)+1, "every slip but the one sorting before the position")
		assert.Zero(t, seen["early"])
		assert.Equal(t, 1, seen["late"])
		for id, n := range seen {
			assert.Equal(t, 1, n, id)
		}
	})
}

// TestLedgerFiltersByLeadPriorityAndDates covers the filters added for the
// ledger at scale, each alone and together.
func TestLedgerFiltersByLeadPriorityAndDates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		seedDepartments(t, st, "fgw", "zjj")
		mk := func(id, lead string, co []string, day int, deadline string, p slip.Priority) {
			sl := newSlip(id, time.Date(2026, 5, day, 9, 0, 0, 0, calendar.Zone), lead, co...)
			sl.Draft.Deadline, sl.Draft.Priority = calendar.MustParseDate(deadline), p
			_, err := st.RecordIssued(ctx, sl)
			require.NoError(t, err)
		}
		mk("a", "fgw", nil, 6, "2026-05-20", slip.PriorityNormal)
		mk("b", "zjj", []string{"fgw"}, 7, "2026-06-10", slip.PriorityUrgent)
		mk("c", "fgw", nil, 8, "2026-06-30", slip.PriorityExtraUrgent)
		ids := func(f store.Filter) []string {
			p, err := st.ListSlips(ctx, f)
			require.NoError(t, err)
			var out []string
			for _, it := range p.Items {
				out = append(out, it.ID)
			}
			slices.Sort(out)
			return out
		}
		assert.Equal(t, []string{"a", "b", "c"}, ids(store.Filter{Department: "fgw"}), "lead or co")
		assert.Equal(t, []string{"a", "c"}, ids(store.Filter{Lead: "fgw"}))
		assert.Equal(t, []string{"b"}, ids(store.Filter{Priority: "urgent"}))
		assert.Equal(t, []string{"b", "c"}, ids(store.Filter{IssuedFrom: "2026-05-07"}))
		assert.Equal(t, []string{"a", "b"}, ids(store.Filter{IssuedTo: "2026-05-07"}))
		assert.Equal(t, []string{"b"}, ids(store.Filter{DueFrom: "2026-06-01", DueTo: "2026-06-10"}))
		assert.Equal(t, []string{"c"}, ids(store.Filter{Lead: "fgw", DueFrom: "2026-06-01", Priority: "extra_urgent"}))
		assert.Empty(t, ids(store.Filter{Lead: "zjj", IssuedTo: "2026-05-06"}))

		// A department's whole ledger is counted from its assignments; a
		// narrower filter, or another department's view of it, by the slips.
		for _, tc := range []struct {
			f    store.Filter
			want int64
		}{
			{store.Filter{VisibleTo: "fgw"}, 3},
			{store.Filter{Department: "zjj"}, 1},
			{store.Filter{VisibleTo: "fgw", Department: "fgw", Sort: store.SortDue}, 3},
			{store.Filter{VisibleTo: "zjj", Department: "fgw"}, 1},
			{store.Filter{VisibleTo: "fgw", Priority: "urgent"}, 1},
		} {
			p, err := st.ListSlips(ctx, tc.f)
			require.NoError(t, err)
			assert.Equal(t, tc.want, p.Total, "%+v", tc.f)
			assert.Len(t, p.Items, int(tc.want), "%+v", tc.f)
		}
	})
}

// TestLedgerKeyword: q finds a word in the title or the content, of any
// length, case-insensitively, literally — never across the title/content
// boundary — the same on both databases (PostgreSQL narrows by its
// character-pair index first).
func TestLedgerKeyword(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		seedDepartments(t, st, "fgw")
		mk := func(id, title, content string) {
			sl := newSlip(id, time.Date(2026, 5, 6, 9, 0, 0, 0, calendar.Zone), "fgw")
			sl.Draft.Title, sl.Draft.Content = title, content
			_, err := st.RecordIssued(ctx, sl)
			require.NoError(t, err)
		}
		mk("t", "整治工地扬尘", "按期完成")
		mk("c", "环境整治", "建筑工地扬尘污染严重")
		mk("b", "治理扬", "尘土飞扬")              // 扬|尘 only across the boundary
		mk("e", "Wi-Fi 覆盖 100%", "QR_code") // metacharacters
		for q, want := range map[string][]string{
			"扬尘":     {"c", "t"},
			"扬":      {"b", "c", "t"},
			"工地扬尘污染": {"c"},
			"扬尘土":    nil,
			"wi-fi":  {"e"},
			"100%":   {"e"},
			"qr_c":   {"e"},
			"r_":     {"e"},
			"%":      {"e"},
		} {
			p, err := st.ListSlips(ctx, store.Filter{Query: q})
			require.NoError(t, err)
			var got []string
			for _, it := range p.Items {
				got = append(got, it.ID)
			}
			slices.Sort(got)
			assert.Equal(t, want, got, "q=%q", q)
		}
	})
}
