package e2e

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/duban-gov/duban/evidence/evidencetest"
	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/reinspection"
	"github.com/duban-gov/duban/slip"
)

type reinspectionView struct {
	ID           string `json:"id"`
	SlipID       string `json:"slip_id"`
	Status       string `json:"status"`
	InspectorID  int64  `json:"inspector_id"`
	ReworkSlipID string `json:"rework_slip_id"`
	Notes        string `json:"notes"`
	Slip         *struct {
		Number     string `json:"number"`
		Title      string `json:"title"`
		Resolution string `json:"resolution"`
		Evidence   []struct {
			URL string `json:"url"`
		} `json:"evidence"`
	} `json:"slip"`
}

// waitReinspection polls a 回头看 as who until ok says it is there.
func (s *system) waitReinspection(t *testing.T, who, id string, ok func(reinspectionView) bool) reinspectionView {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var r reinspectionView
		s.must(t, http.StatusOK, "GET", "/api/v1/reinspections/"+id, nil, s.as(who)...).json(t, &r)
		if ok(r) {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("reinspection %s stayed %+v", id, r)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestReinspectionSampleFailsIntoRework schedules 回头看 as a seeded sample
// of a batch, assigned to a 市民监督员, checks what the citizen may and may
// not see, records 不合格 and follows the rework slip it opens into the
// statistics; 回头看 before 销号 is refused.
func TestReinspectionSampleFailsIntoRework(t *testing.T) {
	s := start(t)
	s.seedDepartments(t)
	s.addUser(t, identity.User{Login: "citizen", Name: "市民监督员刘", Role: slip.RoleCitizen})
	s.addUser(t, identity.User{Login: "citizen2", Name: "市民监督员陈", Role: slip.RoleCitizen})
	s.addUser(t, identity.User{Login: "inspector", Name: "督查员周", Role: slip.RoleInspector})
	office := s.as("office")

	var closed []string
	for _, title := range []string{"背街小巷整治", "农贸市场改造", "公厕提升", "路灯修复"} {
		sl := s.closeReady(t, title)
		s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+sl.ID+"/signoff", map[string]any{"grade": "satisfied"}, office...)
		closed = append(closed, sl.ID)
	}
	var open slipView
	s.must(t, http.StatusCreated, "POST", "/api/v1/slips", draft("尚未销号"), office...).json(t, &open)

	// Before 销号: refused, nothing drawn.
	early := s.do(t, "POST", "/api/v1/reinspections", map[string]any{"scope": "slip", "slip_id": open.ID, "inspector": "citizen"}, office...)
	if early.status != http.StatusConflict || early.errorCode(t) != reinspection.CodeSlipNotClosed {
		t.Fatalf("回头看 before 销号: %d %s", early.status, early.body)
	}
	for _, bad := range []map[string]any{
		{"scope": "sample", "batch": "2026新春第一会", "percent": 0, "inspector": "citizen"},
		{"scope": "sample", "batch": "2026新春第一会", "percent": 50, "inspector": "zjj"},
		{"scope": "everything", "inspector": "citizen"},
	} {
		if r := s.do(t, "POST", "/api/v1/reinspections", bad, office...); r.status/100 != 4 {
			t.Errorf("schedule %v: %d %s", bad, r.status, r.body)
		}
	}
	if r := s.do(t, "POST", "/api/v1/reinspections", map[string]any{"scope": "batch", "batch": "2026新春第一会", "inspector": "citizen"}, s.as("zjj")...); r.status != http.StatusForbidden {
		t.Errorf("a department scheduling 回头看: %d", r.status)
	}

	var draw struct {
		Draw struct {
			Seed       uint64 `json:"seed"`
			Percent    int    `json:"percent"`
			Population int    `json:"population"`
			Drawn      int    `json:"drawn"`
		} `json:"draw"`
		Items []reinspectionView `json:"items"`
	}
	s.must(t, http.StatusCreated, "POST", "/api/v1/reinspections", map[string]any{"scope": "sample", "batch": "2026新春第一会",
		"percent": 50, "seed": 20260301, "after_working_days": 0, "inspector": "citizen"}, office...).json(t, &draw)
	want := reinspection.Sample(closed, 50, 20260301)
	var got []string
	for _, r := range draw.Items {
		got = append(got, r.SlipID)
	}
	slices.Sort(got)
	if draw.Draw.Seed != 20260301 || draw.Draw.Population != 4 || draw.Draw.Drawn != 2 || !slices.Equal(got, want) {
		t.Fatalf("draw %+v drew %v, want %v from the recorded seed", draw.Draw, got, want)
	}
	failing, passing := draw.Items[0], draw.Items[1]
	if again := s.do(t, "POST", "/api/v1/reinspections", map[string]any{"scope": "slip", "slip_id": failing.SlipID, "inspector": "inspector"}, office...); again.status != http.StatusConflict || again.errorCode(t) != "reinspection_open" {
		t.Errorf("a second 回头看 of a slip while one runs: %d %s", again.status, again.body)
	}

	// The citizen sees only their own assignments, and of the slip only
	// what checking it needs.
	r := s.waitReinspection(t, "citizen", failing.ID, func(r reinspectionView) bool { return r.Status == "assigned" })
	if r.Slip == nil || r.Slip.Title == "" || r.Slip.Resolution != "已完成" {
		t.Fatalf("citizen's view of the slip: %+v", r.Slip)
	}
	if g := s.do(t, "GET", "/api/v1/reinspections/"+failing.ID, nil, s.as("citizen2")...); g.status != http.StatusNotFound {
		t.Errorf("another citizen asking for it: %d, want 404", g.status)
	}
	if len(r.Slip.Evidence) != 0 {
		t.Fatalf("evidence before any upload: %+v", r.Slip.Evidence)
	}
	if g := s.do(t, "GET", "/api/v1/slips/"+failing.SlipID, nil, s.as("citizen")...); g.status != http.StatusForbidden && g.status != http.StatusNotFound {
		t.Errorf("a citizen asking for the slip itself: %d", g.status)
	}
	if g := s.do(t, "GET", "/api/v1/slips", nil, s.as("citizen")...); g.status != http.StatusForbidden {
		t.Errorf("a citizen reading the ledger: %d", g.status)
	}
	var mine struct{ Items []reinspectionView }
	s.must(t, http.StatusOK, "GET", "/api/v1/reinspections", nil, s.as("citizen2")...).json(t, &mine)
	if len(mine.Items) != 0 {
		t.Errorf("citizen2 lists %d reinspections, want none", len(mine.Items))
	}
	if g := s.do(t, "POST", "/api/v1/reinspections/"+failing.ID+"/record", map[string]any{"passed": true}, s.as("inspector")...); g.status != http.StatusNotFound {
		t.Errorf("an inspector recording another's 回头看: %d", g.status)
	}

	// A photo of the visit, then 不合格 (a reason is required).
	photo := evidencetest.JPEG(20 << 10)
	if up := s.upload(t, "citizen", failing.SlipID, "progress", "x.jpg", photo); up.status != http.StatusForbidden {
		t.Errorf("a citizen uploading to the slip: %d", up.status)
	}
	body, ct := multipartBody(t, "file", "回头看现场.jpg", photo)
	s.must(t, http.StatusCreated, "POST", "/api/v1/reinspections/"+failing.ID+"/evidence", string(body), append(s.as("citizen"), "Content-Type", ct)...)
	r = s.waitReinspection(t, "citizen", failing.ID, func(r reinspectionView) bool { return len(r.Slip.Evidence) == 1 })
	if got := s.must(t, http.StatusOK, "GET", r.Slip.Evidence[0].URL, nil, s.as("citizen")...); len(got.body) != len(photo) {
		t.Errorf("the citizen downloads %d bytes of the visit photo", len(got.body))
	}
	for _, who := range []string{"citizen2", "inspector"} {
		if g := s.do(t, "GET", r.Slip.Evidence[0].URL, nil, s.as(who)...); g.status != http.StatusNotFound {
			t.Errorf("%s downloading another's 回头看 photo: %d, want 404", who, g.status)
		}
	}
	if g := s.do(t, "POST", "/api/v1/reinspections/"+failing.ID+"/record", map[string]any{"passed": false, "notes": " "}, s.as("citizen")...); g.status != http.StatusBadRequest {
		t.Errorf("不合格 without notes: %d %s", g.status, g.body)
	}
	s.must(t, http.StatusOK, "POST", "/api/v1/reinspections/"+failing.ID+"/record", map[string]any{"passed": false, "notes": "路面再次破损，积水未解决"}, s.as("citizen")...)
	r = s.waitReinspection(t, "office", failing.ID, func(r reinspectionView) bool { return r.ReworkSlipID != "" })
	if again := s.do(t, "POST", "/api/v1/reinspections/"+failing.ID+"/record", map[string]any{"passed": true}, s.as("citizen")...); again.status != http.StatusConflict {
		t.Errorf("a second finding: %d %s", again.status, again.body)
	}

	// The rework is a new slip linked to the original; the original's 销号 stands.
	var rework, orig struct {
		slipView
		ReworkOf string `json:"rework_of"`
	}
	s.must(t, http.StatusOK, "GET", "/api/v1/slips/"+r.ReworkSlipID, nil, s.as("zjj")...).json(t, &rework)
	if rework.ReworkOf != failing.SlipID || rework.Status != "issued" || !strings.HasPrefix(rework.Title, "【重办】") || rework.LeadDepartment != "zjj" {
		t.Fatalf("rework slip %+v", rework)
	}
	s.must(t, http.StatusOK, "GET", "/api/v1/slips/"+failing.SlipID, nil, office...).json(t, &orig)
	if orig.Status != "closed" {
		t.Errorf("the original slip is %s, want still closed", orig.Status)
	}
	var files struct{ Items []evidenceView }
	s.must(t, http.StatusOK, "GET", "/api/v1/slips/"+failing.SlipID+"/evidence", nil, office...).json(t, &files)
	if len(files.Items) != 1 || files.Items[0].Purpose != "reinspection" {
		t.Errorf("the office sees the visit's photo as %+v", files.Items)
	}

	s.waitReinspection(t, "citizen", passing.ID, func(r reinspectionView) bool { return r.Status == "assigned" })
	s.must(t, http.StatusOK, "POST", "/api/v1/reinspections/"+passing.ID+"/record", map[string]any{"passed": true, "notes": "整改到位"}, s.as("citizen")...)

	var q struct {
		Items []struct {
			Department        string   `json:"department"`
			Reinspections     int64    `json:"reinspections"`
			ReinspectPassed   int64    `json:"reinspect_passed"`
			ReinspectFailed   int64    `json:"reinspect_failed"`
			Reworks           int64    `json:"reworks"`
			ReinspectPassRate *float64 `json:"reinspect_pass_rate"`
			RedoRate          *float64 `json:"redo_rate"`
		}
	}
	s.must(t, http.StatusOK, "GET", "/api/v1/stats/quality", nil, s.as("zjj")...).json(t, &q)
	if len(q.Items) != 1 {
		t.Fatalf("quality rows %+v", q.Items)
	}
	z := q.Items[0]
	if z.Reinspections != 2 || z.ReinspectPassed != 1 || z.ReinspectFailed != 1 || z.Reworks != 1 ||
		z.ReinspectPassRate == nil || *z.ReinspectPassRate != 50 || z.RedoRate == nil || *z.RedoRate != 25 {
		t.Fatalf("quality of 住建局: %+v", z)
	}

	// The month's ranking scores it too: four 满意, one 合格, one 不合格.
	var rk struct {
		Entries []struct {
			Department      string   `json:"department_code"`
			ReinspectFailed int64    `json:"reinspect_failed"`
			QualityScore    *float64 `json:"quality_score"`
		} `json:"entries"`
	}
	s.must(t, http.StatusOK, "GET", "/api/v1/rankings", nil, office...).json(t, &rk)
	found := false
	for _, e := range rk.Entries {
		if e.Department == "zjj" {
			found = true
			if e.ReinspectFailed != 1 || e.QualityScore == nil || *e.QualityScore != 83.3 {
				t.Errorf("住建局 in the ranking: %+v (quality %v)", e, e.QualityScore)
			}
		}
	}
	if !found {
		t.Errorf("住建局 is not ranked: %+v", rk.Entries)
	}
}
