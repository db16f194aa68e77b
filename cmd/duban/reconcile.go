package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"go.temporal.io/sdk/client"

	"github.com/duban-gov/duban/internal/app"
	"github.com/duban-gov/duban/metrics"
	"github.com/duban-gov/duban/reconcile"
	"github.com/duban-gov/duban/store"
)

func reconcileCommand() *cobra.Command {
	var (
		dataDir string
		repair  bool
		rebuild bool
		asJSON  bool
	)
	cmd := &cobra.Command{
		Use:   "reconcile",
		Short: "Compare every slip workflow with the ledger; --repair writes what the ledger is missing, --rebuild rebuilds a lost ledger",
		Long: `reconcile compares each slip workflow's state and history with its ledger row and
timeline and reports every difference (a dry run). --repair re-projects what is missing:
rows, timeline events, a row behind its workflow. --rebuild does the same for a ledger
that was lost or replaced (every slip is missing) and then binds the ledger to the
Temporal namespace, so that 'duban dev', 'serve' and 'worker' start again.

Running slips are read by query, so a worker must be polling: with --data-dir (the
embedded default; stop 'duban dev' first) reconcile runs its own Temporal server and
worker on that directory; otherwise it uses DUBAN_DATABASE_URL and DUBAN_TEMPORAL_ADDRESS
like 'serve', and the production workers answer. It exits 1 when differences remain.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if rebuild {
				repair = true
			}
			return runReconcile(cmd.Context(), dataDir, repair, rebuild, asJSON)
		},
	}
	cmd.Flags().StringVar(&dataDir, "data-dir", "", "the embedded default's data directory (temporal.db and duban.db); empty: use the environment's PostgreSQL and Temporal")
	cmd.Flags().BoolVar(&repair, "repair", false, "write what the ledger is missing (default: only report)")
	cmd.Flags().BoolVar(&rebuild, "rebuild", false, "rebuild a lost ledger from the workflows and bind it to the namespace (implies --repair)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	return cmd
}

// errDifferences makes reconcile exit non-zero while the ledger differs.
var errDifferences = errors.New("the ledger differs from the workflows")

func runReconcile(ctx context.Context, dataDir string, repair, rebuild, asJSON bool) error {
	cfg, err := configFromEnv(dataDir == "")
	if err != nil {
		return err
	}
	log := newLogger(cfg.LogLevel, false).With("process", "reconcile")
	r, err := cfg.rules(log)
	if err != nil {
		return err
	}
	var (
		st        *store.Store
		tc        client.Client
		namespace = cfg.Namespace
		m         = metrics.New()
	)
	if dataDir != "" {
		abs, err := filepath.Abs(dataDir)
		if err != nil {
			return fmt.Errorf("data dir %s: %w", dataDir, err)
		}
		e, err := app.StartEmbedded(ctx, cfg.embedded(abs, 0, r, m, log))
		if err != nil {
			return err
		}
		defer func() { _ = e.Close() }()
		st, tc, namespace = e.Store, e.Client, e.Server.Namespace()
		// Nothing else runs this data directory's workflows: answer their
		// queries here. The worker writes to the ledger as usual, which is
		// safe beside the repair (both are idempotent, by sequence number).
		wiring := cfg.wiring(st, tc, r, m, log)
		wiring.PublicURL = ""
		w, err := app.StartWorker(ctx, wiring)
		if err != nil {
			return err
		}
		defer w.Stop()
	} else {
		if st, err = cfg.openStore(ctx, r); err != nil {
			return err
		}
		defer st.Close()
		if tc, err = app.DialTemporal(ctx, cfg.TemporalAddress, namespace, log, m); err != nil {
			return err
		}
		defer tc.Close()
		if err := st.Migrate(ctx); err != nil {
			return err
		}
	}
	if !rebuild {
		if err := reconcile.CheckLedger(ctx, tc, namespace, st); err != nil {
			return err
		}
	}
	rep, err := reconcile.Run(ctx, reconcile.Options{Temporal: tc, Namespace: namespace, Store: st, Repair: repair, Log: log})
	if err != nil {
		return err
	}
	if rebuild {
		if err := reconcile.BindLedger(ctx, tc, namespace, st); err != nil {
			return err
		}
	}
	printReport(rep, repair, asJSON)
	for _, f := range rep.Findings {
		if !f.Repaired {
			return errDifferences
		}
	}
	return nil
}

func printReport(rep reconcile.Report, repair, asJSON bool) {
	if asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
		return
	}
	fmt.Printf("slip workflows: %d, ledger matches: %d, differences: %d, repaired: %d\n",
		rep.Workflows, rep.Consistent, len(rep.Findings), rep.Repaired)
	for _, f := range rep.Findings {
		state := "差异"
		if f.Repaired {
			state = "已修复"
		}
		fmt.Printf("  [%s] %s %s: %s\n", state, f.Number, f.SlipID, f.Problem)
	}
	if len(rep.Departments) > 0 {
		fmt.Printf("departments created by code, to be named by an admin: %v\n", rep.Departments)
	}
	if len(rep.Findings) > 0 && !repair {
		fmt.Println("dry run: nothing written; run again with --repair to write what is missing")
	}
}
