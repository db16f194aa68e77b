package app

import (
	"context"

	"github.com/duban-gov/duban/store"
)

// OpenStore opens the ledger at url (postgres://… or sqlite:PATH) as every
// command does: slip numbers start with numberPrefix (empty: 督) and the
// statistics count working days on the rules' lenient calendar. It does not
// migrate.
func OpenStore(ctx context.Context, url, numberPrefix string, r Rules) (*store.Store, error) {
	return store.Open(ctx, url, store.Options{NumberPrefix: numberPrefix, Calendar: r.Lenient})
}
