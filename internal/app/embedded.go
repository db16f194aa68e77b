package app

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/duban-gov/duban/internal/devserver"
	"github.com/duban-gov/duban/metrics"
	"github.com/duban-gov/duban/store"
)

// Embedded is the embedded default's storage side: the in-process Temporal
// server persisted to DIR/temporal.db, a client of it, and the ledger on
// SQLite in DIR/duban.db, migrated. `duban dev`, `duban bench` and
// `duban reconcile --data-dir` start it the same way.
type Embedded struct {
	Server *devserver.Server
	Client client.Client
	Store  *store.Store
	// TemporalDB and LedgerDB are the two files.
	TemporalDB, LedgerDB string
}

// EmbeddedOptions say where and how to start the embedded default.
type EmbeddedOptions struct {
	// Dir holds temporal.db and duban.db (absolute or relative to the
	// working directory).
	Dir string
	// TemporalPort is the frontend's port (0: any free one).
	TemporalPort int
	// NumberPrefix starts slip numbers (empty: 督).
	NumberPrefix string
	Rules        Rules
	Log          *slog.Logger
	// Metrics receives the Temporal SDK's metrics.
	Metrics *metrics.Registry
	// WorkflowCacheSize is the process's sticky workflow cache (see
	// Config.WorkflowCacheSize); 0 leaves the SDK's default.
	WorkflowCacheSize int
}

// StartEmbedded starts Temporal, opens and migrates the ledger and dials
// Temporal. Close stops them all.
func StartEmbedded(ctx context.Context, o EmbeddedOptions) (_ *Embedded, err error) {
	e := &Embedded{TemporalDB: filepath.Join(o.Dir, "temporal.db"), LedgerDB: filepath.Join(o.Dir, "duban.db")}
	defer func() {
		if err != nil {
			err = errors.Join(err, e.Close())
		}
	}()
	if o.WorkflowCacheSize > 0 {
		// The cache is process-wide and sized once, by the first worker to
		// start — and the in-process server starts its own system workers,
		// which would fix it at the SDK's 10,000 before ours (measured:
		// 5,105 slip workflows cached, 800 MB, with 2,000 asked for).
		worker.SetStickyWorkflowCacheSize(o.WorkflowCacheSize)
	}
	if e.Server, err = devserver.Start(ctx, devserver.Options{DBFile: e.TemporalDB, Port: o.TemporalPort}); err != nil {
		return nil, err
	}
	if e.Store, err = OpenStore(ctx, "sqlite:"+e.LedgerDB, o.NumberPrefix, o.Rules); err != nil {
		return nil, err
	}
	if err = e.Store.Migrate(ctx); err != nil {
		return nil, err
	}
	if e.Client, err = DialTemporal(ctx, e.Server.HostPort(), e.Server.Namespace(), o.Log, o.Metrics); err != nil {
		return nil, err
	}
	return e, nil
}

// Close closes the client and the ledger and stops Temporal.
func (e *Embedded) Close() error {
	var errs []error
	if e.Client != nil {
		e.Client.Close()
	}
	if e.Store != nil {
		errs = append(errs, e.Store.Close())
	}
	if e.Server != nil {
		errs = append(errs, e.Server.Stop())
	}
	return errors.Join(errs...)
}
