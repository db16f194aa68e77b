package store_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
)

// TestSeriallyRunsWithoutParallelWorkers: on PostgreSQL a keyword page's
// statements run with parallel workers off, and only they: the setting is
// the transaction's, gone once it ends, so the statistics keep their
// workers on the same connections; fn's error comes back as fn gave it.
func TestSeriallyRunsWithoutParallelWorkers(t *testing.T) {
	st := storetest.Open(t, store.Postgres)
	before, err := store.ParallelWorkers(ctx, st)
	require.NoError(t, err)
	require.NotEqual(t, "0", before, "the server's default plans parallel workers")

	inside, err := store.ParallelWorkersSerially(ctx, st, nil)
	require.NoError(t, err)
	assert.Equal(t, "0", inside)
	for range 25 { // every pooled connection, not just the one that ran it
		after, err := store.ParallelWorkers(ctx, st)
		require.NoError(t, err)
		assert.Equal(t, before, after)
	}

	invalid := slip.Invalid("q", "关键词过长")
	_, err = store.ParallelWorkersSerially(ctx, st, invalid)
	assert.Equal(t, invalid, err)
}
