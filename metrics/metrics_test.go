package metrics_test

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/duban-gov/duban/metrics"
)

func TestRegistryServesWhatItRecorded(t *testing.T) {
	m := metrics.New()
	m.ObserveHTTP("/api/v1/slips/:id", "GET", 404, 3*time.Millisecond)
	m.ObserveEvent("urge", true, 1, 2*time.Second)
	m.ObserveEvent("acknowledge", false, 0, 50*time.Millisecond)
	var nilRegistry *metrics.Registry
	nilRegistry.ObserveEvent("urge", true, 1, time.Second) // a nil registry records nothing, quietly

	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`duban_http_request_duration_seconds_count{method="GET",route="/api/v1/slips/:id",status="4xx"} 1`,
		`duban_slip_events_total{type="urge"} 1`,
		`duban_slip_events_total{type="acknowledge"} 1`,
		`duban_reminders_total{kind="urge",level="1"} 1`,
		`duban_projection_lag_seconds_count 2`,
		`go_goroutines`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// TestInternalHandler: the internal address serves the metrics, liveness
// and the profiler.
func TestInternalHandler(t *testing.T) {
	h := metrics.New().InternalHandler()
	for path, want := range map[string]string{
		"/metrics":                       "go_goroutines",
		"/healthz":                       `"ok"`,
		"/debug/pprof/":                  "goroutine",
		"/debug/pprof/goroutine?debug=1": "goroutine profile",
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), want) {
			t.Errorf("GET %s: %d, want 200 with %q", path, rec.Code, want)
		}
	}
}
