package e2e

import (
	"net/http"
	"testing"
	"time"
)

// TestVisitsAtMostOnce plans 督查 visits: a second visit to the same unit on
// the same matters in the same month is flagged with a proposal to merge,
// merging folds it into the first; the checklist gathers what is open at
// the unit; findings hand out new slips (once, however often sent) and
// sign off what the visit verified.
func TestVisitsAtMostOnce(t *testing.T) {
	s := start(t)
	s.seedDepartments(t)
	now := time.Now()
	day := func(d int) string {
		return time.Date(now.Year(), now.Month(), d, 0, 0, 0, 0, time.Local).Format(time.DateOnly)
	}

	var open, ready slipView
	s.must(t, http.StatusCreated, "POST", "/api/v1/slips", draft("加快老旧小区改造"), s.as("office")...).json(t, &open)
	s.must(t, http.StatusCreated, "POST", "/api/v1/slips", draft("整治违建"), s.as("office")...).json(t, &ready)
	s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+ready.ID+"/acknowledge", nil, s.as("zjj")...)
	s.coUnitsDone(t, ready.ID)
	s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+ready.ID+"/resolution", map[string]any{"summary": "已拆除", "evidence": []string{"照片"}}, s.as("zjj")...)
	s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+ready.ID+"/review", map[string]any{"passed": true}, s.as("office")...)

	type visitView struct {
		ID      string   `json:"id"`
		Date    string   `json:"date"`
		Team    string   `json:"team"`
		Matters []string `json:"matters"`
		Status  string   `json:"status"`
	}
	var first struct {
		Visit   visitView   `json:"visit"`
		Clashes []visitView `json:"clashes"`
	}
	s.must(t, http.StatusCreated, "POST", "/api/v1/visits", map[string]any{"department": "zjj", "date": day(5), "team": "第一督查组", "matters": []string{"老旧小区改造"}}, s.as("office")...).json(t, &first)
	if len(first.Clashes) != 0 {
		t.Fatalf("first visit clashes: %+v", first.Clashes)
	}
	var second struct {
		Visit    visitView   `json:"visit"`
		Clashes  []visitView `json:"clashes"`
		Proposal struct {
			MergeInto string `json:"merge_into"`
			Message   string `json:"message"`
		} `json:"proposal"`
	}
	s.must(t, http.StatusCreated, "POST", "/api/v1/visits", map[string]any{"department": "zjj", "date": day(20), "team": "第二督查组", "matters": []string{"老旧小区改造", "燃气管网"}}, s.as("office")...).json(t, &second)
	if len(second.Clashes) != 1 || second.Proposal.MergeInto != first.Visit.ID || second.Proposal.Message == "" {
		t.Fatalf("second visit: %+v", second)
	}
	var other struct {
		Clashes []visitView `json:"clashes"`
	}
	s.must(t, http.StatusCreated, "POST", "/api/v1/visits", map[string]any{"department": "fgw", "date": day(20), "team": "第二督查组", "matters": []string{"老旧小区改造"}}, s.as("office")...).json(t, &other)
	if len(other.Clashes) != 0 {
		t.Fatalf("a visit to another unit clashes: %+v", other.Clashes)
	}
	s.must(t, http.StatusForbidden, "POST", "/api/v1/visits", map[string]any{"department": "zjj", "date": day(6), "team": "x"}, s.as("zjj")...)
	if r := s.do(t, "POST", "/api/v1/visits", map[string]any{"department": "zjj", "date": day(6), "team": ""}, s.as("office")...); r.status != http.StatusBadRequest {
		t.Fatalf("visit without a team: %d", r.status)
	}

	var merged visitView
	s.must(t, http.StatusOK, "POST", "/api/v1/visits/"+second.Visit.ID+"/merge", map[string]string{"into": first.Visit.ID}, s.as("office")...).json(t, &merged)
	if merged.ID != first.Visit.ID || merged.Date != day(5) || len(merged.Matters) != 2 || merged.Team != "第一督查组、第二督查组" {
		t.Fatalf("merged: %+v", merged)
	}
	var month struct {
		Items []visitView `json:"items"`
	}
	s.must(t, http.StatusOK, "GET", "/api/v1/visits?month="+day(1)[:7], nil, s.as("leader")...).json(t, &month)
	statuses := map[string]int{}
	for _, v := range month.Items {
		statuses[v.Status]++
	}
	if len(month.Items) != 3 || statuses["merged"] != 1 || statuses["planned"] != 2 {
		t.Fatalf("month: %+v", month.Items)
	}

	var detail struct {
		Checklist struct {
			Slips []slipView `json:"slips"`
		} `json:"checklist"`
	}
	s.must(t, http.StatusOK, "GET", "/api/v1/visits/"+first.Visit.ID, nil, s.as("office")...).json(t, &detail)
	if len(detail.Checklist.Slips) != 2 {
		t.Fatalf("checklist has %d slips, want the 2 open at 住建局", len(detail.Checklist.Slips))
	}

	findings := map[string]any{
		"findings": "小区改造进度滞后；违建已拆除",
		"issue":    []map[string]any{draft("督查发现：3 个小区未开工")},
		"close":    []string{ready.ID, open.ID},
	}
	var out struct {
		Issued []struct {
			Status string `json:"status"`
			ID     string `json:"slip_id"`
		} `json:"issued"`
		Closed []struct {
			Status string `json:"status"`
			Error  *struct {
				Code string `json:"Code"`
			} `json:"error"`
		} `json:"closed"`
	}
	before := s.slipCount(t)
	s.must(t, http.StatusOK, "POST", "/api/v1/visits/"+first.Visit.ID+"/findings", findings, s.as("office")...).json(t, &out)
	if len(out.Issued) != 1 || out.Issued[0].Status != "issued" || out.Closed[0].Status != "closed" || out.Closed[1].Status != "failed" {
		t.Fatalf("findings: %+v", out)
	}
	var closed slipView
	s.must(t, http.StatusOK, "GET", "/api/v1/slips/"+ready.ID, nil, s.as("office")...).json(t, &closed)
	if closed.Status != "closed" {
		t.Fatalf("verified slip is %s", closed.Status)
	}
	s.must(t, http.StatusOK, "POST", "/api/v1/visits/"+first.Visit.ID+"/findings", findings, s.as("office")...).json(t, &out)
	if out.Issued[0].Status != "existing" {
		t.Fatalf("findings sent again issued %+v", out.Issued)
	}
	if n := s.slipCount(t); n != before+1 {
		t.Fatalf("ledger grew by %d slips, want 1", n-before)
	}
	s.must(t, http.StatusConflict, "POST", "/api/v1/visits/"+second.Visit.ID+"/findings", findings, s.as("office")...)
}
