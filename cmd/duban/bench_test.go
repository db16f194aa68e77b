package main

import (
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/duban-gov/duban/store"
)

// TestEmbeddedWorkerCacheIsTheOperators: DUBAN_WORKER_CACHE_SIZE bounds the
// slip workflows the embedded default keeps in memory. The SDK sizes its
// process-wide cache once, when the first worker starts, and the in-process
// Temporal server starts system workers of its own first: the setting was
// silently the SDK's 10,000 (5,105 of 5,105 open slips cached, 800 MB).
// It must be the first test here to start a worker, as the cache is sized
// once per process.
func TestEmbeddedWorkerCacheIsTheOperators(t *testing.T) {
	t.Setenv("DUBAN_WORKER_CACHE_SIZE", "2")
	metricsFile := filepath.Join(t.TempDir(), "metrics.txt")
	if err := runBench(t.Context(), io.Discard, benchOptions{slips: 5, concurrency: 1, departments: 1, offices: 1,
		dataDir: t.TempDir(), open: true, metricsOut: metricsFile}); err != nil {
		t.Fatalf("bench: %v", err)
	}
	body, err := os.ReadFile(metricsFile)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for line := range strings.Lines(string(body)) {
		if !strings.HasPrefix(line, "temporal_sticky_cache_size{") {
			continue
		}
		found = true
		fields := strings.Fields(line)
		n, err := strconv.ParseFloat(fields[len(fields)-1], 64)
		if err != nil {
			t.Fatalf("metric line %q: %v", line, err)
		}
		if n > 2 {
			t.Errorf("%g workflows cached with 5 slips open and DUBAN_WORKER_CACHE_SIZE=2: %s", n, line)
		}
	}
	if !found {
		t.Fatalf("no temporal_sticky_cache_size in the metrics:\n%s", body)
	}
}

// TestEmbeddedBenchUsesTheOperatorsNumberPrefix: `duban bench` starts the
// embedded default through the same wiring as `duban dev`, so the slips it
// issues are numbered with DUBAN_NUMBER_PREFIX (it used to open its ledger
// with the defaults, dropping the prefix and the operator's calendar).
func TestEmbeddedBenchUsesTheOperatorsNumberPrefix(t *testing.T) {
	override := filepath.Join(t.TempDir(), "closures.txt")
	if err := os.WriteFile(override, []byte("override\n2026-07-10 off 台风停工\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DUBAN_NUMBER_PREFIX", "测")
	t.Setenv("DUBAN_CALENDAR_FILES", override)
	dir := t.TempDir()
	if err := runBench(t.Context(), io.Discard, benchOptions{slips: 2, concurrency: 2, departments: 1, offices: 1, dataDir: dir}); err != nil {
		t.Fatalf("bench: %v", err)
	}
	st, err := store.Open(t.Context(), "sqlite:"+filepath.Join(dir, "duban.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	page, err := st.ListSlips(t.Context(), store.Filter{Sort: store.SortIssued, PageSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 2 {
		t.Fatalf("%d slips in the ledger, want 2", len(page.Items))
	}
	for _, s := range page.Items {
		if !strings.HasPrefix(s.Number, "测〔") {
			t.Errorf("slip numbered %q, want the prefix 测 from DUBAN_NUMBER_PREFIX", s.Number)
		}
	}
}
