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
