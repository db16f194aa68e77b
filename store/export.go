package store

import (
	"context"
	"fmt"

	"github.com/duban-gov/duban/slip"
)

// Batch sizes of EachSlip: a batch is one query for the slips and one for
// their departments, so the largest batch must stay under the bind-parameter
// limits of both databases (the department query binds one id per slip).
const (
	DefaultExportBatch = 1000
	MaxExportBatch     = 5000
)

// EachSlip calls fn with every slip matching f in f.Sort's order — the order
// of the ledger pages — so an export of a million slips holds one batch in
// memory, never the whole ledger. f.PageSize and f.Cursor are ignored: the
// walk always covers everything f selects.
//
// The walk is a keyset scan in batches of batch rows (0 means
// DefaultExportBatch; at most MaxExportBatch), each batch with its
// departments loaded in one more query. It is not a snapshot: each batch reads
// the ledger as it is when the batch runs, so a slip that changes status
// during a long export shows its status at that moment, and slips issued
// after the walk began are visited only if they sort after its position. An error from fn stops the walk and is returned as is.
func (s *Store) EachSlip(ctx context.Context, f Filter, batch int, fn func(slip.Slip) error) error {
	if batch <= 0 {
		batch = DefaultExportBatch
	}
	batch = min(batch, MaxExportBatch)
	if !f.Sort.Valid() {
		return InvalidSort()
	}
	var after *position
	for {
		var rows []slipRow
		if err := f.Sort.after(s.filtered(ctx, f), after).Limit(batch).Find(&rows).Error; err != nil {
			return fmt.Errorf("export ledger after %+v: %w", after, err)
		}
		if len(rows) == 0 {
			return nil
		}
		slips, err := s.withDepartments(ctx, rows)
		if err != nil {
			return fmt.Errorf("export ledger: %w", err)
		}
		for _, sl := range slips {
			if err := fn(sl); err != nil {
				return err
			}
		}
		if len(rows) < batch {
			return nil
		}
		last := rows[len(rows)-1]
		after = &position{Sort: f.Sort, Key: f.Sort.keyOf(last), ID: last.ID}
	}
}
