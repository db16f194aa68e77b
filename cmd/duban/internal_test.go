package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/duban-gov/duban/internal/app"
	"github.com/duban-gov/duban/metrics"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
)

// TestPublicListenerServesNoInternals: the API's handler, as `serve` and
// `dev` wire it (with the web UI), answers 404 for the metrics and the
// profiler, which live on the internal address only.
func TestPublicListenerServesNoInternals(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	r, err := config{}.rules(log)
	if err != nil {
		t.Fatal(err)
	}
	h := app.NewAPI(t.Context(), config{}.wiring(storetest.Open(t, store.SQLite), nil, r, metrics.New(), log))
	for _, p := range []string{"/metrics", "/debug/pprof/", "/debug/pprof/heap"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
		if rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), "go_goroutines") {
			t.Errorf("public GET %s: %d, want 404", p, rec.Code)
		}
	}
}
