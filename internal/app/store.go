package app

import (
	"context"
	"time"

	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/store"
)

// OpenStore opens the ledger at url (postgres://… or sqlite:PATH) as every
// command does: slip numbers start with numberPrefix (empty: 督) and the
// statistics count working days on the rules' lenient calendar. It does not
// migrate.
func OpenStore(ctx context.Context, url, numberPrefix string, r Rules) (*store.Store, error) {
	return store.Open(ctx, url, store.Options{NumberPrefix: numberPrefix, Calendar: r.Lenient})
}

// IssueToken makes an API token for a user and records its hash on the
// ledger; the plain token it returns is the only copy there will be. ttl 0
// means no expiry. The commands, the bench and the tests issue tokens here.
func IssueToken(ctx context.Context, st *store.Store, userID int64, label string, ttl time.Duration) (string, store.Token, error) {
	plain, hash, err := identity.NewToken()
	if err != nil {
		return "", store.Token{}, err
	}
	info, err := st.CreateToken(ctx, userID, label, hash, ttl)
	if err != nil {
		return "", store.Token{}, err
	}
	return plain, info, nil
}
