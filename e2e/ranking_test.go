package e2e

import (
	"net/http"
	"testing"
	"time"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/slip"
)

type rankingView struct {
	Month   string  `json:"month"`
	Source  string  `json:"source"`
	TakenAt *string `json:"taken_at"`
	Entries []struct {
		Rank        int      `json:"rank"`
		Department  string   `json:"department_code"`
		Score       float64  `json:"score"`
		Adjustment  float64  `json:"adjustment"`
		ClosureRate *float64 `json:"closure_rate"`
	} `json:"entries"`
	RedList   []any `json:"red_list"`
	BlackList []any `json:"black_list"`
}

// TestRankingsOverHTTP: this month's ranking is live and takes the office's
// adjustments; last month, once published, answers from its snapshot and
// refuses adjustments; departments read the ranking like everyone else.
func TestRankingsOverHTTP(t *testing.T) {
	s := start(t)
	s.seedDepartments(t)
	office := s.as("office")
	var sl slipView
	s.must(t, http.StatusCreated, "POST", "/api/v1/slips", draft("晾晒事项"), office...).json(t, &sl)

	thisMonth := time.Now().In(calendar.Zone).Format("2006-01")
	lastMonth := time.Now().In(calendar.Zone).AddDate(0, 0, -time.Now().In(calendar.Zone).Day()).Format("2006-01")

	var live rankingView
	s.must(t, http.StatusOK, "GET", "/api/v1/rankings", nil, s.as("zjj")...).json(t, &live)
	if live.Month != thisMonth || live.Source != "live" || live.TakenAt != nil {
		t.Fatalf("this month's ranking: %+v", live)
	}
	// Nothing due yet: both units are 暂无数据, in code order; the co-unit
	// fgw is listed on its part though it leads nothing.
	if len(live.Entries) != 2 || live.Entries[0].Department != "fgw" || live.Entries[1].Department != "zjj" || *live.Entries[1].ClosureRate != 0 {
		t.Fatalf("entries: %+v", live.Entries)
	}
	s.must(t, http.StatusCreated, "POST", "/api/v1/rankings/adjustments",
		map[string]any{"month": thisMonth, "department_code": "zjj", "points": -1.5, "reason": "信息报送迟报"}, office...)
	s.must(t, http.StatusOK, "GET", "/api/v1/rankings?month="+thisMonth, nil, s.as("leader")...).json(t, &live)
	if live.Entries[1].Adjustment != -1.5 {
		t.Fatalf("adjustment not applied: %+v", live.Entries[1])
	}

	var published rankingView
	s.must(t, http.StatusCreated, "POST", "/api/v1/rankings/"+lastMonth+"/publish", nil, office...).json(t, &published)
	if published.Source != "snapshot" || published.TakenAt == nil {
		t.Fatalf("published: %+v", published)
	}
	s.must(t, http.StatusOK, "POST", "/api/v1/rankings/"+lastMonth+"/publish", nil, office...)
	before, err := s.store.Fingerprint(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	r := s.do(t, "POST", "/api/v1/rankings/adjustments", map[string]any{"month": lastMonth, "department_code": "zjj", "points": 5, "reason": "补加分"}, office...)
	if r.status != http.StatusConflict || r.errorCode(t) != slip.CodeRankingPublished {
		t.Fatalf("adjusting a published month: %d %s", r.status, r.body)
	}
	if after, _ := s.store.Fingerprint(t.Context()); after != before {
		t.Fatalf("refused adjustment changed the store: %s → %s", before, after)
	}
	var again rankingView
	s.must(t, http.StatusOK, "GET", "/api/v1/rankings?month="+lastMonth, nil, s.as("fgw")...).json(t, &again)
	if again.Source != "snapshot" || *again.TakenAt != *published.TakenAt {
		t.Fatalf("last month after publishing: %+v", again)
	}

	var summary struct {
		Summary struct {
			Assigned int64    `json:"assigned"`
			Open     int64    `json:"open"`
			Closure  *float64 `json:"closure_rate"`
		} `json:"summary"`
	}
	s.must(t, http.StatusOK, "GET", "/api/v1/stats/summary", nil, office...).json(t, &summary)
	if summary.Summary.Assigned != 1 || summary.Summary.Open != 1 || *summary.Summary.Closure != 0 {
		t.Fatalf("summary: %+v", summary)
	}
	s.must(t, http.StatusOK, "GET", "/api/v1/stats/summary", nil, s.as("jtj")...).json(t, &summary)
	if summary.Summary.Assigned != 0 || summary.Summary.Closure != nil {
		t.Fatalf("a foreign department's summary counts another's slip: %+v", summary)
	}
}
