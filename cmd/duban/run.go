package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/duban-gov/duban/metrics"
)

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
