// Package activities holds every side effect of the slip workflow. Today that
// is the ledger projection: writing what the workflow decided into the store
// that serves reads.
//
// Projections are idempotent. Temporal may run an activity more than once
// (a retry after a timeout, a worker that died after writing); each write is
// keyed by (slip id, sequence number), so a repeat neither duplicates an
// event nor moves a slip's status backwards.
package activities

import (
	"context"
	"fmt"

	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
)

// Activities are the slip workflow's activities. Register a pointer with a
// worker; the workflow refers to its methods by name.
type Activities struct {
	Store *store.Store
}

// Projection is one accepted action: the slip as it stands after the action,
// and the timeline event that records it.
type Projection struct {
	Slip  slip.Slip  `json:"slip"`
	Event slip.Event `json:"event"`
}

// RecordIssued puts a newly issued slip on the ledger with its first timeline
// event and returns the slip's number (督〔2026〕17号). A repeat returns the
// number given the first time.
func (a *Activities) RecordIssued(ctx context.Context, s slip.Slip) (string, error) {
	number, err := a.Store.RecordIssued(ctx, s)
	if err != nil {
		return "", fmt.Errorf("record issued slip %s: %w", s.ID, err)
	}
	return number, nil
}

// Project writes one accepted action to the ledger.
func (a *Activities) Project(ctx context.Context, p Projection) error {
	if err := a.Store.Project(ctx, p.Slip, p.Event); err != nil {
		return fmt.Errorf("project event %d of slip %s: %w", p.Event.Seq, p.Slip.ID, err)
	}
	return nil
}
