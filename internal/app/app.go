// Package app wires duban's parts into a running system: the worker that
// runs slip workflows and the HTTP API in front of them. The production
// commands (`duban dev`, `serve`, `worker`, `reconcile`, `bench`), the e2e
// harness and the browser tests all start duban through it, so what the
// tests exercise is what production runs; they differ only in the values
// they put in Config (a quiet logger, high write limits, a test clock).
//
// Reading the environment stays in cmd/duban: this package takes values,
// never flags or variables.
package app

import (
	"log/slog"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/duban-gov/duban/evidence"
	"github.com/duban-gov/duban/metrics"
	"github.com/duban-gov/duban/notify"
	"github.com/duban-gov/duban/service"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/workflows"
)

// Config is what the worker and the API of one process run with.
type Config struct {
	// Membership says which units may own milestones of a project owned by
	// a 专班 (nil: the 专班 members in Store, service.TeamOrMembers).
	Membership service.Membership
	Store      *store.Store
	Temporal   client.Client
	// TaskQueue of slip workflows; empty: workflows.TaskQueue.
	TaskQueue string
	// Rules are the calendars, reminder policies, ranking weights and the
	// deadline bound (LoadRules).
	Rules Rules
	// PublicURL is where clerks open duban; webhook messages link there.
	PublicURL string
	// Metrics, when set, records the worker's, the API's and the Temporal
	// SDK's metrics; serve it on an internal address only.
	Metrics *metrics.Registry
	// Log is the process logger; nil discards.
	Log *slog.Logger
	// Pollers is how many workflow-task and activity-task polls the worker
	// keeps open (0: the SDK's default, 2 each).
	Pollers int
	// WorkflowCacheSize is how many workflows the worker keeps in memory
	// between their tasks (the SDK's sticky cache, shared by every worker
	// of the process and sized when the first one starts); 0: the SDK's
	// default, 10,000.
	WorkflowCacheSize int
	// WebhookTargets are the internal hosts and prefixes webhooks may reach
	// (DUBAN_WEBHOOK_ALLOW); nil allows none, on save and on send.
	WebhookTargets *notify.Targets
	// Writes is each user's write rate limit (zero: the API's defaults).
	Writes WriteLimit
	// TrustedProxies name the proxies whose X-Forwarded-For names the client.
	TrustedProxies []string
	// Evidence keeps evidence files' contents; nil: in the ledger's database
	// (Store.EvidenceBlobs). EvidenceMaxBytes caps one file (0: the default).
	Evidence         evidence.Blobs
	EvidenceMaxBytes int64
	// Now is the clock of the API, the service and the activities; nil:
	// time.Now. Tests move it to step through lockouts.
	Now func() time.Time
}

// WriteLimit is a per-user token bucket for writes.
type WriteLimit struct {
	PerSecond float64
	Burst     int
}

func (c Config) taskQueue() string {
	if c.TaskQueue == "" {
		return workflows.TaskQueue
	}
	return c.TaskQueue
}

func (c Config) log() *slog.Logger {
	if c.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.Log
}

func (c Config) now() func() time.Time {
	if c.Now == nil {
		return time.Now
	}
	return c.Now
}

// webhookTargets never returns nil: a notify.Sender with nil Targets would
// not be guarded at all, while nil here means "allow no internal address".
func (c Config) webhookTargets() *notify.Targets {
	if c.WebhookTargets == nil {
		return &notify.Targets{}
	}
	return c.WebhookTargets
}
