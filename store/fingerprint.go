package store

import (
	"context"
	"fmt"
	"strings"
)

// fingerprintQueries summarise every table that a request could change.
var fingerprintQueries = []string{
	"SELECT COUNT(*) FROM departments",
	"SELECT COUNT(*) FROM slips",
	"SELECT COALESCE(SUM(last_seq), 0) FROM slips",
	"SELECT COUNT(*) FROM events",
	"SELECT COUNT(*) FROM slip_departments",
	"SELECT COUNT(*) FROM request_keys",
	"SELECT COUNT(*) FROM request_keys WHERE answer IS NOT NULL",
	"SELECT COUNT(*) FROM notifications",
	"SELECT COUNT(*) FROM notifications WHERE read_at IS NOT NULL",
	"SELECT COUNT(*) FROM webhooks WHERE disabled_at IS NULL",
	"SELECT COUNT(*) FROM users WHERE disabled_at IS NULL",
	"SELECT COUNT(*) FROM api_tokens WHERE revoked_at IS NULL",
	"SELECT COALESCE(SUM(extensions), 0) FROM slips",
	"SELECT COUNT(*) FROM ranking_adjustments",
	"SELECT COUNT(*) FROM ranking_snapshots",
}

// Fingerprint summarises the ledger's contents in one string, so a test can
// assert that a refused request changed nothing anywhere.
func (s *Store) Fingerprint(ctx context.Context) (string, error) {
	parts := make([]string, 0, len(fingerprintQueries))
	for _, q := range fingerprintQueries {
		var n int64
		if err := s.db.WithContext(ctx).Raw(q).Scan(&n).Error; err != nil {
			return "", fmt.Errorf("fingerprint %q: %w", q, err)
		}
		parts = append(parts, fmt.Sprint(n))
	}
	return strings.Join(parts, "/"), nil
}
