package store_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store/storetest"
)

// TestIssueWritesTheSlipRowOnceOnPostgres: a slip goes onto the PostgreSQL
// ledger with its units in the INSERT, so the trigger that keeps them
// (migration 0100) has nothing left to change and the row is written once —
// its only version is the first item of the table's first page, the next
// slip's the second — where a second write would have left a newer version
// behind it. The units are the departments, the lead first, in order.
func TestIssueWritesTheSlipRowOnceOnPostgres(t *testing.T) {
	url := storetest.PostgresDatabase(t)
	st := storetest.OpenURL(t, url)
	seedDepartments(t, st, "fgw", "zjj", "jtj")
	day := time.Date(2026, 3, 2, 9, 0, 0, 0, calendar.Zone)
	_, err := st.RecordIssued(ctx, newSlip("a", day, "zjj", "jtj", "fgw"))
	require.NoError(t, err)
	_, err = st.RecordIssued(ctx, newSlip("b", day, "fgw"))
	require.NoError(t, err)

	db := storetest.OpenRaw(t, url)
	for id, want := range map[string][2]string{"a": {"(0,1)", "{zjj,jtj,fgw}"}, "b": {"(0,2)", "{fgw}"}} {
		var ctid, units string
		require.NoError(t, db.QueryRowContext(ctx, "SELECT ctid::text, units::text FROM slips WHERE id = $1", id).Scan(&ctid, &units))
		require.Equal(t, want[0], ctid, "slip %s: the row was written more than once", id)
		require.Equal(t, want[1], units, "slip %s", id)
	}
}

// TestProjectionRewritesOnlyTheChangedParts: a projection offers every part
// of the slip, and PostgreSQL writes only the parts that differ from the
// ledger's — each write is a new row version (xmin) and new entries in the
// parts' indexes. A co-unit's 签收 changes its own part; 复核通过 changes
// none. What is written is what the slip says.
func TestProjectionRewritesOnlyTheChangedParts(t *testing.T) {
	url := storetest.PostgresDatabase(t)
	st := storetest.OpenURL(t, url)
	seedDepartments(t, st, "fgw", "zjj", "jtj")
	db := storetest.OpenRaw(t, url)
	versions := func() []string {
		rows, err := db.QueryContext(ctx, "SELECT xmin::text FROM slip_tracks WHERE slip_id = 'a' ORDER BY position")
		require.NoError(t, err)
		defer rows.Close()
		var out []string
		for rows.Next() {
			var v string
			require.NoError(t, rows.Scan(&v))
			out = append(out, v)
		}
		require.NoError(t, rows.Err())
		return out
	}

	at := time.Date(2026, 3, 2, 9, 0, 0, 0, calendar.Zone)
	sl := newSlip("a", at, "zjj", "fgw", "jtj")
	sl.Tracks = slip.NewTracks(sl.Draft, at, calendar.MustParseDate("2026-03-05"))
	_, err := st.RecordIssued(ctx, sl)
	require.NoError(t, err)
	issued := versions()
	require.Len(t, issued, 3)

	apply(t, st, &sl, slip.Command{Action: slip.ActionCoAcknowledge, Actor: "发改委", TrackFields: slip.TrackFields{Department: "fgw"}}, at.Add(time.Hour))
	acked := versions()
	require.Equal(t, issued[0], acked[0], "the lead's part did not change")
	require.NotEqual(t, issued[1], acked[1], "fgw's part was signed for")
	require.Equal(t, issued[2], acked[2], "jtj's part did not change")

	apply(t, st, &sl, slip.Command{Action: slip.ActionAcknowledge, Actor: "住建局"}, at.Add(2*time.Hour))
	apply(t, st, &sl, slip.Command{Action: slip.ActionCoAcknowledge, Actor: "交通局", TrackFields: slip.TrackFields{Department: "jtj"}}, at.Add(2*time.Hour))
	for _, co := range []string{"fgw", "jtj"} {
		apply(t, st, &sl, slip.Command{Action: slip.ActionCompletePart, Actor: co, Summary: "已完成", TrackFields: slip.TrackFields{Department: co}}, at.Add(2*time.Hour))
	}
	apply(t, st, &sl, slip.Command{Action: slip.ActionResolve, Actor: "住建局", Summary: "已完成"}, at.Add(3*time.Hour))
	resolved := versions()
	apply(t, st, &sl, slip.Command{Action: slip.ActionPassReview, Actor: "督查室"}, at.Add(4*time.Hour))
	require.Equal(t, resolved, versions(), "复核通过 changes no part")

	got, err := st.GetSlip(ctx, "a")
	require.NoError(t, err)
	require.Len(t, got.Tracks, 3)
	for i, tr := range got.Tracks {
		require.Equal(t, sl.Tracks[i].Status, tr.Status, "part %d", i)
		require.Equal(t, sl.Tracks[i].AcknowledgedAt == nil, tr.AcknowledgedAt == nil, "part %d", i)
	}
}
