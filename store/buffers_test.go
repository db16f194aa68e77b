package store_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
)

// TestBufferFit: on PostgreSQL it reads the server's shared_buffers as
// SHOW gives it and a working set that holds at least the slips' and
// parts' tables and grows with them; SQLite has none to read.
func TestBufferFit(t *testing.T) {
	_, ok, err := storetest.Open(t, store.SQLite).BufferFit(ctx)
	require.NoError(t, err)
	assert.False(t, ok, "SQLite has no shared buffers")

	url := storetest.URL(t, store.Postgres)
	st := storetest.OpenURL(t, url)
	fit, ok, err := st.BufferFit(ctx)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, sizeBytes(t, store.Setting(t, st, "shared_buffers")), fit.SharedBuffers)

	raw := storetest.OpenRaw(t, url)
	var tables int64
	require.NoError(t, raw.QueryRowContext(ctx, `SELECT pg_relation_size('slips') + pg_relation_size('slip_tracks')`).Scan(&tables))
	assert.GreaterOrEqual(t, fit.WorkingSet, tables)
	assert.Positive(t, fit.WorkingSet, "the indexes have pages even when the tables have none")

	// Ten thousand more parts of one slip, written straight into the
	// table: the working set is the relations' size, whatever wrote them.
	seedDepartments(t, st, "fgw")
	_, err = st.RecordIssued(ctx, newSlip("a", time.Date(2026, 3, 2, 9, 0, 0, 0, calendar.Zone), "fgw"))
	require.NoError(t, err)
	_, err = raw.ExecContext(ctx, `INSERT INTO slip_tracks (slip_id, position, department_code, role, status, deadline, assigned_on, detail)
		SELECT 'a', 1000 + g, 'fgw', 'co', 'issued', '2026-12-31', '2026-12-01', repeat('x', 300)
		FROM generate_series(1, 10000) AS g`)
	require.NoError(t, err)
	grown, _, err := st.BufferFit(ctx)
	require.NoError(t, err)
	assert.Greater(t, grown.WorkingSet, fit.WorkingSet+3_000_000, "10,000 parts of 300 bytes")
}

func TestBufferFitShort(t *testing.T) {
	assert.False(t, store.BufferFit{SharedBuffers: 128 << 20, WorkingSet: 5 << 20}.Short())
	assert.False(t, store.BufferFit{SharedBuffers: 4 << 30, WorkingSet: 4 << 30}.Short())
	assert.True(t, store.BufferFit{SharedBuffers: 128 << 20, WorkingSet: 2300 << 20}.Short())
}

// sizeBytes reads a size as PostgreSQL's SHOW prints it (128MB, 4GB, 8kB).
func sizeBytes(t *testing.T, s string) int64 {
	t.Helper()
	units := map[string]int64{"kB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30, "TB": 1 << 40}
	for suffix, n := range units {
		if num, ok := strings.CutSuffix(s, suffix); ok {
			v, err := strconv.ParseInt(num, 10, 64)
			require.NoError(t, err, s)
			return v * n
		}
	}
	t.Fatalf("size %q has no unit", s)
	return 0
}
