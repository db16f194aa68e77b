package metrics

import (
	"net/http"
	"net/http/pprof"
)

// InternalHandler is what a process serves on its internal metrics address
// (DUBAN_METRICS_ADDR), never on the public API listener: /metrics (over
// 150 KB of runtime, SDK and route internals), /healthz for liveness probes,
// and Go's profiler under /debug/pprof/ (CPU, heap, goroutine dumps: what
// found the bottlenecks in the README's benchmark). Keep the address off the
// load balancer and the internet.
func (r *Registry) InternalHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", r.Handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok"}`))
	})
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}
