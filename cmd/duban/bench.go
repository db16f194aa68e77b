package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/internal/app"
	"github.com/duban-gov/duban/internal/loadgen"
	"github.com/duban-gov/duban/metrics"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
)

// benchOptions are the flags of `duban bench`.
type benchOptions struct {
	slips, concurrency, departments, offices    int
	urls, workerMetrics, apiMetrics             []string
	dataDir, cpuProfile, memProfile, metricsOut string
	keep                                        bool
	// compareFloor is the bare-Temporal floor binary to alternate with;
	// rounds is how many runs of each; verbose prints their whole output.
	compareFloor string
	rounds       int
	verbose      bool
	// open issues the slips and leaves them open (memory with N open slips).
	open bool
}

// benchCommand drives slips through their whole life over HTTP and reports
// throughput and latency, against the embedded default or a running install.
func benchCommand() *cobra.Command {
	var o benchOptions
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Issue N slips and drive each to sign-off at concurrency C; report throughput, latency and memory",
		Long: `bench issues --slips slips (phase 1), then drives each through acknowledge → progress →
resolution → review → sign-off (phase 2), --concurrency clients at a time, with --departments
simulated departments and --offices office clerks, each with their own API token.

Without --url it starts the embedded default in one process — the in-process Temporal server on
SQLite and the ledger on SQLite in a temporary directory (or --data-dir), the worker and the API
on a loopback port — and the write rate limit is lifted for its clerks.

With --url (repeatable: several serve processes) it drives a running installation; the bench
clerks and departments (bench01…) are created in the ledger named by DUBAN_DATABASE_URL, with
tokens that expire in two hours, and each clerk is subject to the API's write rate limit. It
writes real slips: use a staging installation. --worker-metrics and --api-metrics name the
processes' internal /metrics URLs (DUBAN_METRICS_ADDR) to report their memory.

With --compare-floor PATH it runs the bare-Temporal floor at PATH (-mode sqlite, the same
--slips and --concurrency) and this bench (embedded) alternately, --rounds times each, each in
its own process, and prints every run (end-to-end throughput, CPU seconds, peak RSS), the load
average, and the median ratios duban ÷ floor.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.compareFloor != "" {
				return compareFloor(cmd.Context(), cmd.OutOrStdout(), o)
			}
			return runBench(cmd.Context(), cmd.OutOrStdout(), o)
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.slips, "slips", 1000, "slips to issue and drive to sign-off")
	f.IntVar(&o.concurrency, "concurrency", 64, "clients sending requests at once")
	f.IntVar(&o.departments, "departments", 20, "simulated lead departments, one clerk each")
	f.IntVar(&o.offices, "offices", 4, "simulated office clerks")
	f.StringSliceVar(&o.urls, "url", nil, "API base URL of a running installation (repeatable); default: start the embedded one")
	f.StringSliceVar(&o.workerMetrics, "worker-metrics", nil, "worker /metrics URLs to read memory from (with --url)")
	f.StringSliceVar(&o.apiMetrics, "api-metrics", nil, "APIs' internal /metrics URLs (DUBAN_METRICS_ADDR) to read memory from (with --url)")
	f.StringVar(&o.dataDir, "data-dir", "", "embedded: where temporal.db and duban.db go (default: a temporary directory)")
	f.BoolVar(&o.keep, "keep", false, "embedded: keep the temporary data directory")
	f.StringVar(&o.cpuProfile, "cpuprofile", "", "embedded: write a CPU profile of the run to this file")
	f.StringVar(&o.memProfile, "memprofile", "", "embedded: write a heap profile at the end of the run to this file (its alloc_space counts what the run allocated)")
	f.StringVar(&o.metricsOut, "metrics-out", "", "embedded: write the process's /metrics (Temporal SDK metrics included) to this file at the end")
	f.StringVar(&o.compareFloor, "compare-floor", "", "path of the bare-Temporal floor binary (../shared/bench/floor): run it and this bench alternately, as separate processes, and print both and the median ratio")
	f.BoolVar(&o.open, "open", false, "issue the slips and leave them open, then report memory: the process's size with --slips open slips")
	f.IntVar(&o.rounds, "rounds", 2, "with --compare-floor: runs of each (floor, duban, floor, duban, …)")
	f.BoolVar(&o.verbose, "verbose", false, "with --compare-floor: print each run's whole output")
	return cmd
}

func runBench(ctx context.Context, out io.Writer, o benchOptions) error {
	var (
		st         *store.Store
		urls       = o.urls
		embedded   = len(urls) == 0
		metricsURL string
	)
	if embedded {
		sys, err := startEmbedded(ctx, o)
		if err != nil {
			return err
		}
		defer sys.stop()
		st, urls, metricsURL = sys.store, []string{sys.url}, sys.metricsURL
		fmt.Fprintf(out, "embedded: Temporal dev server + SQLite in %s, API at %s (started in %.1fs)\n", sys.dir, sys.url, sys.startup.Seconds())
	} else {
		cfg, err := configFromEnv(true)
		if err != nil {
			return fmt.Errorf("bench against --url creates its clerks in the ledger: %w", err)
		}
		if st, err = cfg.openMigratedStore(ctx); err != nil {
			return err
		}
		defer st.Close()
	}
	clerks, err := benchClerks(ctx, st, o.offices, o.departments)
	if err != nil {
		return err
	}
	c := &loadgen.Client{
		URLs:  urls,
		HTTP:  &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: o.concurrency}},
		RunID: "bench-" + strconv.FormatInt(time.Now().UnixNano(), 36),
	}
	if o.cpuProfile != "" && embedded {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	fmt.Fprintf(out, "driving %d slips at concurrency %d (%d departments, %d office clerks, %d cores)\n",
		o.slips, o.concurrency, o.departments, o.offices, runtime.NumCPU())
	rep, err := c.Run(ctx, loadgen.Options{Slips: o.slips, Concurrency: o.concurrency, Office: clerks.office,
		Departments: clerks.departments, Phased: true, IssueOnly: o.open})
	if err != nil {
		return err
	}
	printBench(out, o, rep)
	if embedded {
		if o.memProfile != "" {
			if err := writeHeapProfile(o.memProfile); err != nil {
				return err
			}
		}
		if o.metricsOut != "" {
			if err := saveURL(ctx, metricsURL, o.metricsOut); err != nil {
				return err
			}
		}
		hwm, rss := procMemory()
		fmt.Fprintf(out, "memory (one process: Temporal, worker, API, SQLite): peak RSS %s, RSS now %s\n", hwm, rss)
		if o.open {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			fmt.Fprintf(out, "with %d slips open: Go heap in use after a GC %d MiB, goroutines %d (the worker's cache holds at most DUBAN_WORKER_CACHE_SIZE workflows)\n",
				o.slips, ms.HeapInuse>>20, runtime.NumGoroutine())
		}
	} else {
		for _, u := range o.apiMetrics {
			fmt.Fprintf(out, "API %s RSS %s\n", u, scrapeRSS(ctx, u))
		}
		for _, u := range o.workerMetrics {
			fmt.Fprintf(out, "worker %s RSS %s\n", u, scrapeRSS(ctx, u))
		}
	}
	return nil
}

func printBench(out io.Writer, o benchOptions, rep loadgen.Report) {
	n := float64(o.slips)
	fmt.Fprintf(out, "\nissue phase:   %d slips in %.2fs = %.1f slips/s\n", o.slips, rep.Issue.Seconds(), n/rep.Issue.Seconds())
	if !o.open {
		fmt.Fprintf(out, "drive phase:   %d slips to 销号 in %.2fs = %.1f slips/s (%d actions, %.1f actions/s)\n",
			o.slips, rep.Drive.Seconds(), n/rep.Drive.Seconds(), o.slips*(len(loadgen.Lifecycle)-1),
			float64(o.slips*(len(loadgen.Lifecycle)-1))/rep.Drive.Seconds())
	}
	fmt.Fprintf(out, "end to end:    %.2fs for %d requests (%.1f requests/s), %d retried\n\n",
		rep.Total.Seconds(), rep.Requests, float64(rep.Requests)/rep.Total.Seconds(), rep.Retries)
	fmt.Fprintf(out, "%-12s %6s %9s %9s %9s %9s\n", "action", "count", "p50", "p95", "p99", "max")
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }
	for _, st := range loadgen.Lifecycle {
		s := rep.Actions[st.Name]
		if s.Count == 0 {
			continue
		}
		fmt.Fprintf(out, "%-12s %6d %9s %9s %9s %9s\n", st.Name, s.Count, ms(s.P50), ms(s.P95), ms(s.P99), ms(s.Max))
	}
	if u := rep.Updates; u.Count > 0 {
		fmt.Fprintf(out, "%-13s %5d %9s %9s %9s %9s\n", "update(all 5)", u.Count, ms(u.P50), ms(u.P95), ms(u.P99), ms(u.Max))
	}
	fmt.Fprintln(out)
}

// benchSystem is the embedded default started for a benchmark.
type benchSystem struct {
	dir string
	url string
	// metricsURL is the process's /metrics on its internal address.
	metricsURL string
	store      *store.Store
	startup    time.Duration
	stop       func()
}

// startEmbedded starts what `duban dev` runs — Temporal on SQLite, the
// worker, the ledger on SQLite, the API — in this process.
func startEmbedded(ctx context.Context, o benchOptions) (*benchSystem, error) {
	began := time.Now()
	var undo []func()
	stop := func() {
		slices.Reverse(undo)
		for _, f := range undo {
			f()
		}
	}
	ok := false
	defer func() {
		if !ok {
			stop()
		}
	}()
	dir := o.dataDir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "duban-bench-")
		if err != nil {
			return nil, err
		}
		dir = tmp
		if !o.keep {
			undo = append(undo, func() { _ = os.RemoveAll(tmp) })
		}
	}
	log := newLogger("warn", false)
	cfg, err := configFromEnv(false)
	if err != nil {
		return nil, err
	}
	r, err := cfg.rules(log)
	if err != nil {
		return nil, err
	}
	m := metrics.New()
	e, err := app.StartEmbedded(ctx, cfg.embedded(dir, 0, r, m, log))
	if err != nil {
		return nil, err
	}
	undo = append(undo, func() { _ = e.Close() })
	l, err := listen("127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	wiring := cfg.wiring(e.Store, e.Client, r, m, log)
	wiring.PublicURL = "http://" + l.Addr().String()
	// The benchmark measures the engine, not the per-clerk write limit.
	wiring.Writes = app.WriteLimit{PerSecond: 1e6, Burst: 1e6}
	wiring.TrustedProxies = nil
	w, err := app.StartWorker(ctx, wiring)
	if err != nil {
		_ = l.Close()
		return nil, err
	}
	undo = append(undo, w.Stop)
	srvCtx, cancel := context.WithCancel(context.Background())
	h := app.NewAPI(srvCtx, wiring)
	done := make(chan struct{})
	go func() { _ = serveHTTP(srvCtx, l, h); close(done) }()
	undo = append(undo, func() { cancel(); <-done })
	internal := serveInternal(srvCtx, "127.0.0.1:0", m, log)
	ok = true
	return &benchSystem{dir: dir, url: "http://" + l.Addr().String(), metricsURL: "http://" + internal + "/metrics",
		store: e.Store, startup: time.Since(began), stop: stop}, nil
}

// benchStaff are the simulated clerks' tokens.
type benchStaff struct {
	office      []string
	departments []loadgen.Department
}

// benchClerks creates (or reuses) the bench departments bench01… and one
// clerk per department and office seat, each with a fresh two-hour token.
func benchClerks(ctx context.Context, st *store.Store, offices, departments int) (benchStaff, error) {
	var staff benchStaff
	token := func(u identity.User) (string, error) {
		existing, _, err := st.UserByLogin(ctx, u.Login)
		if err != nil {
			if slip.AsError(err) == nil {
				return "", err
			}
			if existing, err = st.CreateUser(ctx, u, ""); err != nil {
				return "", err
			}
		}
		plain, _, err := app.IssueToken(ctx, st, existing.ID, "duban bench", 2*time.Hour)
		return plain, err
	}
	for i := 1; i <= offices; i++ {
		t, err := token(identity.User{Login: fmt.Sprintf("bench-office%02d", i), Name: fmt.Sprintf("压测督查员%d", i), Role: slip.RoleOffice})
		if err != nil {
			return staff, fmt.Errorf("bench office clerk %d: %w", i, err)
		}
		staff.office = append(staff.office, t)
	}
	for i := 1; i <= departments; i++ {
		code := fmt.Sprintf("bench%02d", i)
		if _, err := st.CreateDepartment(ctx, slip.Department{Code: code, Name: fmt.Sprintf("压测单位%d", i)}); err != nil {
			if de := slip.AsError(err); de == nil || de.Code != slip.CodeDuplicate {
				return staff, fmt.Errorf("bench department %s: %w", code, err)
			}
		}
		t, err := token(identity.User{Login: "bench-" + code, Name: fmt.Sprintf("压测单位%d经办人", i), Role: slip.RoleDepartment, Department: code})
		if err != nil {
			return staff, fmt.Errorf("bench clerk of %s: %w", code, err)
		}
		staff.departments = append(staff.departments, loadgen.Department{Code: code, Token: t})
	}
	return staff, nil
}

// procMemory reads this process's peak and current resident set size.
func procMemory() (hwm, rss string) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return "n/a", "n/a"
	}
	defer f.Close()
	hwm, rss = "n/a", "n/a"
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), ":")
		switch k {
		case "VmHWM":
			hwm = strings.TrimSpace(v)
		case "VmRSS":
			rss = strings.TrimSpace(v)
		}
	}
	return hwm, rss
}

// scrapeRSS reads process_resident_memory_bytes from a /metrics URL.
func scrapeRSS(ctx context.Context, url string) string {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "n/a"
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "n/a (" + err.Error() + ")"
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "process_resident_memory_bytes "); ok {
			if b, err := strconv.ParseFloat(v, 64); err == nil {
				return fmt.Sprintf("%.0f MiB", b/(1<<20))
			}
		}
	}
	return "n/a"
}

// saveURL writes what url answers to a file.
func saveURL(ctx context.Context, url, path string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("get %s: %w", url, err)
	}
	defer resp.Body.Close()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// writeHeapProfile writes the heap profile to path. Allocation counts start
// with the process, so a profile at the end of a run counts mostly the run
// (the embedded start-up allocates a few seconds' worth).
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("heap profile: %w", err)
	}
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return fmt.Errorf("heap profile: %w", err)
	}
	return f.Close()
}
