package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"

	"go.temporal.io/sdk/client"

	"github.com/duban-gov/duban/evidence"
	"github.com/duban-gov/duban/internal/app"
	"github.com/duban-gov/duban/internal/logctx"
	"github.com/duban-gov/duban/metrics"
	"github.com/duban-gov/duban/notify"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/workflows"
)

// defaultWorkflowCacheSize is DUBAN_WORKER_CACHE_SIZE's default: enough to
// keep every slip being worked on at once warm (a bench at concurrency 64
// touches 64), far below the SDK's 10,000, whose cached workflows were most
// of a worker's memory (issue 16).
const defaultWorkflowCacheSize = 2000

// config is the production configuration, read once from the environment.
type config struct {
	DatabaseURL     string // DUBAN_DATABASE_URL: postgres://… (or sqlite:PATH)
	TemporalAddress string // DUBAN_TEMPORAL_ADDRESS: host:port of the Temporal frontend
	Namespace       string // DUBAN_TEMPORAL_NAMESPACE
	TaskQueue       string // DUBAN_TASK_QUEUE
	Addr            string // DUBAN_ADDR: where `serve` listens
	NumberPrefix    string // DUBAN_NUMBER_PREFIX: 督 gives 督〔2026〕17号
	LogLevel        string // DUBAN_LOG_LEVEL: debug, info, warn, error
	// CalendarFiles: DUBAN_CALENDAR_FILES, comma-separated holiday files
	// (a new year's arrangement, local closures) loaded over the shipped data.
	CalendarFiles string
	// ReminderPolicies: DUBAN_REMINDER_POLICIES, a JSON file of reminder
	// policies per category (see reminder.LoadPolicies).
	ReminderPolicies string
	// RankingWeights: DUBAN_RANKING_WEIGHTS, a JSON file of the monthly
	// ranking's weights (see ranking.LoadWeights).
	RankingWeights string
	// PublicURL: DUBAN_PUBLIC_URL, the address clerks open duban at, used
	// for links in webhook messages.
	PublicURL string
	// MetricsAddr: DUBAN_METRICS_ADDR, the internal address where `worker`
	// and `serve` serve /metrics, /healthz and pprof (never on DUBAN_ADDR);
	// empty: each command's default (metricsAddr).
	MetricsAddr string
	// Writes: DUBAN_WRITES_PER_SECOND and DUBAN_WRITE_BURST, each
	// credential's write rate limit (0: the API's defaults, 5/s, bursts of 20).
	Writes app.WriteLimit
	// TrustedProxies: DUBAN_TRUSTED_PROXIES, comma-separated IPs or CIDRs of
	// the proxies whose X-Forwarded-For names the client (sign-in attempts
	// are counted per client address). Empty: trust none.
	TrustedProxies []string
	// WorkerPollers: DUBAN_WORKER_POLLERS, the workflow-task and
	// activity-task polls each worker keeps open.
	WorkerPollers int
	// WorkflowCacheSize: DUBAN_WORKER_CACHE_SIZE, how many slip workflows a
	// worker process keeps in memory between their tasks (the Temporal
	// SDK's sticky cache). A slip out of the cache is rebuilt by replaying
	// its history on its next task (a few ms of CPU); each one in it costs
	// memory, so the SDK's default of 10,000 let a worker grow to ~700 MiB.
	WorkflowCacheSize int
	// WebhookAllow: DUBAN_WEBHOOK_ALLOW, the internal hosts and CIDR prefixes
	// webhooks may reach (none by default: loopback, private and link-local
	// addresses are refused when a webhook is saved and when it is sent).
	WebhookAllow *notify.Targets
	// DeadlineYears: DUBAN_DEADLINE_MAX_YEARS, how many years past its issue
	// date a slip's deadline may lie (and how far from today GET /calendar
	// looks).
	DeadlineYears int
	// EvidenceMaxBytes: DUBAN_EVIDENCE_MAX_BYTES, the most bytes one
	// evidence file may hold (50 MiB by default).
	EvidenceMaxBytes int64
	// EvidenceDir: DUBAN_EVIDENCE_DIR, a directory for evidence files'
	// contents; empty (the default): they are kept in the database.
	EvidenceDir string
	// RefuseWorkingDays: DUBAN_REFUSE_WORKING_DAYS, how many working days
	// after receipt a unit may refuse its part of a slip (退回).
	RefuseWorkingDays int
}

func getenv(name, fallback string) string {
	if v, ok := os.LookupEnv(name); ok && strings.TrimSpace(v) != "" {
		return strings.TrimSpace(v)
	}
	return fallback
}

// configFromEnv reads the configuration; needDB says the command uses the store.
func configFromEnv(needDB bool) (config, error) {
	c := config{
		DatabaseURL:     getenv("DUBAN_DATABASE_URL", ""),
		TemporalAddress: getenv("DUBAN_TEMPORAL_ADDRESS", "127.0.0.1:7233"),
		Namespace:       getenv("DUBAN_TEMPORAL_NAMESPACE", "default"),
		TaskQueue:       getenv("DUBAN_TASK_QUEUE", workflows.TaskQueue),
		Addr:            getenv("DUBAN_ADDR", ":8080"),
		NumberPrefix:    getenv("DUBAN_NUMBER_PREFIX", "督"),
		LogLevel:        getenv("DUBAN_LOG_LEVEL", "info"),

		CalendarFiles:    getenv("DUBAN_CALENDAR_FILES", ""),
		ReminderPolicies: getenv("DUBAN_REMINDER_POLICIES", ""),
		RankingWeights:   getenv("DUBAN_RANKING_WEIGHTS", ""),
		PublicURL:        getenv("DUBAN_PUBLIC_URL", ""),
		MetricsAddr:      getenv("DUBAN_METRICS_ADDR", ""),
	}
	var err error
	if c.Writes.PerSecond, err = strconv.ParseFloat(getenv("DUBAN_WRITES_PER_SECOND", "0"), 64); err != nil {
		return c, fmt.Errorf("DUBAN_WRITES_PER_SECOND: %w", err)
	}
	if c.Writes.Burst, err = strconv.Atoi(getenv("DUBAN_WRITE_BURST", "0")); err != nil {
		return c, fmt.Errorf("DUBAN_WRITE_BURST: %w", err)
	}
	for _, p := range strings.Split(getenv("DUBAN_TRUSTED_PROXIES", ""), ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if _, _, cerr := net.ParseCIDR(p); cerr != nil && net.ParseIP(p) == nil {
			return c, fmt.Errorf("DUBAN_TRUSTED_PROXIES: %q is neither an IP nor a CIDR", p)
		}
		c.TrustedProxies = append(c.TrustedProxies, p)
	}
	if c.WorkerPollers, err = strconv.Atoi(getenv("DUBAN_WORKER_POLLERS", "8")); err != nil {
		return c, fmt.Errorf("DUBAN_WORKER_POLLERS: %w", err)
	}
	if c.WorkflowCacheSize, err = strconv.Atoi(getenv("DUBAN_WORKER_CACHE_SIZE", strconv.Itoa(defaultWorkflowCacheSize))); err != nil || c.WorkflowCacheSize < 1 {
		return c, fmt.Errorf("DUBAN_WORKER_CACHE_SIZE: want a positive number of workflows, got %q", getenv("DUBAN_WORKER_CACHE_SIZE", ""))
	}
	if c.WebhookAllow, err = notify.ParseTargets(getenv("DUBAN_WEBHOOK_ALLOW", "")); err != nil {
		return c, fmt.Errorf("DUBAN_WEBHOOK_ALLOW: %w", err)
	}
	if c.DeadlineYears, err = strconv.Atoi(getenv("DUBAN_DEADLINE_MAX_YEARS", strconv.Itoa(slip.DefaultDeadlineYears))); err != nil || c.DeadlineYears < 1 || c.DeadlineYears > 100 {
		return c, fmt.Errorf("DUBAN_DEADLINE_MAX_YEARS: want 1 to 100 years, got %q", getenv("DUBAN_DEADLINE_MAX_YEARS", ""))
	}
	if c.EvidenceMaxBytes, err = strconv.ParseInt(getenv("DUBAN_EVIDENCE_MAX_BYTES", strconv.FormatInt(evidence.DefaultMaxBytes, 10)), 10, 64); err != nil || c.EvidenceMaxBytes < 1 {
		return c, fmt.Errorf("DUBAN_EVIDENCE_MAX_BYTES: want a positive number of bytes, got %q", getenv("DUBAN_EVIDENCE_MAX_BYTES", ""))
	}
	if c.EvidenceDir = getenv("DUBAN_EVIDENCE_DIR", ""); c.EvidenceDir != "" {
		if _, err := evidence.NewDir(c.EvidenceDir); err != nil {
			return c, fmt.Errorf("DUBAN_EVIDENCE_DIR: %w", err)
		}
	}
	if c.RefuseWorkingDays, err = strconv.Atoi(getenv("DUBAN_REFUSE_WORKING_DAYS", strconv.Itoa(slip.DefaultRefuseWorkingDays))); err != nil || c.RefuseWorkingDays < 1 || c.RefuseWorkingDays > 30 {
		return c, fmt.Errorf("DUBAN_REFUSE_WORKING_DAYS: want 1 to 30 working days, got %q", getenv("DUBAN_REFUSE_WORKING_DAYS", ""))
	}
	if needDB && c.DatabaseURL == "" {
		return c, fmt.Errorf("DUBAN_DATABASE_URL is not set (e.g. postgres://duban:secret@db:5432/duban?sslmode=disable)")
	}
	return c, nil
}

// metricsAddr is DUBAN_METRICS_ADDR, or def: :9090 for `worker` and :9091
// for `serve`, so both can run on one host with one environment file.
func (c config) metricsAddr(def string) string {
	if c.MetricsAddr != "" {
		return c.MetricsAddr
	}
	return def
}

// newLogger builds the process logger: JSON for machines, text for a person at a terminal.
func newLogger(level string, json bool) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: l}
	if json {
		return slog.New(logctx.Handler{Handler: slog.NewJSONHandler(os.Stderr, opts)})
	}
	return slog.New(logctx.Handler{Handler: slog.NewTextHandler(os.Stderr, opts)})
}

// rules loads the shipped calendar plus the operator's files
// (DUBAN_CALENDAR_FILES, comma-separated: year files such as cn-2027.txt and
// local override files), the reminder policies (DUBAN_REMINDER_POLICIES) and
// the ranking weights (DUBAN_RANKING_WEIGHTS).
func (c config) rules(log *slog.Logger) (app.Rules, error) {
	f := app.RuleFiles{ReminderPolicies: c.ReminderPolicies, RankingWeights: c.RankingWeights, DeadlineYears: c.DeadlineYears, RefuseWorkingDays: c.RefuseWorkingDays}
	for _, path := range strings.Split(c.CalendarFiles, ",") {
		if path = strings.TrimSpace(path); path != "" {
			f.Calendars = append(f.Calendars, path)
		}
	}
	return app.LoadRules(f, log)
}

// wiring is the configuration for this process's worker and API.
func (c config) wiring(st *store.Store, tc client.Client, r app.Rules, m *metrics.Registry, log *slog.Logger) app.Config {
	var blobs evidence.Blobs
	if c.EvidenceDir != "" {
		// configFromEnv made the directory; NewDir cannot fail on it now.
		blobs, _ = evidence.NewDir(c.EvidenceDir)
	}
	return app.Config{
		Evidence:          blobs,
		EvidenceMaxBytes:  c.EvidenceMaxBytes,
		Store:             st,
		Temporal:          tc,
		TaskQueue:         c.TaskQueue,
		Rules:             r,
		PublicURL:         c.PublicURL,
		Metrics:           m,
		Log:               log,
		Pollers:           c.WorkerPollers,
		WorkflowCacheSize: c.WorkflowCacheSize,
		WebhookTargets:    c.WebhookAllow,
		Writes:            c.Writes,
		TrustedProxies:    c.TrustedProxies,
	}
}

// embedded is what the embedded default (`duban dev`, `duban bench`,
// `duban reconcile --data-dir`) starts in dir, with this configuration's
// number prefix and rules.
func (c config) embedded(dir string, temporalPort int, r app.Rules, m *metrics.Registry, log *slog.Logger) app.EmbeddedOptions {
	return app.EmbeddedOptions{Dir: dir, TemporalPort: temporalPort, NumberPrefix: c.NumberPrefix, Rules: r, Log: log, Metrics: m,
		WorkflowCacheSize: c.WorkflowCacheSize}
}

// openStore opens the ledger named by DUBAN_DATABASE_URL under the rules r
// (zero: the shipped calendar for the statistics).
func (c config) openStore(ctx context.Context, r app.Rules) (*store.Store, error) {
	return app.OpenStore(ctx, c.DatabaseURL, c.NumberPrefix, r)
}

// openMigratedStore opens the ledger and brings its schema up to date.
func (c config) openMigratedStore(ctx context.Context) (*store.Store, error) {
	st, err := c.openStore(ctx, app.Rules{})
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		_ = st.Close()
		return nil, err
	}
	return st, nil
}
