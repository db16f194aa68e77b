package browsertest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/internal/app"
	"github.com/duban-gov/duban/internal/testtemporal"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
)

// password is every test user's web password.
const password = "duban-browser-2026"

// system is one running duban with the UI, on a fresh PostgreSQL database.
type system struct {
	url      string
	store    *store.Store
	temporal client.Client
	// rankings, when set, answers GET /api/v1/rankings in place of the API
	// with a fixed answer, so the 红黑榜 panel's rendering of null rates,
	// adjustments and both lists is checked exactly; the rest of the
	// scenario's dashboards read the real endpoint.
	rankings atomic.Pointer[string]
	// ahead moves the API's, the service's and the activities' clock
	// forward (a duration): a deadline of today turns 红 tomorrow.
	ahead atomic.Int64
}

// startSystem starts the system with the shipped rules, and calendars (year
// or override files) on top of the shipped holiday data.
func startSystem(t *testing.T, calendars ...string) *system {
	t.Helper()
	st := storetest.Open(t, store.Postgres)
	_, tc := testtemporal.Start(t, client.Options{})

	// The worker and the API (with the UI) as `duban serve` wires them; the
	// test's own values are a quiet logger and the shipped rules.
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	rules, err := app.LoadRules(app.RuleFiles{Calendars: calendars}, log)
	if err != nil {
		t.Fatalf("rules: %v", err)
	}
	sys := &system{store: st, temporal: tc}
	cfg := app.Config{Store: st, Temporal: tc, Rules: rules, Log: log,
		Now: func() time.Time { return time.Now().Add(time.Duration(sys.ahead.Load())) }}
	w, err := app.StartWorker(t.Context(), cfg)
	if err != nil {
		t.Fatalf("start worker: %v", err)
	}
	t.Cleanup(w.Stop)

	router := app.NewAPI(t.Context(), cfg)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if body := sys.rankings.Load(); body != nil && r.URL.Path == "/api/v1/rankings" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, *body)
			return
		}
		router.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	sys.url = srv.URL

	ctx := context.Background()
	for _, d := range []slip.Department{
		{Code: "zjj", Name: "市住房和城乡建设局"},
		{Code: "fgw", Name: "市发展和改革委员会"},
		{Code: "jtj", Name: "市交通运输局"},
	} {
		if _, err := st.CreateDepartment(ctx, d); err != nil {
			t.Fatalf("department %s: %v", d.Code, err)
		}
	}
	hash, err := identity.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []identity.User{
		{Login: "office", Name: "督查室张敏", Role: slip.RoleOffice},
		{Login: "zjj", Name: "住建局李强", Role: slip.RoleDepartment, Department: "zjj"},
		{Login: "fgw", Name: "发改委王芳", Role: slip.RoleDepartment, Department: "fgw"},
		{Login: "jtj", Name: "交通局赵刚", Role: slip.RoleDepartment, Department: "jtj"},
		{Login: "leader", Name: "王副市长", Role: slip.RoleLeader},
	} {
		if _, err := st.CreateUser(ctx, u, hash); err != nil {
			t.Fatalf("user %s: %v", u.Login, err)
		}
	}
	return sys
}
