package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/internal/app"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store/storetest"
)

// eachDialect runs fn once on a system over SQLite and once over PostgreSQL.
func eachDialect(t *testing.T, adjust func(*app.Config), fn func(t *testing.T, s *system)) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) { fn(t, startOn(t, d, adjust)) })
	}
}

// TestIssueKeysArePerUser: two clerks (even with the same display name)
// using the same key issue two slips; the same draft spelled differently is
// the same request and replays the first slip.
func TestIssueKeysArePerUser(t *testing.T) {
	eachDialect(t, nil, func(t *testing.T, s *system) {
		s.seedDepartments(t)
		s.addUser(t, identity.User{Login: "office2", Name: "督查室张敏", Role: slip.RoleOffice}) // same name as "office"
		d := draft("每人各自的幂等键")
		var a, b slipView
		s.must(t, http.StatusCreated, "POST", "/api/v1/slips", d, append(s.as("office"), "Idempotency-Key", "k-2026-1")...).json(t, &a)
		rb := s.must(t, http.StatusCreated, "POST", "/api/v1/slips", d, append(s.as("office2"), "Idempotency-Key", "k-2026-1")...)
		rb.json(t, &b)
		if a.ID == b.ID || rb.header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("another clerk's key returned the first clerk's slip %s", a.ID)
		}
		var again slipView
		raw := `{ "deadline": "` + d["deadline"].(string) + `", "title": "每人各自的幂等键", "content": "年底前完成 120 个老旧小区改造，逐月报送进度。",
			"source": "2026年新春第一会", "batch": "2026新春第一会", "category": "城市建设", "priority": "urgent",
			"lead_department": "zjj", "co_departments": ["fgw"], "leader": "王副市长" }`
		ra := s.must(t, http.StatusCreated, "POST", "/api/v1/slips", raw, append(s.as("office"), "Idempotency-Key", "k-2026-1")...)
		ra.json(t, &again)
		if again.ID != a.ID || ra.header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("retried issue: %s (replayed %q), want %s", again.ID, ra.header.Get("Idempotent-Replayed"), a.ID)
		}
	})
}

// TestActionKeysReplayAndBindTheBody: an action retried with its key gets
// its first answer again, a sign-off too (200, not 409); a refused action
// leaves its key free; the same key with another body is 422 and changes
// nothing; another user's key of the same name is another key.
func TestActionKeysReplayAndBindTheBody(t *testing.T) {
	eachDialect(t, nil, func(t *testing.T, s *system) {
		s.seedDepartments(t)
		ctx := context.Background()
		issue := func(title string) string {
			var v slipView
			s.must(t, http.StatusCreated, "POST", "/api/v1/slips", draft(title), s.as("office")...).json(t, &v)
			s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+v.ID+"/acknowledge", nil, append(s.as("zjj"), "Idempotency-Key", "ack-"+v.ID)...)
			return v.ID
		}
		a, b, c := issue("销号重试"), issue("同键异体"), issue("另一件")
		key := func(login, k string) []string { return append(s.as(login), "Idempotency-Key", k) }
		progress := func(text string) map[string]any { return map[string]any{"text": text} }
		resolution := map[string]any{"summary": "完成", "evidence": []string{"照片"}}

		// A retried action replays its answer.
		first := s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+a+"/progress", progress("完成 60 个"), key("zjj", "p-1")...)
		retry := s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+a+"/progress", progress("完成 60 个"), key("zjj", "p-1")...)
		if string(retry.body) != string(first.body) || retry.header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("retried progress (replayed %q):\n%s\nfirst:\n%s", retry.header.Get("Idempotent-Replayed"), retry.body, first.body)
		}

		// Sign-off before review is 409 and leaves the key free; the same key
		// then signs off once it may, and a retry answers as the first did.
		signoff := map[string]any{"comment": "同意销号"}
		s.must(t, http.StatusConflict, "POST", "/api/v1/slips/"+a+"/signoff", signoff, key("office", "s-1")...)
		s.coUnitsDone(t, a)
		s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+a+"/resolution", resolution, s.as("zjj")...)
		s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+a+"/review", map[string]any{"passed": true}, s.as("office")...)
		signed := s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+a+"/signoff", signoff, key("office", "s-1")...)
		var closed slipView
		signed.json(t, &closed)
		if closed.Status != string(slip.StatusClosed) {
			t.Fatalf("signed off: %s", closed.Status)
		}
		resigned := s.do(t, "POST", "/api/v1/slips/"+a+"/signoff", signoff, key("office", "s-1")...)
		if resigned.status != http.StatusOK || string(resigned.body) != string(signed.body) || resigned.header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("retried sign-off: %d\n%s\nfirst:\n%s", resigned.status, resigned.body, signed.body)
		}
		if r := s.do(t, "POST", "/api/v1/slips/"+a+"/signoff", map[string]any{"comment": "再次销号"}, key("office", "s-1")...); r.status != http.StatusUnprocessableEntity {
			t.Errorf("sign-off key reused with another comment: %d %s", r.status, r.body)
		}
		if got := s.eventCounts(t, a); got["progress"] != 1 || got["sign_off"] != 1 {
			t.Errorf("timeline of the signed-off slip: %v", got)
		}

		// The same key with another body is refused and changes nothing.
		s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+b+"/progress", progress("完成 60 个"), key("zjj", "p-2")...)
		before, _ := s.store.Fingerprint(ctx)
		for _, reuse := range []struct {
			what, path string
			body       any
		}{
			{"another text", "/api/v1/slips/" + b + "/progress", progress("完成 80 个")},
			{"another action", "/api/v1/slips/" + b + "/resolution", resolution},
			{"another slip", "/api/v1/slips/" + c + "/progress", progress("完成 60 个")},
		} {
			r := s.do(t, "POST", reuse.path, reuse.body, key("zjj", "p-2")...)
			if r.status != http.StatusUnprocessableEntity || r.errorCode(t) != slip.CodeIdempotencyReused {
				t.Errorf("key reused with %s: %d %.200s, want 422 %s", reuse.what, r.status, r.body, slip.CodeIdempotencyReused)
			}
		}
		if after, _ := s.store.Fingerprint(ctx); after != before {
			t.Errorf("refused key reuse changed the store: %s → %s", before, after)
		}
		// fgw (co-department) has a key of the same name: its own.
		s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+b+"/co-acknowledge", nil, s.as("fgw")...)
		s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+b+"/progress", progress("配合完成"), key("fgw", "p-2")...)
		if got := s.eventCounts(t, b); got["progress"] != 2 || got["resolve"] != 0 {
			t.Errorf("timeline of the slip the key was reused on: %v", got)
		}
		if got := s.eventCounts(t, c); got["progress"] != 0 {
			t.Errorf("timeline of the other slip: %v", got)
		}
	})
}

// TestEndingActionWhoseAnswerWasLostReplays: an action that ended its slip
// (销号, 撤销) but whose answer was never stored — the API killed between
// the workflow's acceptance and the answer, simulated by forgetting it —
// is answered on retry with the same key as if it had been (200, replayed,
// nothing applied twice), not refused as an action on a closed slip. A new
// key for the same words, or another clerk's key of the same name, is
// still refused: only the request that ended the slip gets its answer.
func TestEndingActionWhoseAnswerWasLostReplays(t *testing.T) {
	st, raw := openLedger(t, ledgerURL(t))
	s := startOnLedger(t, st, nil)
	s.seedDepartments(t)
	s.addUser(t, identity.User{Login: "office2", Name: "督查室张敏", Role: slip.RoleOffice})
	key := func(login, k string) []string { return append(s.as(login), "Idempotency-Key", k) }
	loseAnswer := func(k string) {
		t.Helper()
		res, err := raw.Exec(`UPDATE request_keys SET answer = NULL WHERE idem_key = '` + k + `'`)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			t.Fatalf("key %s: %d rows", k, n)
		}
	}

	a := s.readyForSignoff(t, "应答丢失的销号")
	signoff := map[string]any{"comment": "同意销号", "grade": "satisfied"}
	signed := s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+a.ID+"/signoff", signoff, key("office", "s-lost")...)
	loseAnswer("s-lost")

	for i := range 2 { // the first retry finds the answer on the timeline, the second stored
		r := s.do(t, "POST", "/api/v1/slips/"+a.ID+"/signoff", signoff, key("office", "s-lost")...)
		var v slipView
		if r.status == http.StatusOK {
			r.json(t, &v)
		}
		if r.status != http.StatusOK || r.header.Get("Idempotent-Replayed") != "true" || v.Status != string(slip.StatusClosed) {
			t.Fatalf("retry %d of a sign-off whose answer was lost: %d (replayed %q) %.300s\nfirst: %.300s", i+1, r.status, r.header.Get("Idempotent-Replayed"), r.body, signed.body)
		}
	}
	for _, other := range []struct {
		what    string
		body    any
		headers []string
		want    int
	}{
		{"the same words with a new key", signoff, key("office", "s-new"), http.StatusConflict},
		{"another clerk's key of the same name", signoff, key("office2", "s-lost"), http.StatusConflict},
		{"the same key with other words", map[string]any{"comment": "再次销号", "grade": "satisfied"}, key("office", "s-lost"), http.StatusUnprocessableEntity},
	} {
		if r := s.do(t, "POST", "/api/v1/slips/"+a.ID+"/signoff", other.body, other.headers...); r.status != other.want {
			t.Errorf("%s: %d %.200s, want %d", other.what, r.status, r.body, other.want)
		}
	}
	if got := s.eventCounts(t, a.ID); got["sign_off"] != 1 {
		t.Errorf("timeline: %v", got)
	}

	// 撤销 the same way.
	var b slipView
	s.must(t, http.StatusCreated, "POST", "/api/v1/slips", draft("应答丢失的撤销"), s.as("office")...).json(t, &b)
	cancel := map[string]any{"reason": "重复交办"}
	s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+b.ID+"/cancel", cancel, key("office", "c-lost")...)
	loseAnswer("c-lost")
	if r := s.do(t, "POST", "/api/v1/slips/"+b.ID+"/cancel", cancel, key("office", "c-lost")...); r.status != http.StatusOK || r.header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("retried cancel whose answer was lost: %d %.200s", r.status, r.body)
	}
	if got := s.eventCounts(t, b.ID); got["cancel"] != 1 {
		t.Errorf("timeline: %v", got)
	}
}

// TestLostEndingAheadOfItsWorkflowGoesToTheWorkflow: the same lost answer,
// but the sign-off's workflow task was lost too (a Temporal server killed
// after the projection): the ledger says 已销号, the workflow still waits
// in 待销号, and the key is held unanswered. The retry must reach the
// workflow, which applies it again and ends, not be answered from the
// timeline and leave the workflow running (the kill test found this).
func TestLostEndingAheadOfItsWorkflowGoesToTheWorkflow(t *testing.T) {
	ctx := context.Background()
	s := start(t)
	s.seedDepartments(t)
	sl := s.readyForSignoff(t, "工作流落后的销号")

	office := s.users["office"]
	closed := projectLost(t, s, sl.ID, slip.Event{Type: slip.ActionSignOff, Actor: office.Name, ActorID: office.ID, ActorRole: slip.RoleOffice,
		From: slip.StatusPendingSignoff, To: slip.StatusClosed, Payload: map[string]any{"comment": "同意销号"}},
		func(sl *slip.Slip, now time.Time) { sl.Status, sl.ClosedAt = slip.StatusClosed, &now })
	// The key as the lost request left it: bound to its body, unanswered.
	// (The hash is the service's: SHA-256 of the target and the command.)
	body, err := json.Marshal(struct {
		Target string `json:"target"`
		Body   any    `json:"body"`
	}{sl.ID, slip.Command{Action: slip.ActionSignOff, Comment: "同意销号"}})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	if _, err := s.store.ClaimIdempotencyKey(ctx, office.ID, "s-ahead", sl.ID, hex.EncodeToString(sum[:])); err != nil {
		t.Fatal(err)
	}

	r := s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+sl.ID+"/signoff", map[string]any{"comment": "同意销号"}, append(s.as("office"), "Idempotency-Key", "s-ahead")...)
	var after slipView
	r.json(t, &after)
	if after.Status != "closed" {
		t.Fatalf("after the retry: %s", after.Status)
	}
	waited, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var final slip.Slip
	if err := s.temporal.GetWorkflow(waited, "slip-"+sl.ID, "").Get(waited, &final); err != nil {
		t.Fatalf("the workflow did not end: %v", err)
	}
	if final.Status != slip.StatusClosed || final.Seq != closed.Seq {
		t.Fatalf("workflow ended %s at %d, ledger %s at %d", final.Status, final.Seq, closed.Status, closed.Seq)
	}
}
