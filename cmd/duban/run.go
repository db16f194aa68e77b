package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"

	"github.com/duban-gov/duban/activities"
	"github.com/duban-gov/duban/api"
	"github.com/duban-gov/duban/metrics"
	"github.com/duban-gov/duban/notify"
	"github.com/duban-gov/duban/reminder"
	"github.com/duban-gov/duban/service"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/web"
	"github.com/duban-gov/duban/workflows"
)

// dialTemporal connects to the Temporal frontend; the SDK's metrics go to m.
func dialTemporal(ctx context.Context, hostPort, namespace string, log *slog.Logger, m *metrics.Registry) (client.Client, error) {
	c, err := client.DialContext(ctx, client.Options{
		HostPort:       hostPort,
		Namespace:      namespace,
		Logger:         sdklog.NewStructuredLogger(log.With("component", "temporal-client")),
		MetricsHandler: m.Temporal(),
	})
	if err != nil {
		return nil, fmt.Errorf("dial temporal at %s (namespace %s): %w", hostPort, namespace, err)
	}
	return c, nil
}

// startWorker starts a worker for slip workflows; stop it with Stop.
// pollers is how many workflow-task and activity-task polls it keeps open
// (0: the SDK's default, 2 each); webhooks reach no internal address but
// those targets allows.
func startWorker(c client.Client, st *store.Store, taskQueue string, r rules, publicURL string, m *metrics.Registry, pollers int, targets *notify.Targets) (worker.Worker, error) {
	// Every action is a workflow task; with the SDK's two pollers tasks wait
	// for a poll (measured: 0.5 s schedule-to-start at 30 actions/s).
	w := worker.New(c, taskQueue, worker.Options{
		MaxConcurrentWorkflowTaskPollers: pollers,
		MaxConcurrentActivityTaskPollers: pollers,
	})
	workflows.Register(w, &activities.Activities{
		Store:   st,
		Planner: &reminder.Planner{Calendar: r.lenient},
		Sender:  &notify.Sender{UserAgent: "duban", Targets: targets},
		Now:     time.Now,

		PublicURL:      publicURL,
		Metrics:        m,
		RankingWeights: r.weights,
	})
	if err := w.Start(); err != nil {
		return nil, fmt.Errorf("start worker on %s: %w", taskQueue, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, ensure := range []func(context.Context, client.Client, string) error{workflows.EnsureDigestSchedule, workflows.EnsureRankingSchedule} {
		if err := ensure(ctx, c, taskQueue); err != nil {
			w.Stop()
			return nil, err
		}
	}
	return w, nil
}

// newAPI wires the HTTP handler.
// Until ctx ends it also watches for slip workflows that stopped without
// finishing their slip (metric and error log; see service.WatchFailures).
func newAPI(ctx context.Context, st *store.Store, c client.Client, taskQueue string, r rules, m *metrics.Registry, log *slog.Logger, writes writeLimit, trustedProxies []string, targets *notify.Targets) http.Handler {
	slips := service.New(service.Config{Store: st, Temporal: c, TaskQueue: taskQueue, Calendar: r.strict,
		Policies: r.policies, DeadlineYears: r.deadlineYears, Now: time.Now, Log: log})
	if c != nil {
		go slips.WatchFailures(ctx, time.Minute, m)
	}
	return api.NewRouter(api.Deps{
		Store:           st,
		Slips:           slips,
		Calendar:        r.strict,
		DeadlineYears:   r.deadlineYears,
		Colours:         r.lenient,
		Metrics:         m,
		RankingWeights:  r.weights,
		UI:              web.Handler(log),
		WritesPerSecond: writes.perSecond,
		WriteBurst:      writes.burst,
		TrustedProxies:  trustedProxies,
		WebhookTargets:  targets,
		Ready:           func(ctx context.Context) error { return slips.Ready(ctx, time.Now()) },
		Now:             time.Now,
		Log:             log,
	})
}

// listen opens addr for the API.
func listen(addr string) (net.Listener, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	return l, nil
}

// serveHTTP serves h on l until ctx ends, then drains for up to 15 seconds.
func serveHTTP(ctx context.Context, l net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve http: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shut down http: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// serveInternal serves the internal handler — /metrics, /healthz and
// pprof (metrics.InternalHandler) — on addr until ctx ends, and returns the
// address it listens on. These never go on the public API listener. A
// taken address is logged, not fatal: a second process on one host (or a
// newcomer's `duban dev` beside another program on 9090) still runs, only
// without its internal endpoints.
func serveInternal(ctx context.Context, addr string, m *metrics.Registry, log *slog.Logger) string {
	l, err := listen(addr)
	if err != nil {
		log.Error("metrics listener: /metrics and pprof are not served (set DUBAN_METRICS_ADDR)", "error", err)
		return ""
	}
	log.Info("metrics listening", "addr", l.Addr().String())
	go func() {
		if err := serveHTTP(ctx, l, m.InternalHandler()); err != nil {
			log.Error("metrics server", "error", err)
		}
	}()
	return l.Addr().String()
}
