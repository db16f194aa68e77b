package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/duban-gov/duban/internal/app"
	"github.com/duban-gov/duban/metrics"
	"github.com/duban-gov/duban/reconcile"
	"github.com/duban-gov/duban/store"
)

func serveCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run the HTTP API (stateless; run as many as you like)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			cfg, err := configFromEnv(true)
			if err != nil {
				return err
			}
			log := newLogger(cfg.LogLevel, true).With("process", "api")
			r, err := cfg.rules(log)
			if err != nil {
				return err
			}
			st, err := cfg.openStore(ctx, r)
			if err != nil {
				return err
			}
			defer st.Close()
			warnLedgerDatabase(ctx, st, log)
			m := metrics.New()
			c, err := app.DialTemporal(ctx, cfg.TemporalAddress, cfg.Namespace, log, m)
			if err != nil {
				return err
			}
			defer c.Close()
			if err := reconcile.CheckLedger(ctx, c, cfg.Namespace, st); err != nil {
				return err
			}
			serveInternal(ctx, cfg.metricsAddr(":9091"), m, log)
			l, err := listen(cfg.Addr)
			if err != nil {
				return err
			}
			log.Info("api listening", "addr", l.Addr().String(), "temporal", cfg.TemporalAddress, "namespace", cfg.Namespace, "task_queue", cfg.TaskQueue)
			return serveHTTP(ctx, l, app.NewAPI(ctx, cfg.wiring(st, c, r, m, log)))
		},
	}
}

func workerCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "worker",
		Short: "Run the Temporal worker for slip workflows (stateless; run as many as you like)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			cfg, err := configFromEnv(true)
			if err != nil {
				return err
			}
			log := newLogger(cfg.LogLevel, true).With("process", "worker")
			r, err := cfg.rules(log)
			if err != nil {
				return err
			}
			st, err := cfg.openStore(ctx, r)
			if err != nil {
				return err
			}
			defer st.Close()
			warnLedgerDatabase(ctx, st, log)
			m := metrics.New()
			c, err := app.DialTemporal(ctx, cfg.TemporalAddress, cfg.Namespace, log, m)
			if err != nil {
				return err
			}
			defer c.Close()
			if err := reconcile.CheckLedger(ctx, c, cfg.Namespace, st); err != nil {
				return err
			}
			serveInternal(ctx, cfg.metricsAddr(":9090"), m, log)
			w, err := app.StartWorker(ctx, cfg.wiring(st, c, r, m, log))
			if err != nil {
				return err
			}
			log.Info("worker running", "temporal", cfg.TemporalAddress, "namespace", cfg.Namespace, "task_queue", cfg.TaskQueue)
			<-ctx.Done()
			w.Stop()
			return nil
		},
	}
}

func migrateCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Bring the ledger schema up to date (safe to run repeatedly and concurrently)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd.Context(), func(ctx context.Context, st *store.Store) error {
				fmt.Println("schema up to date")
				warnLedgerDatabase(ctx, st, newLogger("info", true).With("process", "migrate"))
				return nil
			})
		},
	}
}

// warnLedgerDatabase logs a warning for what makes the ledger's database
// slower than its queries were planned for: collating text by a language's
// rules (store.SlowCollation), which makes every lookup of a slip by its id
// cost two to three times as much (deploy/README.md says how to create the
// database instead); shared buffers too small for the slips and their
// parts (store.BufferFit), which every walk of the ledger reads; and
// indexes the migrations made that it lacks (a restore that skipped an
// error), which the migration named recreates.
func warnLedgerDatabase(ctx context.Context, st *store.Store, log *slog.Logger) {
	name, err := st.Collation(ctx)
	switch {
	case err != nil:
		log.WarnContext(ctx, "could not read the ledger database's collation", "error", err)
	case store.SlowCollation(name):
		log.WarnContext(ctx, "the ledger database collates text by a language's rules, which makes its lookups slower; create it with LOCALE 'C.UTF-8' (deploy/README.md)", "collation", name)
	}
	fit, ok, err := st.BufferFit(ctx)
	switch {
	case err != nil:
		log.WarnContext(ctx, "could not compare shared_buffers with the ledger's size", "error", err)
	case ok && fit.Short():
		log.WarnContext(ctx, "PostgreSQL's shared_buffers does not hold the ledger's slips and parts, so exports and pages copy them in from the OS cache; raise shared_buffers to at least the working set (deploy/README.md)",
			"shared_buffers_mb", fit.SharedBuffers>>20, "working_set_mb", fit.WorkingSet>>20)
	}
	missing, err := st.MissingIndexes(ctx)
	if err != nil {
		log.WarnContext(ctx, "could not check the ledger database's indexes", "error", err)
		return
	}
	for _, ix := range missing {
		log.WarnContext(ctx, "the ledger database lacks an index its migrations made (a restore that skipped an error?); run its CREATE INDEX statement from that migration (in duban's source) again", "index", ix.Name, "migration", ix.Migration)
	}
}
