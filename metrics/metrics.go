// Package metrics holds duban's Prometheus metrics: HTTP latency by route,
// slip transitions and reminders as the ledger records them, how far the
// ledger lags behind the workflows, and the Temporal SDK's own metrics. Each process has one Registry and serves
// it at /metrics.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Registry is one process's metrics. A nil *Registry records nothing, so
// code and tests that do not care need not build one.
type Registry struct {
	reg           *prometheus.Registry
	httpDuration  *prometheus.HistogramVec
	transitions   *prometheus.CounterVec
	reminders     *prometheus.CounterVec
	projectionLag prometheus.Histogram
	failedSlips   *prometheus.GaugeVec
	sdk           *sdkCollector // the Temporal SDK's metrics (temporal.go)
}

// New builds a registry with the Go runtime and process collectors.
func New() *Registry {
	r := &Registry{
		reg: prometheus.NewRegistry(),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "duban_http_request_duration_seconds",
			Help:    "HTTP request latency by route, method and status class.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route", "method", "status"}),
		transitions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "duban_slip_events_total",
			Help: "Timeline events written to the ledger, by type (acknowledge, resolve, urge, …).",
		}, []string{"type"}),
		reminders: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "duban_reminders_total",
			Help: "Reminders and escalations fired, by kind and escalation level.",
		}, []string{"kind", "level"}),
		projectionLag: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "duban_projection_lag_seconds",
			Help:    "Time from an event in the workflow to its row in the ledger.",
			Buckets: []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300},
		}),
		failedSlips: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "duban_failed_slip_workflows",
			Help: "Slip workflows stopped without finishing their slip (failed, terminated, timed out, cancelled, or failing their tasks), as last listed; counted_open=\"true\" are those the ledger still counts open.",
		}, []string{"counted_open"}),
		sdk: newSDKCollector(),
	}
	r.reg.MustRegister(r.httpDuration, r.transitions, r.reminders, r.projectionLag, r.failedSlips, r.sdk,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return r
}

// Handler serves the registry in the Prometheus text format.
func (r *Registry) Handler() http.Handler {
	if r == nil {
		return http.NotFoundHandler()
	}
	return promhttp.HandlerFor(r.reg, promhttp.HandlerOpts{})
}

// ObserveHTTP records one request.
func (r *Registry) ObserveHTTP(route, method string, status int, d time.Duration) {
	if r == nil {
		return
	}
	if route == "" {
		route = "unmatched"
	}
	r.httpDuration.WithLabelValues(route, method, strconv.Itoa(status/100)+"xx").Observe(d.Seconds())
}

// ObserveEvent records an event the ledger took, and how long after it
// happened; system events (reminders) also count as reminders of their level.
func (r *Registry) ObserveEvent(eventType string, system bool, level int, lag time.Duration) {
	if r == nil {
		return
	}
	r.transitions.WithLabelValues(eventType).Inc()
	if system {
		r.reminders.WithLabelValues(eventType, strconv.Itoa(level)).Inc()
	}
	if lag >= 0 {
		r.projectionLag.Observe(lag.Seconds())
	}
}

// SetFailedSlipWorkflows records the last listing of slip workflows stopped
// without finishing their slip: ended ones the ledger shows ended, and those
// it still counts open.
func (r *Registry) SetFailedSlipWorkflows(ended, countedOpen int) {
	if r == nil {
		return
	}
	r.failedSlips.WithLabelValues("false").Set(float64(ended))
	r.failedSlips.WithLabelValues("true").Set(float64(countedOpen))
}
