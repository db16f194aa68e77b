package main

import (
	"math"
	"testing"
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
