package e2e

import (
	"net/http"
	"testing"
)

// closeReady issues a slip to 住建局 and takes it to 待销号.
func (s *system) closeReady(t *testing.T, title string) slipView {
	t.Helper()
	office, zjj := s.as("office"), s.as("zjj")
	var sl slipView
	s.must(t, http.StatusCreated, "POST", "/api/v1/slips", draft(title), office...).json(t, &sl)
	s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+sl.ID+"/acknowledge", map[string]any{}, zjj...)
	s.coUnitsDone(t, sl.ID)
	s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+sl.ID+"/resolution", map[string]any{"summary": "已完成", "evidence": []string{"验收报告.pdf"}}, zjj...)
	s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+sl.ID+"/review", map[string]any{"passed": true}, office...).json(t, &sl)
	return sl
}

// TestGradeAtSignOff grades two slips at 销号 and checks the refusals
// (不满意 without a reason, an unknown grade, a grade on an open slip) and
// the counts in the quality statistics.
func TestGradeAtSignOff(t *testing.T) {
	s := start(t)
	s.seedDepartments(t)
	office := s.as("office")
	a := s.closeReady(t, "背街小巷整治")
	b := s.closeReady(t, "农贸市场改造")
	var open slipView
	s.must(t, http.StatusCreated, "POST", "/api/v1/slips", draft("仍在办理"), office...).json(t, &open)

	refusals := []struct {
		name   string
		id     string
		body   map[string]any
		status int
		code   string
	}{
		{"不满意 without a reason", a.ID, map[string]any{"grade": "unsatisfied", "comment": "  "}, 400, "invalid_field"},
		{"unknown grade", a.ID, map[string]any{"grade": "excellent"}, 400, "invalid_field"},
		{"grade on an open slip", open.ID, map[string]any{"grade": "basic", "comment": "好"}, 409, "invalid_transition"},
	}
	for _, r := range refusals {
		got := s.do(t, "POST", "/api/v1/slips/"+r.id+"/signoff", r.body, office...)
		if got.status != r.status || got.errorCode(t) != r.code {
			t.Errorf("%s: %d %s, want %d %s", r.name, got.status, got.body, r.status, r.code)
		}
	}
	var still slipView
	s.must(t, http.StatusOK, "GET", "/api/v1/slips/"+a.ID, nil, office...).json(t, &still)
	if still.Status != "pending_signoff" {
		t.Fatalf("after refused sign-offs the slip is %s", still.Status)
	}

	var closed struct {
		slipView
		Grade      string `json:"grade"`
		GradeLabel string `json:"grade_label"`
	}
	s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+a.ID+"/signoff", map[string]any{"grade": "basic", "comment": "基本完成，个别路段待完善"}, office...).json(t, &closed)
	if closed.Status != "closed" || closed.Grade != "basic" || closed.GradeLabel != "基本满意" {
		t.Fatalf("signed off: status %s grade %s (%s)", closed.Status, closed.Grade, closed.GradeLabel)
	}
	s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+b.ID+"/signoff", map[string]any{"grade": "unsatisfied", "comment": "摊位改造不彻底"}, office...)
	s.must(t, http.StatusOK, "GET", "/api/v1/slips/"+b.ID, nil, office...).json(t, &closed)
	if closed.Grade != "unsatisfied" {
		t.Fatalf("the ledger kept grade %q", closed.Grade)
	}
	last := closed.Timeline[len(closed.Timeline)-1]
	if last.Type != "sign_off" || last.Payload["grade"] != "unsatisfied" || last.Payload["comment"] != "摊位改造不彻底" {
		t.Errorf("sign-off event %+v", last)
	}

	type qualityRow struct {
		Department      string   `json:"department"`
		Closed          int64    `json:"closed"`
		Satisfied       int64    `json:"satisfied"`
		Basic           int64    `json:"basic"`
		Unsatisfied     int64    `json:"unsatisfied"`
		UnsatisfiedRate *float64 `json:"unsatisfied_rate"`
	}
	var q struct{ Items []qualityRow }
	s.must(t, http.StatusOK, "GET", "/api/v1/stats/quality", nil, office...).json(t, &q)
	var zjj *qualityRow
	for i := range q.Items {
		if q.Items[i].Department == "zjj" {
			zjj = &q.Items[i]
		}
	}
	if zjj == nil || zjj.Closed != 2 || zjj.Basic != 1 || zjj.Unsatisfied != 1 || zjj.Satisfied != 0 || zjj.UnsatisfiedRate == nil || *zjj.UnsatisfiedRate != 50 {
		t.Fatalf("quality of 住建局: %+v", zjj)
	}
	s.must(t, http.StatusOK, "GET", "/api/v1/stats/quality", nil, s.as("jtj")...).json(t, &q)
	if len(q.Items) != 1 || q.Items[0].Department != "jtj" {
		t.Errorf("交通局 sees quality rows %+v, want its own only", q.Items)
	}
}
