package store

import (
	"context"
	"database/sql"
	"fmt"

	"gorm.io/gorm"
)

// noParallelWorkers keeps PostgreSQL from planning parallel workers for the
// rest of a transaction. A keyword page's count and rows are each a small
// query: starting two workers cost 10–20 ms before the first row, and took
// cores from the requests beside it. On two cores keyword pages took up to
// half the time without them (住建局's 小区: p95 78–100 → 51–55 ms; 整治
// 69–73 → 38–41; the office's 桥 69–76 → 41–58). The statistics' aggregates
// of a year, which gain from workers (a scoped year's summary took 35 %
// longer without), keep them.
const noParallelWorkers = "SET LOCAL max_parallel_workers_per_gather = 0"

// serially runs fn with a store whose statements run, on PostgreSQL, in
// one read-only transaction without parallel workers (noParallelWorkers)
// — its reads also see one snapshot, so a page's count and its rows agree.
// On SQLite, which has no parallel plans, fn gets s itself.
func (s *Store) serially(ctx context.Context, fn func(*Store) error) error {
	if s.dialect != Postgres {
		return fn(s)
	}
	var fnErr error
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(noParallelWorkers).Error; err != nil {
			return fmt.Errorf("read serially: %w", err)
		}
		in := *s
		in.db = tx
		fnErr = fn(&in)
		return fnErr
	}, &sql.TxOptions{ReadOnly: true})
	if fnErr != nil {
		return fnErr // as fn gave it: a domain error stays one
	}
	return err
}
