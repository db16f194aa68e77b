package store_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/duban-gov/duban/calendar"
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
