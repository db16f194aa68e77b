package main

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/duban-gov/duban/internal/loadgen"
)

// TestParseTotal reads the end-to-end time from what the floor and duban
// bench print (their real formats), and refuses output without one.
func TestParseTotal(t *testing.T) {
	floorOut := "floor mode=sqlite n=1000 c=32 timer=false: issue 10.21s (97.9/s), drive 30.40s (32.9 slips/s), end to end 40.61s (24.6 slips/s); VmHWM 300000 kB\n"
	dubanOut := "issue phase:   1000 slips in 16.50s = 60.6 slips/s\ndrive phase: …\nend to end:    72.03s for 6000 requests (83.3 requests/s), 0 retried\n"
	for _, c := range []struct {
		name, out string
		want      float64
	}{{"floor", floorOut, 40.61}, {"duban", dubanOut, 72.03}} {
		got, err := parseTotal(c.name, c.out)
		if err != nil || got != c.want {
			t.Errorf("%s: got %v, %v; want %v", c.name, got, err, c.want)
		}
	}
	if _, err := parseTotal("duban", floorOut); err == nil {
		t.Error("duban's parser accepted the floor's output")
	}
	if _, err := parseTotal("floor", "panic: boom"); err == nil {
		t.Error("accepted output without a time")
	}
}

// TestSummarizeFloor pairs each duban run with the floor run before it and
// takes medians of the ratios.
func TestSummarizeFloor(t *testing.T) {
	runs := []floorRun{
		{name: "floor", perSec: 20, cpu: 40, peakRSS: 100},
		{name: "duban", perSec: 10, cpu: 60, peakRSS: 200},
		{name: "floor", perSec: 25, cpu: 40, peakRSS: 100},
		{name: "duban", perSec: 20, cpu: 80, peakRSS: 300},
		{name: "floor", perSec: 10, cpu: 50, peakRSS: 100},
		{name: "duban", perSec: 7, cpu: 50, peakRSS: 250},
	}
	s := summarizeFloor(runs)
	if s.rounds != 3 || math.Abs(s.throughput-0.7) > 1e-9 || math.Abs(s.cpu-1.5) > 1e-9 || math.Abs(s.rss-2.5) > 1e-9 {
		t.Errorf("got %+v; want 3 rounds, throughput 0.7, cpu 1.5, rss 2.5", s)
	}
	if median([]float64{1, 3}) != 2 || median(nil) != 0 {
		t.Error("median of an even count or of none is wrong")
	}
}

// TestParseP95 reads the issue's and the pooled actions' p95 from what the
// floor and duban bench print (lines copied from real runs), and gives 0
// for a figure a run did not print.
func TestParseP95(t *testing.T) {
	floorOut := `floor mode=sqlite n=1000 c=64 timer=false: issue 16.43s (60.9/s), drive 34.85s (28.7 slips/s), end to end 51.28s (19.5 slips/s); VmHWM 334628 kB
  issue          n= 1000 p50   1038.4ms p95   1282.3ms p99   1370.1ms max   1420.3ms
  acknowledge    n= 1000 p50    524.6ms p95    786.1ms p99    868.2ms max    917.9ms
  signoff        n= 1000 p50    537.2ms p95    796.8ms p99    875.9ms max    897.9ms
  update(all 5)  n= 5000 p50    411.4ms p95    730.4ms p99    825.9ms max    917.9ms
`
	dubanOut := `end to end:    86.28s for 6000 requests (69.5 requests/s), 0 retried

action        count       p50       p95       p99       max
issue          1000  1683.2ms  2336.2ms  2433.7ms  2582.7ms
acknowledge    1000   841.3ms  1699.0ms  2244.1ms  2694.4ms
signoff        1000   911.1ms  2037.8ms  2535.8ms  2676.4ms
update(all 5)  5000   566.0ms  1504.5ms  2100.0ms  2694.4ms
`
	for _, c := range []struct {
		name, out     string
		issue, update float64
	}{
		{"floor", floorOut, 1282.3, 730.4},
		{"duban", dubanOut, 2336.2, 1504.5},
		{"floor", dubanOut, 0, 0},
		{"duban", "panic: boom", 0, 0},
	} {
		issue, update := parseP95(c.name, c.out)
		if issue != c.issue || update != c.update {
			t.Errorf("%s: got issue %v, update %v; want %v, %v", c.name, issue, update, c.issue, c.update)
		}
	}
}

// TestSummarizeFloorP95 takes the median ratio of the runs' p95 only over
// pairs where both printed one.
func TestSummarizeFloorP95(t *testing.T) {
	runs := []floorRun{
		{name: "floor", perSec: 1, cpu: 1, updateP95: 500, issueP95: 1000},
		{name: "duban", perSec: 1, cpu: 1, updateP95: 600, issueP95: 1500},
		{name: "floor", perSec: 1, cpu: 1, updateP95: 400},
		{name: "duban", perSec: 1, cpu: 1, updateP95: 600},
		{name: "floor", perSec: 1, cpu: 1},
		{name: "duban", perSec: 1, cpu: 1, updateP95: 900},
	}
	s := summarizeFloor(runs)
	if math.Abs(s.updateP95-1.35) > 1e-9 || math.Abs(s.issueP95-1.5) > 1e-9 || s.dubanUpdateP95 != 600 || s.floorUpdateP95 != 450 {
		t.Errorf("got %+v; want update p95 1.35× (600 vs 450 ms), issue 1.5×", s)
	}
}

// TestBenchPrintsWhatCompareFloorReads: the p95 figures duban bench prints
// are the ones compare-floor finds in them.
func TestBenchPrintsWhatCompareFloorReads(t *testing.T) {
	rep := loadgen.Report{Issue: time.Second, Drive: time.Second, Total: 2 * time.Second, Requests: 6,
		Actions: map[string]loadgen.Summary{
			"issue":       {Count: 1, P50: 900 * time.Millisecond, P95: 1234500 * time.Microsecond, P99: time.Second, Max: time.Second},
			"acknowledge": {Count: 1, P50: time.Millisecond, P95: 2 * time.Millisecond, P99: 3 * time.Millisecond, Max: 4 * time.Millisecond},
		},
		Updates: loadgen.Summary{Count: 5, P50: 300 * time.Millisecond, P95: 456700 * time.Microsecond, P99: time.Second, Max: time.Second}}
	var out strings.Builder
	printBench(&out, benchOptions{slips: 1}, rep)
	issue, update := parseP95("duban", out.String())
	if issue != 1234.5 || update != 456.7 {
		t.Errorf("read issue %v, update %v ms from:\n%s", issue, update, out.String())
	}
}

// TestMeasureTwice: a run that fails once is run again and measured; one
// that fails twice ends the comparison with its output.
func TestMeasureTwice(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "floor")
	// Fails while the file "fail" holds a count above zero, one per run.
	body := `#!/bin/sh
n=$(cat "$0.fail")
if [ "$n" -gt 0 ]; then echo $((n-1)) > "$0.fail"; echo "panic: boom"; exit 1; fi
echo "floor mode=sqlite n=10 c=2 timer=false: issue 1.00s (10.0/s), drive 1.00s (10.0 slips/s), end to end 2.00s (5.0 slips/s); VmHWM 1 kB"
`
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		fails int
		ok    bool
	}{{0, true}, {1, true}, {2, false}} {
		if err := os.WriteFile(script+".fail", []byte(strconv.Itoa(c.fails)), 0o644); err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		r, err := measureTwice(t.Context(), &out, 1, "floor", script, nil, 10)
		if c.ok && (err != nil || r.total != 2) {
			t.Errorf("%d failures: got %+v, %v; want measured 2 s", c.fails, r, err)
		}
		if !c.ok && (err == nil || !strings.Contains(err.Error(), "panic: boom")) {
			t.Errorf("%d failures: got %v; want the second failure with its output", c.fails, err)
		}
		if retried := strings.Contains(out.String(), "running it once more"); retried != (c.fails > 0) {
			t.Errorf("%d failures: printed %q", c.fails, out.String())
		}
	}
}
