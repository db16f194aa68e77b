package app

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/duban-gov/duban/activities"
	"github.com/duban-gov/duban/internal/temporalwait"
	"github.com/duban-gov/duban/notify"
	"github.com/duban-gov/duban/reminder"
	"github.com/duban-gov/duban/workflows"
)

// StartWorker starts a worker for slip workflows on cfg.TaskQueue and makes
// sure the daily digest and monthly ranking schedules exist; stop it with
// Stop.
func StartWorker(ctx context.Context, cfg Config) (worker.Worker, error) {
	queue := cfg.taskQueue()
	if cfg.WorkflowCacheSize > 0 {
		// Process-wide, sized by the first worker to start: this is it in a
		// worker process; the embedded default sizes it before its server's
		// own workers start (StartEmbedded), and this call changes nothing.
		worker.SetStickyWorkflowCacheSize(cfg.WorkflowCacheSize)
	}
	// Every action is a workflow task; with the SDK's two pollers tasks wait
	// for a poll (measured: 0.5 s schedule-to-start at 30 actions/s).
	w := worker.New(cfg.Temporal, queue, worker.Options{
		MaxConcurrentWorkflowTaskPollers: cfg.Pollers,
		MaxConcurrentActivityTaskPollers: cfg.Pollers,
	})
	workflows.Register(w, &activities.Activities{
		Store:   cfg.Store,
		Planner: &reminder.Planner{Calendar: cfg.Rules.Lenient},
		Sender:  &notify.Sender{UserAgent: "duban", Targets: cfg.webhookTargets()},
		Now:     cfg.now(),

		PublicURL:      cfg.PublicURL,
		Metrics:        cfg.Metrics,
		RankingWeights: cfg.Rules.Weights,
	})
	registerReinspections(w, cfg)
	registerProjects(w, cfg)
	workflows.RegisterReporting(w)
	if err := w.Start(); err != nil {
		return nil, fmt.Errorf("start worker on %s: %w", queue, err)
	}
	// Two minutes: a Temporal server just started may answer Unavailable
	// ("Frontend is not healthy yet") for a while; that is waited out.
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	for _, ensure := range []func(context.Context, client.Client, string) error{workflows.EnsureDigestSchedule, workflows.EnsureRankingSchedule, workflows.EnsureReportingSchedule} {
		if err := temporalwait.WhileStarting(ctx, func() error { return ensure(ctx, cfg.Temporal, queue) }); err != nil {
			w.Stop()
			return nil, err
		}
	}
	return w, nil
}
