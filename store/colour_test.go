package store_test

import (
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/reminder"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
)

// TestColourFilterAgreesWithColourOf: the ledger's 三色 filter (SQL) picks
// exactly the slips reminder.ColourOf colours so, for deadlines either side
// of today and of the yellow threshold, in every open status and after the
// closing ones, with and without the acknowledgement reminder out. The rule
// is written twice (Go for one slip, SQL for a page of a million); this is
// what keeps the two the same.
func TestColourFilterAgreesWithColourOf(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		seedDepartments(t, st, "zjj", "fgw")
		today := calendar.MustParseDate("2026-11-16")
		yellowBy := calendar.MustParseDate("2026-11-19")
		issued := time.Date(2026, 11, 2, 9, 0, 0, 0, calendar.Zone)
		deadlines := []calendar.Date{today.AddDays(-2), today.AddDays(-1), today, yellowBy.AddDays(-1), yellowBy, yellowBy.AddDays(1), yellowBy.AddDays(40)}
		type path struct {
			name  string
			steps []slip.Command
			ack   bool
		}
		paths := []path{
			{"issued", nil, false},
			{"issued, reminded", nil, true},
			{"in progress", []slip.Command{{Action: slip.ActionAcknowledge, Actor: "a"}}, false},
			{"pending review", []slip.Command{{Action: slip.ActionAcknowledge, Actor: "a"}, {Action: slip.ActionResolve, Actor: "a", Summary: "s", Evidence: []string{"e"}}}, false},
			{"cancelled", []slip.Command{{Action: slip.ActionCancel, Actor: "a", Reason: "r"}}, false},
		}
		want := map[string][]string{}
		n := 0
		for _, d := range deadlines {
			for _, p := range paths {
				n++
				sl := newSlip(fmt.Sprintf("c%02d", n), issued, "zjj")
				sl.Draft.Deadline = d
				sl.StartIssued()
				_, err := st.RecordIssued(ctx, sl)
				require.NoError(t, err)
				at := issued
				if p.ack {
					at = at.Add(time.Hour)
					ev, ok := sl.Remind(slip.Reminder{Kind: slip.EventAckReminder, At: at}, at)
					require.True(t, ok)
					require.NoError(t, st.Project(ctx, sl, ev))
				}
				for _, cmd := range p.steps {
					at = at.Add(time.Hour)
					apply(t, st, &sl, cmd, at)
				}
				if c := reminder.ColourOf(sl, today, yellowBy); c != reminder.None {
					want[string(c)] = append(want[string(c)], sl.ID)
				}
			}
		}
		// A slip whose co-unit's part is due before the slip itself is
		// coloured by that part while it is open (slip.WorstDeadline), on
		// the whole ledger and on each unit's (whose totals come from the
		// rollup); once the part is done, by the slip's own deadline again.
		far := yellowBy.AddDays(40)
		wantOf := map[string]map[string][]string{"zjj": {}, "fgw": {}}
		for colour, ids := range want {
			wantOf["zjj"][colour] = append([]string(nil), ids...)
		}
		for _, d := range deadlines {
			for _, done := range []bool{false, true} {
				n++
				sl := newSlip(fmt.Sprintf("c%02d", n), issued, "zjj", "fgw")
				sl.Draft.Deadline = far
				sl.Draft.CoDeadlines = map[string]calendar.Date{"fgw": d}
				sl.Tracks = slip.NewTracks(sl.Draft, issued, calendar.DateOf(issued).AddDays(2))
				sl.StartIssued()
				_, err := st.RecordIssued(ctx, sl)
				require.NoError(t, err)
				at := issued.Add(time.Hour)
				apply(t, st, &sl, slip.Command{Action: slip.ActionAcknowledge, Actor: "a"}, at)
				apply(t, st, &sl, slip.Command{Action: slip.ActionCoAcknowledge, Actor: "b", TrackFields: slip.TrackFields{Department: "fgw"}}, at.Add(time.Hour))
				if done {
					apply(t, st, &sl, slip.Command{Action: slip.ActionCompletePart, Actor: "b", Summary: "已完成", TrackFields: slip.TrackFields{Department: "fgw"}}, at.Add(2*time.Hour))
				}
				c := string(reminder.ColourOf(sl, today, yellowBy))
				if done {
					assert.Equal(t, "green", c, "slip %s: its co-unit's part done, the slip's own deadline colours it", sl.ID)
				} else if d.Before(today) {
					assert.Equal(t, "red", c, "slip %s: its co-unit's part is overdue", sl.ID)
				}
				want[c] = append(want[c], sl.ID)
				wantOf["zjj"][c] = append(wantOf["zjj"][c], sl.ID)
				wantOf["fgw"][c] = append(wantOf["fgw"][c], sl.ID)
			}
		}
		for _, dept := range []string{"zjj", "fgw"} {
			for _, colour := range []string{"red", "yellow", "green"} {
				page, err := st.ListSlips(ctx, store.Filter{Department: dept, Colour: colour, Today: today.String(), YellowBy: yellowBy.String(), PageSize: store.MaxPageSize})
				require.NoError(t, err)
				var got []string
				for _, s := range page.Items {
					got = append(got, s.ID)
				}
				sort.Strings(got)
				sort.Strings(wantOf[dept][colour])
				assert.Equal(t, wantOf[dept][colour], got, "%s, colour %s", dept, colour)
				assert.Equal(t, int64(len(wantOf[dept][colour])), page.Total, "%s, colour %s counted (rollup)", dept, colour)
			}
		}
		for _, colour := range []string{"red", "yellow", "green"} {
			page, err := st.ListSlips(ctx, store.Filter{Colour: colour, Today: today.String(), YellowBy: yellowBy.String(), PageSize: store.MaxPageSize})
			require.NoError(t, err)
			var got []string
			for _, s := range page.Items {
				got = append(got, s.ID)
			}
			sort.Strings(got)
			sort.Strings(want[colour])
			assert.Equal(t, want[colour], got, "colour %s", colour)
			assert.Equal(t, int64(len(want[colour])), page.Total, "colour %s counted", colour)
		}
		assert.NotEmpty(t, want["red"])
		assert.NotEmpty(t, want["yellow"])
		assert.NotEmpty(t, want["green"])
	})
}

// TestOwnLedgerColoursByOwnPart: on a unit's own ledger (VisibleTo, a
// department user) the 三色 filter, the overdue filter and their counts
// pick exactly the slips reminder.PartColourOf colours so for that unit:
// the lead by the lead's part, the co-unit by its own part — its own
// deadline either side of today and the yellow threshold, signed for or
// not, reminded or not, done — and a slip without parts by the slip. The
// Go rule and the SQL rule (store/colour.go partConditions) are written
// twice; this keeps them the same.
func TestOwnLedgerColoursByOwnPart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		seedDepartments(t, st, "zjj", "fgw")
		today := calendar.MustParseDate("2026-11-16")
		yellowBy := calendar.MustParseDate("2026-11-19")
		issued := time.Date(2026, 11, 2, 9, 0, 0, 0, calendar.Zone)
		deadlines := []calendar.Date{today.AddDays(-1), today, yellowBy, yellowBy.AddDays(1)}
		var slips []slip.Slip
		n := 0
		coDept := slip.TrackFields{Department: "fgw"}
		for _, slipDue := range []calendar.Date{today.AddDays(-1), yellowBy, yellowBy.AddDays(30)} {
			for _, partDue := range deadlines {
				if partDue.After(slipDue) {
					continue
				}
				for _, state := range []string{"issued", "reminded", "signed", "done", "lead reminded", "lead signed"} {
					n++
					sl := newSlip(fmt.Sprintf("p%03d", n), issued, "zjj", "fgw")
					sl.Draft.Deadline = slipDue
					sl.Draft.CoDeadlines = map[string]calendar.Date{"fgw": partDue}
					sl.Tracks = slip.NewTracks(sl.Draft, issued, calendar.DateOf(issued).AddDays(2))
					sl.StartIssued()
					_, err := st.RecordIssued(ctx, sl)
					require.NoError(t, err)
					at := issued.Add(time.Hour)
					switch state {
					case "reminded":
						ev, ok := sl.RemindTrack(slip.TrackReminder{Department: "fgw", Reminder: slip.Reminder{Kind: slip.EventAckReminder, At: at}}, at)
						require.True(t, ok)
						require.NoError(t, st.Project(ctx, sl, ev))
					case "signed", "done":
						apply(t, st, &sl, slip.Command{Action: slip.ActionCoAcknowledge, Actor: "b", TrackFields: coDept}, at)
						if state == "done" {
							apply(t, st, &sl, slip.Command{Action: slip.ActionCompletePart, Actor: "b", Summary: "已完成", TrackFields: coDept}, at.Add(time.Hour))
						}
					case "lead reminded":
						ev, ok := sl.Remind(slip.Reminder{Kind: slip.EventAckReminder, At: at}, at)
						require.True(t, ok)
						require.NoError(t, st.Project(ctx, sl, ev))
					case "lead signed":
						apply(t, st, &sl, slip.Command{Action: slip.ActionAcknowledge, Actor: "a"}, at)
					}
					slips = append(slips, sl)
				}
			}
		}
		// Slips without parts (issued before they existed): coloured whole.
		// Their ids fall between the others' (p001a after p001), so a page
		// of the newest interleaves the two kinds, and there are more of
		// each colour than a page holds.
		for k := range 24 {
			sl := newSlip(fmt.Sprintf("p%03da", 1+2*k), issued, "zjj", "fgw")
			sl.Draft.Deadline = deadlines[k%len(deadlines)]
			sl.StartIssued()
			_, err := st.RecordIssued(ctx, sl)
			require.NoError(t, err)
			slips = append(slips, sl)
		}
		ids := func(f store.Filter) ([]string, int64) {
			f.Today, f.YellowBy, f.PageSize = today.String(), yellowBy.String(), store.MaxPageSize
			page, err := st.ListSlips(ctx, f)
			require.NoError(t, err)
			var got []string
			for _, s := range page.Items {
				got = append(got, s.ID)
			}
			sort.Strings(got)
			return got, page.Total
		}
		// walk pages through f three slips at a time, newest first; each
		// page counts them all.
		walk := func(f store.Filter, total int) []string {
			f.Today, f.YellowBy, f.PageSize = today.String(), yellowBy.String(), 3
			var got []string
			for pages := 0; ; pages++ {
				require.Less(t, pages, 100, "the cursor does not move on")
				page, err := st.ListSlips(ctx, f)
				require.NoError(t, err)
				assert.Equal(t, int64(total), page.Total, "every page counts them all")
				for _, s := range page.Items {
					got = append(got, s.ID)
				}
				if page.NextCursor == "" {
					return got
				}
				f.Cursor = page.NextCursor
			}
		}
		newestFirst := func(ids []string) []string {
			out := slices.Clone(ids)
			slices.Sort(out)
			slices.Reverse(out)
			return out
		}
		differ := 0
		for _, dept := range []string{"zjj", "fgw"} {
			want := map[reminder.Colour][]string{}
			for _, sl := range slips {
				c := reminder.PartColourOf(sl, dept, today, yellowBy)
				want[c] = append(want[c], sl.ID)
				if c != reminder.ColourOf(sl, today, yellowBy) {
					differ++
				}
			}
			for _, ids := range want {
				sort.Strings(ids)
			}
			for _, c := range []reminder.Colour{reminder.Red, reminder.Yellow, reminder.Green} {
				got, total := ids(store.Filter{VisibleTo: dept, Colour: string(c)})
				assert.Equal(t, want[c], got, "%s's ledger, colour %s", dept, c)
				assert.Equal(t, int64(len(want[c])), total, "%s's ledger, colour %s counted", dept, c)
				assert.NotEmpty(t, want[c], "%s has %s parts", dept, c)
				assert.Equal(t, newestFirst(want[c]), walk(store.Filter{VisibleTo: dept, Colour: string(c)}, len(want[c])),
					"%s's ledger, colour %s, page by page", dept, c)
			}
			assert.Equal(t, newestFirst(want[reminder.Red]), walk(store.Filter{VisibleTo: dept, OverdueOn: today.String()}, len(want[reminder.Red])),
				"%s's ledger, overdue, page by page", dept)
			got, total := ids(store.Filter{VisibleTo: dept, OverdueOn: today.String()})
			assert.Equal(t, want[reminder.Red], got, "%s's ledger, overdue", dept)
			assert.Equal(t, int64(len(want[reminder.Red])), total, "%s's ledger, overdue counted", dept)
		}
		assert.Positive(t, differ, "some parts are coloured otherwise than their slips")
		// The office's ledger of a unit still colours by the slip's worst part.
		got, _ := ids(store.Filter{Department: "zjj", Colour: "red"})
		var wantRed []string
		for _, sl := range slips {
			if reminder.ColourOf(sl, today, yellowBy) == reminder.Red {
				wantRed = append(wantRed, sl.ID)
			}
		}
		sort.Strings(wantRed)
		assert.Equal(t, wantRed, got)
	})
}
