package main

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/duban-gov/duban/evidence"
	"github.com/duban-gov/duban/internal/app"
	"github.com/duban-gov/duban/internal/seed"
	"github.com/duban-gov/duban/metrics"
	"github.com/duban-gov/duban/reconcile"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
)

// demoDepartments are created on the first dev start so that a newcomer can
// issue a slip straight away.
var demoDepartments = []slip.Department{
	{Code: "fgw", Name: "市发展和改革委员会"},
	{Code: "zjj", Name: "市住房和城乡建设局"},
	{Code: "jtj", Name: "市交通运输局"},
}

func devCommand() *cobra.Command {
	var (
		dataDir      string
		addr         string
		temporalPort int
		demo         bool
		metricsAddr  string
	)
	cmd := &cobra.Command{
		Use:   "dev",
		Short: "Run everything in one process: Temporal (SQLite file), worker, ledger (SQLite) and API",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDev(cmd.Context(), dataDir, addr, metricsAddr, temporalPort, demo)
		},
	}
	cmd.Flags().StringVar(&dataDir, "data-dir", "data", "directory for temporal.db and duban.db")
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address of the HTTP API")
	cmd.Flags().IntVar(&temporalPort, "temporal-port", 7233, "port of the in-process Temporal frontend (0: any free port)")
	cmd.Flags().BoolVar(&demo, "demo", true, "create demo departments when there are none")
	cmd.Flags().StringVar(&metricsAddr, "metrics-addr", "127.0.0.1:9090", "internal address of /metrics and /debug/pprof (0 as the port: any free one)")
	return cmd
}

func runDev(ctx context.Context, dataDir, addr, metricsAddr string, temporalPort int, demo bool) error {
	began := time.Now()
	log := newLogger("info", false)
	absData, err := filepath.Abs(dataDir)
	if err != nil {
		return fmt.Errorf("data dir %s: %w", dataDir, err)
	}
	cfg, err := configFromEnv(false)
	if err != nil {
		return err
	}
	r, err := cfg.rules(log)
	if err != nil {
		return err
	}
	// Bind the API port first: fail fast if it is taken, before the slower start of Temporal.
	l, err := listen(addr)
	if err != nil {
		return err
	}
	defer l.Close()

	m := metrics.New() // one process: one /metrics for the worker and the API
	e, err := app.StartEmbedded(ctx, cfg.embedded(absData, temporalPort, r, m, log))
	if err != nil {
		return err
	}
	defer func() {
		if err := e.Close(); err != nil {
			log.Warn("stop the embedded default", "error", err)
		}
	}()
	if err := reconcile.CheckLedger(ctx, e.Client, e.Server.Namespace(), e.Store); err != nil {
		return fmt.Errorf("%w\n(data directory %s: run `duban reconcile --data-dir %s --rebuild`)", err, absData, dataDir)
	}
	if demo {
		if err := seedDemo(ctx, e.Store); err != nil {
			return err
		}
		if err := seedDemoUsers(ctx, e.Store, absData); err != nil {
			return err
		}
	}

	logins, err := demoLogins(ctx, e.Store, demo, e.LedgerDB)
	if err != nil {
		return err
	}

	internal := "not served: " + metricsAddr + " is taken (--metrics-addr)"
	if a := serveInternal(ctx, metricsAddr, m, log); a != "" {
		internal = fmt.Sprintf("http://%s/metrics   pprof: http://%s/debug/pprof/ (internal only)", a, a)
	}
	wiring := cfg.wiring(e.Store, e.Client, r, m, log)
	wiring.PublicURL = "http://" + l.Addr().String()
	if wiring.Evidence == nil {
		// The embedded default keeps evidence files in the data directory.
		if wiring.Evidence, err = evidence.NewDir(filepath.Join(absData, "evidence")); err != nil {
			return err
		}
	}
	w, err := app.StartWorker(ctx, wiring)
	if err != nil {
		return err
	}
	defer w.Stop()

	fmt.Printf(`
duban dev is up (%.1fs)
  Web UI    http://%s   (open it in a browser)
  API       http://%s/api/v1/slips   health: http://%s/readyz
  Metrics   %s
  Temporal  %s   namespace %s   task queue %s
  Data      %s (Temporal)
            %s (ledger)
Stop with Ctrl-C; slips and their timers are kept in the data directory.

%s`, time.Since(began).Seconds(), l.Addr(), l.Addr(), l.Addr(), internal, e.Server.HostPort(), e.Server.Namespace(), cfg.TaskQueue, e.TemporalDB, e.LedgerDB, logins)

	return serveHTTP(ctx, l, app.NewAPI(ctx, wiring))
}

// seedDemo creates the demo departments that the demo accounts need, on a
// ledger without accounts (a first start, or a ledger rebuilt by `duban
// reconcile --rebuild`, which restores only the departments its slips name).
func seedDemo(ctx context.Context, st *store.Store) error {
	users, err := st.ListUsers(ctx)
	if err != nil || len(users) > 0 {
		return err
	}
	codes := make([]string, len(demoDepartments))
	for i, d := range demoDepartments {
		codes[i] = d.Code
	}
	missing, err := st.MissingDepartments(ctx, codes)
	if err != nil {
		return err
	}
	for _, d := range demoDepartments {
		if !slices.Contains(missing, d.Code) {
			continue
		}
		if _, err := st.CreateDepartment(ctx, d); err != nil {
			return fmt.Errorf("create demo department %s: %w", d.Code, err)
		}
	}
	// The 晒比 demo (issue 17): the seed's indicators, three lists and
	// village sheet, with November 2026's values and scores.
	if err := seed.LoadIndicators(ctx, st, time.Now()); err != nil {
		return fmt.Errorf("load the 晒比 demo: %w", err)
	}
	return nil
}

// demoLogins tells a newcomer how to sign in to the web UI, on every start
// (the accounts themselves are created on the first). A ledger that had
// accounts before its first `duban dev` (one `duban bench --data-dir`
// filled, say) got no demo accounts, and is told so rather than given
// logins that do not exist.
func demoLogins(ctx context.Context, st *store.Store, demo bool, ledgerDB string) (string, error) {
	if !demo {
		return "", nil
	}
	_, _, err := st.UserByLogin(ctx, demoUsers[0].Login)
	if de := slip.AsError(err); de != nil && de.Kind == slip.KindNotFound {
		return fmt.Sprintf(`No demo logins: this ledger had accounts before duban dev first ran on it. Add one with
  DUBAN_DATABASE_URL=sqlite:%s duban user add --login NAME --name NAME --role office --password PASSWORD

`, ledgerDB), nil
	}
	if err != nil {
		return "", err
	}
	return fmt.Sprintf(`Demo logins (password %s): office 督查室, zjj 住建局, fgw 发改委, leader 领导, admin 管理员
  office issues and reviews slips, zjj or fgw handles them, leader opens the dashboard.

`, demoPassword), nil
}
