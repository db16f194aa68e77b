package store_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
)

// TestDigestListsEachPartByItsOwnDeadline: the digest of the week ending
// 2026-10-18 lists a co-unit's part by the part's deadline. On slip a (due
// 12-31) 发改委's part is due 10-16: 发改委 hears of it, due 10-16, the lead
// 住建局 does not (its part is not due). On slip b (due 10-16) 发改委 finished
// its part: only the lead hears. Slip c has no parts (issued before tracks):
// both its units hear by its own deadline, as before.
func TestDigestListsEachPartByItsOwnDeadline(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		seedDepartments(t, st, "fgw", "zjj")
		issued := time.Date(2026, 10, 9, 9, 0, 0, 0, calendar.Zone)
		refuseBy := calendar.MustParseDate("2026-10-13")

		a := newSlip("a", issued, "zjj", "fgw")
		a.Draft.CoDeadlines = map[string]calendar.Date{"fgw": calendar.MustParseDate("2026-10-16")}
		a.Tracks = slip.NewTracks(a.Draft, issued, refuseBy)
		a.StartIssued()
		_, err := st.RecordIssued(ctx, a)
		require.NoError(t, err)

		b := newSlip("b", issued, "zjj", "fgw")
		b.Draft.Deadline = calendar.MustParseDate("2026-10-16")
		b.Tracks = slip.NewTracks(b.Draft, issued, refuseBy)
		b.StartIssued()
		_, err = st.RecordIssued(ctx, b)
		require.NoError(t, err)
		apply(t, st, &b, slip.Command{Action: slip.ActionCoAcknowledge, Actor: "发改委", TrackFields: slip.TrackFields{Department: "fgw"}}, issued.Add(time.Hour))
		apply(t, st, &b, slip.Command{Action: slip.ActionCompletePart, Actor: "发改委", Summary: "已报协办意见", TrackFields: slip.TrackFields{Department: "fgw"}}, issued.Add(2*time.Hour))

		c := newSlip("c", issued, "zjj", "fgw")
		c.Draft.Deadline = calendar.MustParseDate("2026-10-12")
		c.StartIssued()
		_, err = st.RecordIssued(ctx, c)
		require.NoError(t, err)

		items, err := st.DigestItems(ctx, "2026-10-18")
		require.NoError(t, err)
		type line struct{ dept, role, id, deadline string }
		var got []line
		for _, it := range items {
			got = append(got, line{it.Department, it.Role, it.SlipID, it.Deadline})
		}
		assert.Equal(t, []line{
			{"fgw", "co", "c", "2026-10-12"},
			{"fgw", "co", "a", "2026-10-16"},
			{"zjj", "lead", "c", "2026-10-12"},
			{"zjj", "lead", "b", "2026-10-16"},
		}, got)
	})
}
