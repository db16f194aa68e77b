package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/duban-gov/duban/store"
)

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
