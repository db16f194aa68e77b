package e2e

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkLifecycleOverHTTP drives whole slips over HTTP, in parallel:
// issue, acknowledge, progress, resolution, send back, resolution, review,
// sign-off (8 requests, 8 workflow transitions and projections per slip).
// It reports slips/s and requests/s on the e2e path: temporaltest's
// in-memory Temporal, the real worker, PostgreSQL, the Gin router.
//
//	go test ./e2e -run '^$' -bench LifecycleOverHTTP -benchtime 200x
func BenchmarkLifecycleOverHTTP(b *testing.B) {
	s := start(b)
	s.seedDepartments(b)
	office, dept := s.as("office"), s.as("zjj")
	var n atomic.Int64
	b.SetParallelism(8) // 16 concurrent clients on 2 cores
	b.ResetTimer()
	began := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			var v slipView
			// A slip of one unit: the same eight requests as before tracks (a
			// co-unit would add its 签收 and 协办完成 before the resolution).
			d := draft(fmt.Sprintf("压测交办单 %d", i))
			d["co_departments"] = []string{}
			s.must(b, http.StatusCreated, "POST", "/api/v1/slips", d, office...).json(b, &v)
			p := "/api/v1/slips/" + v.ID + "/"
			s.must(b, http.StatusOK, "POST", p+"acknowledge", nil, dept...)
			s.must(b, http.StatusOK, "POST", p+"progress", map[string]any{"text": "推进中"}, dept...)
			s.must(b, http.StatusOK, "POST", p+"resolution", map[string]any{"summary": "已办结", "evidence": []string{"照片"}}, dept...)
			s.must(b, http.StatusOK, "POST", p+"review", map[string]any{"passed": false, "comment": "返工"}, office...)
			s.must(b, http.StatusOK, "POST", p+"resolution", map[string]any{"summary": "已整改", "evidence": []string{"照片"}}, dept...)
			s.must(b, http.StatusOK, "POST", p+"review", map[string]any{"passed": true}, office...)
			s.must(b, http.StatusOK, "POST", p+"signoff", nil, office...)
		}
	})
	elapsed := time.Since(began).Seconds()
	b.ReportMetric(float64(b.N)/elapsed, "slips/s")
	b.ReportMetric(float64(b.N*8)/elapsed, "requests/s")
}

// BenchmarkIssueOverHTTP issues slips in parallel (POST /slips: workflow
// start, number from the per-year counter, ledger row, first event).
func BenchmarkIssueOverHTTP(b *testing.B) {
	s := start(b)
	s.seedDepartments(b)
	office := s.as("office")
	var n atomic.Int64
	b.SetParallelism(8)
	b.ResetTimer()
	began := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			s.must(b, http.StatusCreated, "POST", "/api/v1/slips", draft(fmt.Sprintf("压测交办单 %d", i)), office...)
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(began).Seconds(), "slips/s")
}
