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

// customPlans has PostgreSQL plan each statement of the rest of a
// transaction for its own arguments. The driver prepares every statement,
// and after five runs PostgreSQL may keep one generic plan for all
// arguments: for the statistics that plan was the one for a unit of average
// size, which read every slip to count a district's (a scoped office's year
// by lead department: 75 ms for its first five runs, then 1.3-2.5 s; the
// whole office's year by department 69 → 129 ms, the monthly ranking 315 →
// 421 ms). Planning each time costs the writes more than it saves them
// (their statements find one row by key), so only the reads that vary with
// their arguments ask for it.
const customPlans = "SET LOCAL plan_cache_mode = force_custom_plan"

// serially runs fn with a store whose statements run, on PostgreSQL, in
// one read-only transaction without parallel workers (noParallelWorkers)
// and planned for their arguments (customPlans) — its reads also see one
// snapshot, so a page's count and its rows agree. On SQLite, which has no
// parallel plans, fn gets s itself.
func (s *Store) serially(ctx context.Context, fn func(*Store) error) error {
	return s.readTx(ctx, fn, noParallelWorkers, customPlans)
}

// planned runs fn with a store whose statements run, on PostgreSQL, in one
// read-only transaction planned for their arguments (customPlans).
func (s *Store) planned(ctx context.Context, fn func(*Store) error) error {
	return s.readTx(ctx, fn, customPlans)
}

// readTx runs fn in one read-only transaction with settings (SET LOCAL
// statements) on PostgreSQL, and on s itself on SQLite.
func (s *Store) readTx(ctx context.Context, fn func(*Store) error, settings ...string) error {
	if s.dialect != Postgres {
		return fn(s)
	}
	var fnErr error
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, set := range settings {
			if err := tx.Exec(set).Error; err != nil {
				return fmt.Errorf("read transaction: %w", err)
			}
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
