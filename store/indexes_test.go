package store_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
)

// TestMissingIndexes: a freshly migrated ledger has every index its
// migrations made and did not drop (which also checks that reading them
// from the migrations understands every one written so far); one dropped
// behind the store's back is named, with the migration that made it.
func TestMissingIndexes(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			url := storetest.URL(t, d)
			st := storetest.OpenURL(t, url)
			missing, err := st.MissingIndexes(ctx)
			require.NoError(t, err)
			assert.Empty(t, missing, "a freshly migrated ledger")

			name, migration := "slip_tracks_co_late_idx", "store/migrations/sqlite/0090_part_colour.sql"
			if d == store.Postgres {
				name, migration = "slips_keyword_idx", "store/migrations/postgres/0100_keyword_units.sql"
			}
			_, err = storetest.OpenRaw(t, url).ExecContext(ctx, "DROP INDEX "+name)
			require.NoError(t, err)
			missing, err = st.MissingIndexes(ctx)
			require.NoError(t, err)
			assert.Equal(t, []store.MissingIndex{{Name: name, Migration: migration}}, missing)
		})
	}
}
