package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/workflows"
)

// TestLifecycleOverHTTP walks one slip from hand-off to sign-off through the
// public API, with a send-back at review, and checks that the ledger, the
// timeline, the statistics and the workflow agree at the end.
func TestLifecycleOverHTTP(t *testing.T) {
	s := start(t)
	s.seedDepartments(t)
	office := s.as("office")
	dept := s.as("zjj")

	// Issue, then repeat the same request with the same key: one slip.
	d := draft("推进老旧小区改造")
	key := []string{"Idempotency-Key", "meeting-2026-01-xjd-07"}
	first := s.must(t, http.StatusCreated, "POST", "/api/v1/slips", d, append(office, key...)...)
	var issued slipView
	first.json(t, &issued)
	if issued.Status != "issued" || issued.Number == "" || issued.Seq != 1 {
		t.Fatalf("issued slip: %+v", issued)
	}
	again := s.must(t, http.StatusCreated, "POST", "/api/v1/slips", d, append(office, key...)...)
	var replay slipView
	again.json(t, &replay)
	if replay.ID != issued.ID || again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("repeat with the same Idempotency-Key gave %s (replayed=%q), want %s", replay.ID, again.header.Get("Idempotent-Replayed"), issued.ID)
	}
	other := draft("另一件事")
	if code := s.must(t, http.StatusUnprocessableEntity, "POST", "/api/v1/slips", other, append(office, key...)...).errorCode(t); code != slip.CodeIdempotencyReused {
		t.Fatalf("reused key with another body: code %s", code)
	}
	var ledger ledgerPage
	s.must(t, http.StatusOK, "GET", "/api/v1/slips", nil, s.as("office")...).json(t, &ledger)
	if ledger.Total != 1 || len(ledger.Items) != 1 {
		t.Fatalf("ledger after duplicate issue: total %d, %d items", ledger.Total, len(ledger.Items))
	}

	id := issued.ID
	act := func(action string, body any, who []string) slipView {
		t.Helper()
		var v slipView
		s.must(t, http.StatusOK, "POST", path("/api/v1/slips/%s/%s", id, action), body, who...).json(t, &v)
		return v
	}
	refuse := func(action string, body any, who []string) {
		t.Helper()
		var before slipView
		s.must(t, http.StatusOK, "GET", "/api/v1/slips/"+id, nil, s.as("office")...).json(t, &before)
		r := s.must(t, http.StatusConflict, "POST", path("/api/v1/slips/%s/%s", id, action), body, who...)
		if code := r.errorCode(t); code != slip.CodeInvalidTransition {
			t.Fatalf("%s in %s: code %s, want %s", action, before.Status, code, slip.CodeInvalidTransition)
		}
		var after slipView
		s.must(t, http.StatusOK, "GET", "/api/v1/slips/"+id, nil, s.as("office")...).json(t, &after)
		if after.Status != before.Status || after.Seq != before.Seq || len(after.Timeline) != len(before.Timeline) {
			t.Fatalf("refused %s changed the slip: %s/%d → %s/%d", action, before.Status, before.Seq, after.Status, after.Seq)
		}
	}

	// Out of order: nothing changes.
	resolution := map[string]any{"summary": "已完成 120 个小区改造", "evidence": []string{"验收报告.pdf", "现场照片"}}
	refuse("resolution", resolution, dept)
	refuse("signoff", map[string]any{}, office)
	refuse("review", map[string]any{"passed": true}, office)
	refuse("progress", map[string]any{"text": "已完成一半"}, dept)

	if v := act("acknowledge", nil, dept); v.Status != "in_progress" || v.Color != "green" {
		t.Fatalf("after acknowledge: %s %s", v.Status, v.Color)
	}

	// An extension asked for and granted moves the deadline; the original stays.
	later := time.Now().AddDate(0, 0, 45).Format(time.DateOnly)
	act("extension", map[string]any{"reason": "需等待汛期结束施工", "deadline": later}, dept)
	if r := s.do(t, "POST", path("/api/v1/slips/%s/extension", id), map[string]any{"reason": "再延", "deadline": later}, dept...); r.status != http.StatusConflict || r.errorCode(t) != slip.CodeExtensionPending {
		t.Fatalf("second extension request: %d %s", r.status, r.body)
	}
	if v := act("extension/decision", map[string]any{"approved": true, "comment": "同意延期"}, office); v.Deadline != later || v.Original != d["deadline"] || v.Extensions != 1 {
		t.Fatalf("after approval: deadline %s original %s extensions %d", v.Deadline, v.Original, v.Extensions)
	}
	refuse("acknowledge", nil, dept)

	// A progress report retried with the same key is recorded once.
	progressKey := append(append([]string{}, dept...), "Idempotency-Key", "progress-1")
	p1 := act("progress", map[string]any{"text": "已完成 60 个"}, progressKey)
	p2 := act("progress", map[string]any{"text": "已完成 60 个"}, progressKey)
	if p1.Seq != p2.Seq || p1.LatestProgress != "已完成 60 个" {
		t.Fatalf("retried progress: seq %d then %d, latest %q", p1.Seq, p2.Seq, p1.LatestProgress)
	}
	refuse("signoff", nil, office)
	s.coUnitsDone(t, id)

	if v := act("resolution", resolution, dept); v.Status != "pending_review" {
		t.Fatalf("after resolution: %s", v.Status)
	}
	if v := act("review", map[string]any{"passed": false, "comment": "回头看发现 3 个小区未完工"}, office); v.Status != "in_progress" || v.ReworkCount != 1 {
		t.Fatalf("after send-back: %s rework %d", v.Status, v.ReworkCount)
	}
	act("progress", map[string]any{"text": "3 个小区已整改"}, dept)
	act("resolution", resolution, dept)
	if v := act("review", map[string]any{"passed": true, "comment": "复核通过"}, office); v.Status != "pending_signoff" {
		t.Fatalf("after review: %s", v.Status)
	}
	closed := act("signoff", map[string]any{"comment": "同意销号"}, office)
	if closed.Status != "closed" || closed.ClosedAt == nil || len(closed.AllowedActions) != 0 {
		t.Fatalf("after sign-off: %+v", closed)
	}
	refuse("progress", map[string]any{"text": "还有"}, dept)
	refuse("cancel", map[string]any{"reason": "撤销"}, office)

	// Timeline: every accepted action once, in order, with no gap.
	var got slipView
	s.must(t, http.StatusOK, "GET", "/api/v1/slips/"+id, nil, s.as("office")...).json(t, &got)
	wantTypes := []string{"issue", "acknowledge", "request_extension", "decide_extension", "progress", "co_acknowledge", "complete_part", "resolve", "send_back", "progress", "resolve", "pass_review", "sign_off"}
	if len(got.Timeline) != len(wantTypes) {
		t.Fatalf("timeline has %d events, want %d: %+v", len(got.Timeline), len(wantTypes), got.Timeline)
	}
	for i, e := range got.Timeline {
		if e.Seq != int64(i+1) || e.Type != wantTypes[i] {
			t.Errorf("event %d: seq %d type %s, want seq %d type %s", i, e.Seq, e.Type, i+1, wantTypes[i])
		}
		if e.Actor == "" {
			t.Errorf("event %d has no actor", e.Seq)
		}
	}
	if got.Seq != int64(len(wantTypes)) {
		t.Errorf("slip seq %d, want %d", got.Seq, len(wantTypes))
	}
	if got.Timeline[8].Payload["comment"] != "回头看发现 3 个小区未完工" {
		t.Errorf("send-back reason not kept: %+v", got.Timeline[8].Payload)
	}

	// The workflow has finished, and it agrees with the ledger.
	run := s.temporal.GetWorkflow(context.Background(), workflows.WorkflowID(id), "")
	var final slip.Slip
	if err := run.Get(context.Background(), &final); err != nil {
		t.Fatalf("workflow result: %v", err)
	}
	if string(final.Status) != got.Status || final.Seq != got.Seq || final.ReworkCount != got.ReworkCount || final.Number != got.Number {
		t.Fatalf("workflow %s/%d/%d/%s, ledger %s/%d/%d/%s", final.Status, final.Seq, final.ReworkCount, final.Number,
			got.Status, got.Seq, got.ReworkCount, got.Number)
	}

	recordHistory(t, s, id)

	// The metrics saw the same lifecycle. They, and the profiler, are on the
	// internal address only: the public listener does not serve them.
	for _, p := range []string{"/metrics", "/debug/pprof/"} {
		if r := s.do(t, "GET", p, nil); r.status != http.StatusNotFound {
			t.Errorf("public GET %s: %d, want 404", p, r.status)
		}
	}
	rec := httptest.NewRecorder()
	s.metrics.InternalHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	prom := rec.Body.String()
	for _, want := range []string{`duban_slip_events_total{type="sign_off"} 1`, `duban_slip_events_total{type="resolve"} 2`,
		`duban_http_request_duration_seconds_count{method="POST",route="/api/v1/slips/:id/signoff",status="2xx"} 1`} {
		if !strings.Contains(prom, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	// The office heard of the extension request, the department of the
	// decision and of the send-back.
	inbox := func(who string) []string {
		var got struct {
			Items []struct {
				Kind string `json:"kind"`
			} `json:"items"`
		}
		s.must(t, http.StatusOK, "GET", "/api/v1/notifications", nil, s.as(who)...).json(t, &got)
		var kinds []string
		for _, n := range got.Items {
			kinds = append(kinds, n.Kind)
		}
		return kinds
	}
	if got := inbox("office"); len(got) != 1 || got[0] != "request_extension" {
		t.Errorf("office inbox: %v", got)
	}
	if got := inbox("zjj"); len(got) != 2 || got[0] != "send_back" || got[1] != "decide_extension" {
		t.Errorf("department inbox, newest first: %v", got)
	}

	// Ledger filters find it by status and by the co-department.
	for _, q := range []string{"status=closed", "department=fgw", "department=zjj", "batch=2026新春第一会", "q=老旧小区", "sent_back=true"} {
		var page ledgerPage
		s.must(t, http.StatusOK, "GET", "/api/v1/slips?"+q, nil, s.as("office")...).json(t, &page)
		if page.Total != 1 || page.Items[0].ID != id {
			t.Errorf("ledger ?%s: total %d", q, page.Total)
		}
	}
	for _, q := range []string{"status=issued", "department=jtj", "overdue=true", "q=不存在的事"} {
		var page ledgerPage
		s.must(t, http.StatusOK, "GET", "/api/v1/slips?"+q, nil, s.as("office")...).json(t, &page)
		if page.Total != 0 {
			t.Errorf("ledger ?%s: total %d, want 0", q, page.Total)
		}
	}

	// Statistics count it as closed on time for the lead department.
	var stats struct {
		Items []struct {
			Key         string   `json:"key"`
			Assigned    int      `json:"assigned"`
			Closed      int      `json:"closed"`
			Open        int      `json:"open"`
			ClosureRate *float64 `json:"closure_rate"`
			OnTimeRate  *float64 `json:"on_time_rate"`
			ReworkRate  *float64 `json:"rework_rate"`
			AckTimely   *float64 `json:"ack_timely_rate"`
		} `json:"items"`
	}
	s.must(t, http.StatusOK, "GET", "/api/v1/stats/closure?group_by=department", nil, s.as("office")...).json(t, &stats)
	if len(stats.Items) != 1 {
		t.Fatalf("stats rows: %+v", stats.Items)
	}
	row := stats.Items[0]
	if row.Key != "zjj" || row.Assigned != 1 || row.Closed != 1 || row.Open != 0 ||
		row.ClosureRate == nil || *row.ClosureRate != 100 || row.OnTimeRate == nil || *row.OnTimeRate != 100 ||
		row.ReworkRate == nil || *row.ReworkRate != 100 || row.AckTimely == nil || *row.AckTimely != 100 {
		t.Fatalf("stats row: %+v", row)
	}
}
