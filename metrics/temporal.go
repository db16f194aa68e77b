package metrics

import (
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/client"
)

// Temporal returns the handler to put in client.Options.MetricsHandler, so
// that the SDK's own metrics (workflow task and activity latency, polls,
// sticky cache, requests to the frontend…) are served on this registry's
// /metrics beside duban's: counters as <name>_total, timers as
// <name>_seconds histograms, gauges as they are.
//
// The SDK tags one metric name with different tag sets depending on where it
// is emitted (a worker adds task_queue and worker_type, an activity adds
// activity_type…), which a plain prometheus.CounterVec cannot take. The
// handler keeps every series it has seen and, at scrape time, gives each
// metric the union of the tag keys of its series, empty where a series has
// none. A nil *Registry gives the SDK's no-op handler.
func (r *Registry) Temporal() client.MetricsHandler {
	if r == nil {
		return client.MetricsNopHandler
	}
	return sdkHandler{c: r.sdk}
}

// sdkTimerBuckets span a local activity (a millisecond) to a long poll (a minute).
var sdkTimerBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}

type sdkKind int

const (
	sdkCounter sdkKind = iota
	sdkGauge
	sdkTimer
)

// sdkCollector holds the SDK's series and turns them into Prometheus metrics
// when scraped.
//
// The SDK tags its handler and looks a metric up on every task it runs, so
// the handlers it was given (children) and the series it found (found) are
// kept: a repeat costs a lookup, not a merge and a sort of the tags, a new
// Prometheus name and the collector's lock (2.1 % of a bench run's
// allocations went to tagging alone).
type sdkCollector struct {
	mu       sync.Mutex
	families map[string]*sdkFamily // by Prometheus name

	children sync.Map // childKey → sdkHandler
	found    sync.Map // seriesKey → *sdkSeries
}

// childKey names a handler by its parent's tags and the tags added to them.
type childKey struct{ parent, added string }

// seriesKey names a series by the SDK's metric name (not yet made a
// Prometheus name), its kind, and its handler's canonical tags.
type seriesKey struct {
	name string
	kind sdkKind
	tags string
}

type sdkFamily struct {
	kind   sdkKind
	series map[string]*sdkSeries // by canonical tag string
}

type sdkSeries struct {
	tags  map[string]string
	value atomic.Uint64 // counter: count; gauge: float64 bits

	mu      sync.Mutex // timers only
	buckets []uint64
	count   uint64
	sum     float64
}

func newSDKCollector() *sdkCollector {
	return &sdkCollector{families: map[string]*sdkFamily{}}
}

// series finds or creates the series of the SDK's metric name, of kind,
// with the given tags (key: their canonical form).
func (c *sdkCollector) series(name string, kind sdkKind, tags map[string]string, key string) *sdkSeries {
	sk := seriesKey{name, kind, key}
	if s, ok := c.found.Load(sk); ok {
		return s.(*sdkSeries)
	}
	s := c.newSeries(promName(name, kind), kind, tags, key)
	c.found.Store(sk, s)
	return s
}

// promName is the Prometheus name of the SDK's metric name of kind.
func promName(name string, kind sdkKind) string {
	switch kind {
	case sdkCounter:
		return promLabel(name) + "_total"
	case sdkTimer:
		return promLabel(name) + "_seconds"
	}
	return promLabel(name)
}

// newSeries finds or creates, under the lock, the series of the Prometheus
// metric name with the given tags.
func (c *sdkCollector) newSeries(name string, kind sdkKind, tags map[string]string, key string) *sdkSeries {
	c.mu.Lock()
	defer c.mu.Unlock()
	f, ok := c.families[name]
	if !ok {
		f = &sdkFamily{kind: kind, series: map[string]*sdkSeries{}}
		c.families[name] = f
	}
	s, ok := f.series[key]
	if !ok {
		s = &sdkSeries{tags: tags}
		if kind == sdkTimer {
			s.buckets = make([]uint64, len(sdkTimerBuckets))
		}
		f.series[key] = s
	}
	return s
}

// Describe sends nothing: the SDK's metrics are only known once emitted, so
// this is an unchecked collector.
func (c *sdkCollector) Describe(chan<- *prometheus.Desc) {}

// Collect emits every series, each metric with the union of its tag keys.
func (c *sdkCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for name, f := range c.families {
		keySet := map[string]bool{}
		for _, s := range f.series {
			for k := range s.tags {
				keySet[k] = true
			}
		}
		keys := slices.Sorted(maps.Keys(keySet))
		desc := prometheus.NewDesc(name, "Temporal Go SDK metric "+name+".", keys, nil)
		for _, s := range f.series {
			values := make([]string, len(keys))
			for i, k := range keys {
				values[i] = s.tags[k]
			}
			var (
				m   prometheus.Metric
				err error
			)
			switch f.kind {
			case sdkCounter:
				m, err = prometheus.NewConstMetric(desc, prometheus.CounterValue, float64(s.value.Load()), values...)
			case sdkGauge:
				m, err = prometheus.NewConstMetric(desc, prometheus.GaugeValue, math.Float64frombits(s.value.Load()), values...)
			case sdkTimer:
				s.mu.Lock()
				cumulative := make(map[float64]uint64, len(sdkTimerBuckets))
				var running uint64
				for i, le := range sdkTimerBuckets {
					running += s.buckets[i]
					cumulative[le] = running
				}
				m, err = prometheus.NewConstHistogram(desc, s.count, s.sum, cumulative, values...)
				s.mu.Unlock()
			}
			if err == nil {
				ch <- m
			}
		}
	}
}

// sdkHandler is client.MetricsHandler over an sdkCollector, with the tags
// given so far by WithTags.
type sdkHandler struct {
	c    *sdkCollector
	tags map[string]string
	key  string // canonical form of tags
}

// WithTags returns the handler with tags added to h's: the one made for
// the same tags before, if any.
func (h sdkHandler) WithTags(tags map[string]string) client.MetricsHandler {
	ck := childKey{h.key, canonicalTags(tags)}
	if child, ok := h.c.children.Load(ck); ok {
		return child.(sdkHandler)
	}
	child, _ := h.c.children.LoadOrStore(ck, h.withTags(tags))
	return child.(sdkHandler)
}

// canonicalTags is tags as one string, in key order.
func canonicalTags(tags map[string]string) string {
	var held [8]string
	keys := held[:0]
	n := 0
	for k, v := range tags {
		keys = append(keys, k)
		n += len(k) + len(v) + 2
	}
	slices.Sort(keys)
	var b strings.Builder
	b.Grow(n)
	for _, k := range keys {
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(tags[k])
		b.WriteByte(0)
	}
	return b.String()
}

// withTags makes the handler with tags added to h's.
func (h sdkHandler) withTags(tags map[string]string) sdkHandler {
	merged := make(map[string]string, len(h.tags)+len(tags))
	maps.Copy(merged, h.tags)
	for k, v := range tags {
		merged[promLabel(k)] = v
	}
	return sdkHandler{c: h.c, tags: merged, key: canonicalTags(merged)}
}

func (h sdkHandler) Counter(name string) client.MetricsCounter {
	s := h.c.series(name, sdkCounter, h.tags, h.key)
	return counterFunc(func(d int64) {
		if d > 0 {
			s.value.Add(uint64(d))
		}
	})
}

func (h sdkHandler) Gauge(name string) client.MetricsGauge {
	s := h.c.series(name, sdkGauge, h.tags, h.key)
	return gaugeFunc(func(v float64) { s.value.Store(math.Float64bits(v)) })
}

func (h sdkHandler) Timer(name string) client.MetricsTimer {
	s := h.c.series(name, sdkTimer, h.tags, h.key)
	return timerFunc(func(d time.Duration) {
		v := d.Seconds()
		i, _ := slices.BinarySearch(sdkTimerBuckets, v) // first bucket with le >= v
		s.mu.Lock()
		if i < len(s.buckets) {
			s.buckets[i]++
		}
		s.count++
		s.sum += v
		s.mu.Unlock()
	})
}

type (
	counterFunc func(int64)
	gaugeFunc   func(float64)
	timerFunc   func(time.Duration)
)

func (f counterFunc) Inc(d int64)          { f(d) }
func (f gaugeFunc) Update(v float64)       { f(v) }
func (f timerFunc) Record(d time.Duration) { f(d) }

// promLabel makes a metric or tag name valid for Prometheus.
func promLabel(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, s)
}
