package store

import (
	"context"
	"fmt"
)

// BufferFit compares PostgreSQL's shared buffers with the ledger's working
// set, what the 台账's pages and exports read on every walk.
//
// A department's export at a million slips reads 2.3 GB of them. Under
// PostgreSQL's default shared_buffers (128 MB) every page of that is copied
// in from the operating system's cache and another evicted, and PostgreSQL's
// CPU for 住建局's 107k rows was 1.43–1.68 s; with shared_buffers holding the
// working set, 1.21–1.50 s, and the export through the API took 1.32 s
// instead of 1.51 (medians of 24). A shared_buffers between the two (1 GB)
// was no better than the default: the walk evicts what it needs next.
type BufferFit struct {
	// SharedBuffers is PostgreSQL's shared_buffers, in bytes.
	SharedBuffers int64
	// WorkingSet is the size in bytes of workingSetRelations.
	WorkingSet int64
}

// Short says whether the working set does not fit in the shared buffers.
func (f BufferFit) Short() bool { return f.WorkingSet > f.SharedBuffers }

// workingSetRelations are the relations every ledger walk reads: the slips
// and their parts, the indexes a slip and its parts are found by, and the
// one a department's slips are walked by.
var workingSetRelations = []string{
	"slips", "slip_tracks", "slips_pkey", "slip_tracks_pkey", "slip_departments_department_idx",
}

// BufferFit reads PostgreSQL's shared_buffers and the size of the ledger's
// working set; ok is false on SQLite, which has no shared buffers (its file
// is read through the operating system's cache).
func (s *Store) BufferFit(ctx context.Context) (fit BufferFit, ok bool, err error) {
	if s.dialect != Postgres {
		return BufferFit{}, false, nil
	}
	err = s.db.WithContext(ctx).Raw(`SELECT pg_size_bytes(current_setting('shared_buffers')) AS shared_buffers,
		(SELECT COALESCE(SUM(pg_relation_size(c.oid)), 0) FROM pg_class AS c
		 WHERE c.relnamespace = current_schema()::regnamespace AND c.relname IN ?) AS working_set`,
		workingSetRelations).Row().Scan(&fit.SharedBuffers, &fit.WorkingSet)
	if err != nil {
		return BufferFit{}, false, fmt.Errorf("read shared_buffers and the ledger's size: %w", err)
	}
	return fit, true, nil
}
