package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/internal/app"
	"github.com/duban-gov/duban/metrics"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
)

// TestPublicListenerServesNoInternals: the API's handler, as `serve` and
// `dev` wire it (with the web UI), answers 404 for the metrics and the
// profiler, which live on the internal address only.
func TestPublicListenerServesNoInternals(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	r, err := config{}.rules(log)
	if err != nil {
		t.Fatal(err)
	}
	h := app.NewAPI(t.Context(), config{}.wiring(storetest.Open(t, store.SQLite), nil, r, metrics.New(), log))
	for _, p := range []string{"/metrics", "/debug/pprof/", "/debug/pprof/heap"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
		if rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), "go_goroutines") {
			t.Errorf("public GET %s: %d, want 404", p, rec.Code)
		}
	}
}

// TestDemoLoginsOnlyWhenTheyExist: dev names its demo logins only on a
// ledger where it made them; a ledger that had accounts first (one `duban
// bench --data-dir` filled) is told how to add one instead.
func TestDemoLoginsOnlyWhenTheyExist(t *testing.T) {
	ctx := t.Context()
	st := storetest.Open(t, store.SQLite)
	if _, err := st.CreateUser(ctx, identity.User{Login: "bench-office01", Name: "压测督查员", Role: slip.RoleOffice}, ""); err != nil {
		t.Fatal(err)
	}
	if err := seedDemoUsers(ctx, st, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	got, err := demoLogins(ctx, st, true, "/data/duban.db")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got, "No demo logins") || !strings.Contains(got, "DUBAN_DATABASE_URL=sqlite:/data/duban.db duban user add") {
		t.Fatalf("a ledger with other accounts was told:\n%s", got)
	}

	fresh := storetest.Open(t, store.SQLite)
	if err := seedDemo(ctx, fresh); err != nil {
		t.Fatal(err)
	}
	if err := seedDemoUsers(ctx, fresh, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	if got, err = demoLogins(ctx, fresh, true, "/data/duban.db"); err != nil || !strings.HasPrefix(got, "Demo logins (password "+demoPassword) {
		t.Fatalf("a fresh ledger was told %q, %v", got, err)
	}
	if got, err = demoLogins(ctx, fresh, false, "/data/duban.db"); err != nil || got != "" {
		t.Fatalf("without --demo: %q, %v", got, err)
	}
}
