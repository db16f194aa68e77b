package store

import "testing"

// SetCountLimit lowers how far the ledger counts, for the rest of the test.
func SetCountLimit(t testing.TB, n int64) {
	old := countLimit
	countLimit = n
	t.Cleanup(func() { countLimit = old })
}
