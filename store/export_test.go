package store

import "testing"

// SetCountLimit lowers how far the ledger counts, for the rest of the test.
func SetCountLimit(t testing.TB, n int64) {
	old := countLimit
	countLimit = n
	t.Cleanup(func() { countLimit = old })
}

// CountFromSlips makes the statistics read the slips, never the rollup, for
// the rest of the test: the reference the rollup is checked against.
func CountFromSlips(t testing.TB) {
	useRollup = false
	t.Cleanup(func() { useRollup = true })
}
