package e2e

import (
	"context"
	"net/http"
	"testing"

	"github.com/duban-gov/duban/api"
	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store/storetest"
)

// eachDialect runs fn once on a system over SQLite and once over PostgreSQL.
func eachDialect(t *testing.T, adjust func(*api.Deps), fn func(t *testing.T, s *system)) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) { fn(t, startOn(t, d, adjust)) })
	}
}

// TestIdempotencyKeysArePerUserAndBindTheBody: two clerks (even with the
// same display name) using the same key issue two slips; an action retried
// with its key gets its first answer again, a sign-off too (200, not 409);
// the same key with another body is 422 and changes nothing.
func TestIdempotencyKeysArePerUserAndBindTheBody(t *testing.T) {
	eachDialect(t, nil, func(t *testing.T, s *system) {
		s.seedDepartments(t)
		s.addUser(t, identity.User{Login: "office2", Name: "督查室张敏", Role: slip.RoleOffice}) // same name as "office"
		ctx := context.Background()
		d := draft("每人各自的幂等键")
		var a, b slipView
		s.must(t, http.StatusCreated, "POST", "/api/v1/slips", d, append(s.as("office"), "Idempotency-Key", "k-2026-1")...).json(t, &a)
		rb := s.must(t, http.StatusCreated, "POST", "/api/v1/slips", d, append(s.as("office2"), "Idempotency-Key", "k-2026-1")...)
		rb.json(t, &b)
		if a.ID == b.ID || rb.header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("another clerk's key returned the first clerk's slip %s", a.ID)
		}
		var again slipView
		// The same draft, spelled differently (order, spacing), is the same request.
		raw := `{ "deadline": "` + d["deadline"].(string) + `", "title": "每人各自的幂等键", "content": "年底前完成 120 个老旧小区改造，逐月报送进度。",
			"source": "2026年新春第一会", "batch": "2026新春第一会", "category": "城市建设", "priority": "urgent",
			"lead_department": "zjj", "co_departments": ["fgw"], "leader": "王副市长" }`
		ra := s.must(t, http.StatusCreated, "POST", "/api/v1/slips", raw, append(s.as("office"), "Idempotency-Key", "k-2026-1")...)
		ra.json(t, &again)
		if again.ID != a.ID || ra.header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("retried issue: %s (replayed %q), want %s", again.ID, ra.header.Get("Idempotent-Replayed"), a.ID)
		}

		key := func(login, k string) []string { return append(s.as(login), "Idempotency-Key", k) }
		s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+a.ID+"/acknowledge", nil, key("zjj", "ack-1")...)
		first := s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+a.ID+"/progress", map[string]any{"text": "完成 60 个"}, key("zjj", "p-1")...)
		retry := s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+a.ID+"/progress", map[string]any{"text": "完成 60 个"}, key("zjj", "p-1")...)
		if string(retry.body) != string(first.body) || retry.header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("retried progress:\n%s\nfirst:\n%s", retry.body, first.body)
		}
		before, _ := s.store.Fingerprint(ctx)
		r := s.must(t, http.StatusUnprocessableEntity, "POST", "/api/v1/slips/"+a.ID+"/progress", map[string]any{"text": "完成 80 个"}, key("zjj", "p-1")...)
		if code := r.errorCode(t); code != slip.CodeIdempotencyReused {
			t.Fatalf("another body under the key: %s", code)
		}
		s.must(t, http.StatusUnprocessableEntity, "POST", "/api/v1/slips/"+a.ID+"/resolution",
			map[string]any{"summary": "完成", "evidence": []string{"照片"}}, key("zjj", "p-1")...)
		s.must(t, http.StatusUnprocessableEntity, "POST", "/api/v1/slips/"+b.ID+"/progress", map[string]any{"text": "完成 60 个"}, key("zjj", "p-1")...)
		if after, _ := s.store.Fingerprint(ctx); after != before {
			t.Fatalf("refused reuse changed the store: %s → %s", before, after)
		}
		// fgw (co-department) has a key of the same name: its own.
		s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+a.ID+"/progress", map[string]any{"text": "配合完成"}, key("fgw", "p-1")...)
		// A refused action leaves the key free: sign-off before review is 409,
		// then the same key signs off once it may.
		s.must(t, http.StatusConflict, "POST", "/api/v1/slips/"+a.ID+"/signoff", map[string]any{"comment": "同意销号"}, key("office", "s-1")...)
		s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+a.ID+"/resolution", map[string]any{"summary": "完成", "evidence": []string{"照片"}}, s.as("zjj")...)
		s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+a.ID+"/review", map[string]any{"passed": true}, s.as("office")...)
		signed := s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+a.ID+"/signoff", map[string]any{"comment": "同意销号"}, key("office", "s-1")...)
		resigned := s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+a.ID+"/signoff", map[string]any{"comment": "同意销号"}, key("office", "s-1")...)
		if string(resigned.body) != string(signed.body) || resigned.header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("retried sign-off:\n%s\nfirst:\n%s", resigned.body, signed.body)
		}
		var closed slipView
		signed.json(t, &closed)
		if closed.Status != string(slip.StatusClosed) {
			t.Fatalf("signed off: %s", closed.Status)
		}
		s.must(t, http.StatusUnprocessableEntity, "POST", "/api/v1/slips/"+a.ID+"/signoff", map[string]any{"comment": "再次销号"}, key("office", "s-1")...)
		s.must(t, http.StatusOK, "GET", "/api/v1/slips/"+a.ID, nil, s.as("office")...).json(t, &closed)
		count := map[string]int{}
		for _, e := range closed.Timeline {
			count[e.Type]++
		}
		if count["progress"] != 2 || count["sign_off"] != 1 || count["acknowledge"] != 1 {
			t.Fatalf("timeline: %v", count)
		}
	})
}
