package ledgerexport_test

import (
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/ledgerexport"
	"github.com/duban-gov/duban/slip"
)

// syntheticSlip is slip i of a made-up ledger, with text of realistic length
// (a 20-character title, a 90-character content, a progress report).
func syntheticSlip(i int) slip.Slip {
	issued := time.Date(2026, 1, 5, 9, 0, 0, 0, calendar.Zone).Add(time.Duration(i) * 3 * time.Minute)
	co := []string{"fgw", "jtj", "zjj"}[:i%4%3]
	s := slip.Slip{
		ID: fmt.Sprintf("%08d", i), Number: fmt.Sprintf("督〔2026〕%d号", i+1), IssuedAt: issued,
		Status: slip.Statuses[i%len(slip.Statuses)],
		Draft: slip.Draft{
			Title:          fmt.Sprintf("推进第%d片区老旧小区改造和雨污分流工程", i%977),
			Content:        "按照2026新春第一会要求，年底前完成片区内老旧小区改造，同步实施雨污分流和管网更新，逐月报送进度，确保群众满意。请牵头单位制定整改方案，明确责任人和时间节点。",
			LeadDepartment: []string{"zjj", "fgw", "jtj"}[i%3], CoDepartments: co,
			Leader: "王副市长", Deadline: calendar.DateOf(issued.AddDate(0, 1, 0)),
		},
		LatestProgress: "已完成总工程量的60%，正在组织管网施工，预计按期完成",
	}
	if i%7 == 0 {
		s.Deadline = calendar.DateOf(issued.AddDate(0, 2, 0))
	}
	return s
}

func BenchmarkExportXLSX100k(b *testing.B) { benchmarkExport(b, ledgerexport.XLSX, 100_000) }
func BenchmarkExportCSV100k(b *testing.B)  { benchmarkExport(b, ledgerexport.CSV, 100_000) }

// benchmarkExport writes n slips, generated one at a time, to a temporary
// file, and reports beside ns/op the rows per second, the file size, the
// peak growth of the heap in use over the run (HeapInuse, garbage included,
// sampled every 10,000 rows and, to catch the final zip, every 20 ms), and the
// peak live heap the collector found (what the export really holds).
func benchmarkExport(b *testing.B, format ledgerexport.Format, n int) {
	var peak, peakLive uint64
	var size int64
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	for b.Loop() {
		f, err := os.CreateTemp(b.TempDir(), "ledger-*"+format.Extension())
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		base := ms.HeapInuse
		metrics.Read(live)
		baseLive := live[0].Value.Uint64()
		var mu sync.Mutex
		sample := func() {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			mu.Lock()
			defer mu.Unlock()
			if ms.HeapInuse > base {
				peak = max(peak, ms.HeapInuse-base)
			}
			metrics.Read(live)
			if l := live[0].Value.Uint64(); l > baseLive {
				peakLive = max(peakLive, l-baseLive)
			}
		}
		stop := make(chan struct{})
		sampled := make(chan struct{})
		go func() {
			defer close(sampled)
			tick := time.NewTicker(20 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-tick.C:
					sample()
				case <-stop:
					return
				}
			}
		}()

		w, err := ledgerexport.NewWriter(f, format, names, colour)
		if err != nil {
			b.Fatal(err)
		}
		for i := range n {
			if err := w.Write(syntheticSlip(i)); err != nil {
				b.Fatal(err)
			}
			if i%10_000 == 0 {
				sample()
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		sample()
		close(stop)
		<-sampled
		info, err := f.Stat()
		if err != nil {
			b.Fatal(err)
		}
		size = info.Size()
		_ = f.Close()
	}
	perOp := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(n)/perOp, "rows/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(peakLive)/(1<<20), "peak-live-MiB")
	b.ReportMetric(float64(size)/(1<<20), "file-MiB")
}
