// Package e2e drives duban end to end: an in-process Temporal server
// (temporaltest), the worker and the API wired as production wires them
// (internal/app), the ledger on PostgreSQL — or on SQLite when no
// PostgreSQL is named, so a developer without one still runs the suite —
// and the router over real HTTP.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/internal/app"
	"github.com/duban-gov/duban/internal/testcal"
	"github.com/duban-gov/duban/internal/testtemporal"
	"github.com/duban-gov/duban/metrics"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
)

// system is one running duban: Temporal, worker, store and API.
type system struct {
	temporal  client.Client
	namespace string
	store     *store.Store
	// metrics is the process's registry, served on the internal address.
	metrics *metrics.Registry
	url     string
	http    *http.Client
	// stopTemporal stops the Temporal server (it is stopped at cleanup anyway).
	stopTemporal func()
	// tokens are the API tokens of the test users, by login.
	tokens map[string]string
	users  map[string]identity.User
}

// start brings up a whole system on a fresh ledger of ledgerDialect.
func start(tb testing.TB) *system { return startWith(tb, nil) }

// startWith lets a test adjust the wiring (rate limits, the clock, say).
func startWith(tb testing.TB, adjust func(*app.Config)) *system {
	tb.Helper()
	return startOn(tb, ledgerDialect(), adjust)
}

// calendarAhead is the adjustment for a test that counts working days
// from today into a year whose holiday arrangement is not shipped yet
// (testcal): those years are declared with weekends only.
func calendarAhead(tb testing.TB) func(*app.Config) {
	return func(c *app.Config) {
		rules, err := app.LoadRules(app.RuleFiles{Calendars: testcal.YearFiles(tb)}, c.Log)
		if err != nil {
			tb.Fatalf("rules: %v", err)
		}
		c.Rules = rules
	}
}

// ledgerDialect is the ledger most tests run on: PostgreSQL, as in
// production, when DUBAN_TEST_DATABASE_URL names a server or
// DUBAN_REQUIRE_POSTGRES=1 (CI sets both); otherwise SQLite, the embedded
// default's ledger, so that without PostgreSQL the suite still exercises
// the service, identity and API end to end instead of skipping.
func ledgerDialect() store.Dialect {
	if os.Getenv(storetest.PostgresURLEnv) != "" || os.Getenv("DUBAN_REQUIRE_POSTGRES") == "1" {
		return store.Postgres
	}
	return store.SQLite
}

// startOn is startWith on the ledger of the given dialect: tests of what
// the API keeps in the ledger itself (sign-in attempts, idempotency keys)
// run on both.
func startOn(tb testing.TB, dialect store.Dialect, adjust func(*app.Config)) *system {
	tb.Helper()
	return startOnLedger(tb, storetest.Open(tb, dialect), adjust)
}

// startOnLedger brings up a whole system on the ledger st, through the same
// wiring as `duban dev` and `duban serve`; only a quiet logger, the shipped
// rules, the SDK's default pollers and high write limits are the tests' own.
func startOnLedger(tb testing.TB, st *store.Store, adjust func(*app.Config)) *system {
	tb.Helper()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	var base client.Options
	if _, ok := tb.(*testing.T); !ok {
		base.Logger = sdklog.NewStructuredLogger(quiet) // a benchmark's log would drown its figures
	}
	ts, tc := testtemporal.Start(tb, base)

	rules, err := app.LoadRules(app.RuleFiles{}, quiet)
	if err != nil {
		tb.Fatalf("rules: %v", err)
	}
	m := metrics.New()
	cfg := app.Config{
		Store:    st,
		Temporal: tc,
		Rules:    rules,
		Metrics:  m,
		Log:      quiet,
		// Tests write fast; TestRateLimit sets its own limits.
		Writes: app.WriteLimit{PerSecond: 1000, Burst: 1000},
	}
	if adjust != nil {
		adjust(&cfg)
	}
	w, err := app.StartWorker(tb.Context(), cfg)
	if err != nil {
		tb.Fatalf("start worker: %v", err)
	}
	tb.Cleanup(w.Stop)

	srv := httptest.NewServer(app.NewAPI(tb.Context(), cfg))
	tb.Cleanup(srv.Close)
	s := &system{temporal: tc, namespace: ts.GetDefaultNamespace(), store: st, metrics: m, url: srv.URL, http: &http.Client{Timeout: 60 * time.Second}, stopTemporal: ts.Stop,
		tokens: map[string]string{}, users: map[string]identity.User{}}
	s.addUser(tb, identity.User{Login: "admin", Name: "系统管理员", Role: slip.RoleAdmin})
	return s
}

// addUser creates a user straight in the store, with an API token.
func (s *system) addUser(tb testing.TB, u identity.User) { s.addUserWithPassword(tb, u, "") }

// addUserWithPassword creates a user who can also sign in on the web.
func (s *system) addUserWithPassword(tb testing.TB, u identity.User, password string) {
	tb.Helper()
	ctx := context.Background()
	var hash string
	if password != "" {
		var err error
		if hash, err = identity.HashPassword(password); err != nil {
			tb.Fatal(err)
		}
	}
	created, err := s.store.CreateUser(ctx, u, hash)
	if err != nil {
		tb.Fatalf("create user %s: %v", u.Login, err)
	}
	token, _, err := app.IssueToken(ctx, s.store, created.ID, "e2e", 0)
	if err != nil {
		tb.Fatalf("token for %s: %v", u.Login, err)
	}
	s.tokens[u.Login] = token
	s.users[u.Login] = created
}

// as returns the Authorization header of a test user.
func (s *system) as(login string) []string {
	return []string{"Authorization", "Bearer " + s.tokens[login]}
}

// reply is an HTTP answer with its JSON body decoded loosely.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into v, failing the test on error.
func (r reply) json(tb testing.TB, v any) {
	tb.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		tb.Fatalf("decode %s: %v", r.body, err)
	}
}

// errorCode returns error.code of an error answer.
func (r reply) errorCode(tb testing.TB) string {
	tb.Helper()
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	r.json(tb, &e)
	if e.Error.Message == "" {
		tb.Errorf("error answer without message: %s", r.body)
	}
	return e.Error.Code
}

// do sends a request; body may be a string (sent raw), nil, or a value
// encoded as JSON. headers come in name, value pairs.
func (s *system) do(tb testing.TB, method, path string, body any, headers ...string) reply {
	tb.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			tb.Fatalf("encode body: %v", err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, s.url+path, rd)
	if err != nil {
		tb.Fatalf("new request: %v", err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := s.http.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("read %s %s: %v", method, path, err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: raw}
}

// must sends a request and fails the test unless it answers want.
func (s *system) must(tb testing.TB, want int, method, path string, body any, headers ...string) reply {
	tb.Helper()
	r := s.do(tb, method, path, body, headers...)
	if r.status != want {
		tb.Fatalf("%s %s: status %d, want %d: %s", method, path, r.status, want, r.body)
	}
	return r
}

// slipView is the part of the slip JSON the tests look at.
type slipView struct {
	ID             string   `json:"id"`
	Number         string   `json:"number"`
	Title          string   `json:"title"`
	Status         string   `json:"status"`
	LeadDepartment string   `json:"lead_department"`
	CoDepartments  []string `json:"co_departments"`
	Deadline       string   `json:"deadline"`
	Original       string   `json:"original_deadline"`
	WorkingDays    int      `json:"deadline_working_days"`
	Extensions     int      `json:"extensions"`
	Color          string   `json:"color"`
	ReworkCount    int      `json:"rework_count"`
	LatestProgress string   `json:"latest_progress"`
	Seq            int64    `json:"seq"`
	AllowedActions []string `json:"allowed_actions"`
	ClosedAt       *string  `json:"closed_at"`
	Timeline       []struct {
		Seq        int64          `json:"seq"`
		Type       string         `json:"type"`
		Actor      string         `json:"actor"`
		FromStatus string         `json:"from_status"`
		ToStatus   string         `json:"to_status"`
		Payload    map[string]any `json:"payload"`
	} `json:"timeline"`
}

// ledgerPage is GET /api/v1/slips.
type ledgerPage struct {
	Items      []slipView `json:"items"`
	NextCursor string     `json:"next_cursor"`
	Total      int64      `json:"total"`
}

// seedDepartments creates the departments the tests use.
func (s *system) seedDepartments(tb testing.TB) {
	tb.Helper()
	for _, d := range []map[string]string{
		{"code": "zjj", "name": "市住房和城乡建设局"},
		{"code": "fgw", "name": "市发展和改革委员会"},
		{"code": "jtj", "name": "市交通运输局"},
	} {
		s.must(tb, http.StatusCreated, "POST", "/api/v1/departments", d, s.as("admin")...)
	}
	for _, u := range []identity.User{
		{Login: "office", Name: "督查室张敏", Role: slip.RoleOffice},
		{Login: "zjj", Name: "住建局李强", Role: slip.RoleDepartment, Department: "zjj"},
		{Login: "fgw", Name: "发改委王芳", Role: slip.RoleDepartment, Department: "fgw"},
		{Login: "jtj", Name: "交通局赵刚", Role: slip.RoleDepartment, Department: "jtj"},
		{Login: "leader", Name: "王副市长", Role: slip.RoleLeader},
	} {
		s.addUser(tb, u)
	}
}

// draft is a valid slip request, due in 30 days.
func draft(title string) map[string]any {
	return map[string]any{
		"title":           title,
		"content":         "年底前完成 120 个老旧小区改造，逐月报送进度。",
		"source":          "2026年新春第一会",
		"batch":           "2026新春第一会",
		"category":        "城市建设",
		"priority":        "urgent",
		"lead_department": "zjj",
		"co_departments":  []string{"fgw"},
		"leader":          "王副市长",
		"deadline":        time.Now().AddDate(0, 0, 30).Format(time.DateOnly),
	}
}

func path(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// urlQuery escapes a query parameter value.
func urlQuery(v string) string { return url.QueryEscape(v) }
