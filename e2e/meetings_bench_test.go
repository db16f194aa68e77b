package e2e

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/internal/app"
	"github.com/duban-gov/duban/metrics"
	"github.com/duban-gov/duban/sheetimport/sheettest"
	"github.com/duban-gov/duban/slip"
)

// BenchmarkImport313Embedded imports and issues a 313-row meeting table in
// one confirm on the embedded default (`duban dev`: Temporal persisted to
// SQLite in process, the ledger on SQLite), the goal being under
// 10 s; each iteration is a new meeting, so every row is issued.
//
//	go test ./e2e -run '^$' -bench Import313Embedded -benchtime 3x
func BenchmarkImport313Embedded(b *testing.B) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	rules, err := app.LoadRules(app.RuleFiles{}, quiet)
	if err != nil {
		b.Fatal(err)
	}
	m := metrics.New()
	e, err := app.StartEmbedded(b.Context(), app.EmbeddedOptions{Dir: b.TempDir(), Rules: rules, Log: quiet, Metrics: m})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = e.Close() })
	cfg := app.Config{Store: e.Store, Temporal: e.Client, Rules: rules, Metrics: m, Log: quiet, Writes: app.WriteLimit{PerSecond: 5, Burst: 20}}
	w, err := app.StartWorker(b.Context(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(w.Stop)
	srv := httptest.NewServer(app.NewAPI(b.Context(), cfg))
	b.Cleanup(srv.Close)
	s := &system{store: e.Store, url: srv.URL, http: &http.Client{Timeout: 5 * time.Minute}, tokens: map[string]string{}, users: map[string]identity.User{}}
	s.addUser(b, identity.User{Login: "admin", Name: "系统管理员", Role: slip.RoleAdmin})
	s.seedDepartments(b)
	deadline := time.Now().AddDate(0, 2, 0).Format(time.DateOnly)
	file, err := sheettest.XLSX("交办事项清单", sheettest.Header, sheettest.MeetingRows(313, []string{"住建局", "发改委", "交通局"}, deadline))
	if err != nil {
		b.Fatal(err)
	}
	var total time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var mt struct {
			ID string `json:"id"`
		}
		s.must(b, http.StatusCreated, "POST", "/api/v1/meetings", map[string]any{"kind": "new_year", "title": "新春第一会", "date": deadline, "chair": "市长"}, s.as("office")...).json(b, &mt)
		began := time.Now()
		var p previewView
		s.must(b, http.StatusCreated, "POST", "/api/v1/meetings/"+mt.ID+"/imports?name=t.xlsx", string(file), s.as("office")...).json(b, &p)
		var out outcomeView
		r := s.must(b, http.StatusOK, "POST", "/api/v1/imports/"+p.ID+"/confirm", nil, s.as("office")...)
		r.json(b, &out)
		total += time.Since(began)
		b.Logf("import %d: %d issued in %.1f s", i+1, out.Issued, time.Since(began).Seconds())
		if out.Issued != 313 {
			b.Fatalf("issued %d of 313, failed %d: %.2000s", out.Issued, out.Failed, r.body[strings.Index(string(r.body), "failed"):])
		}
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "s/313-row-import")
	b.ReportMetric(313*float64(b.N)/total.Seconds(), "slips/s")
}
