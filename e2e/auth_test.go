package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"strconv"
	"strings"
	"testing"

	"github.com/duban-gov/duban/api"
	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/internal/app"
	"github.com/duban-gov/duban/slip"
)

// TestWebLoginSessionAndCSRF signs in with a password, uses the session
// cookie, is refused a write without the CSRF token, and signs out.
func TestWebLoginSessionAndCSRF(t *testing.T) {
	s := start(t)
	s.seedDepartments(t)
	s.addUserWithPassword(t, identity.User{Login: "li.qiang", Name: "李强", Role: slip.RoleDepartment, Department: "zjj"}, "correct horse battery")
	var sl slipView
	s.must(t, http.StatusCreated, "POST", "/api/v1/slips", draft("网页办理"), s.as("office")...).json(t, &sl)

	jar, _ := cookiejar.New(nil)
	s.http.Jar = jar
	defer func() { s.http.Jar = nil }()

	for _, wrong := range []map[string]string{
		{"login": "li.qiang", "password": "wrong password"},
		{"login": "nobody", "password": "correct horse battery"},
	} {
		if code := s.must(t, http.StatusUnauthorized, "POST", "/api/v1/login", wrong).errorCode(t); code != slip.CodeUnauthenticated {
			t.Fatalf("bad login: code %s", code)
		}
	}
	r := s.must(t, http.StatusOK, "POST", "/api/v1/login", map[string]string{"login": "li.qiang", "password": "correct horse battery"})
	var login struct {
		CSRF string `json:"csrf_token"`
	}
	r.json(t, &login)
	cookie := r.header.Get("Set-Cookie")
	for _, attr := range []string{api.SessionCookie + "=", "HttpOnly", "SameSite=Strict", "Path=/"} {
		if !strings.Contains(cookie, attr) {
			t.Errorf("session cookie %q lacks %s", cookie, attr)
		}
	}

	var me identity.User
	s.must(t, http.StatusOK, "GET", "/api/v1/me", nil).json(t, &me)
	if me.Login != "li.qiang" || me.Department != "zjj" {
		t.Fatalf("me: %+v", me)
	}
	before, _ := s.store.Fingerprint(context.Background())
	if code := s.must(t, http.StatusForbidden, "POST", "/api/v1/slips/"+sl.ID+"/acknowledge", nil).errorCode(t); code != slip.CodeCSRF {
		t.Fatalf("write without CSRF token: %s", code)
	}
	s.must(t, http.StatusForbidden, "POST", "/api/v1/slips/"+sl.ID+"/acknowledge", nil, "X-CSRF-Token", "guess")
	if after, _ := s.store.Fingerprint(context.Background()); after != before {
		t.Fatalf("refused writes changed the store: %s → %s", before, after)
	}
	s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+sl.ID+"/acknowledge", nil, "X-CSRF-Token", login.CSRF)
	var acked slipView
	s.must(t, http.StatusOK, "GET", "/api/v1/slips/"+sl.ID, nil).json(t, &acked)
	if last := acked.Timeline[len(acked.Timeline)-1]; acked.Status != "in_progress" || last.Actor != "李强" || last.Type != "acknowledge" {
		t.Fatalf("acknowledged: %s, last event %+v", acked.Status, last)
	}

	s.must(t, http.StatusNoContent, "POST", "/api/v1/logout", nil, "X-CSRF-Token", login.CSRF)
	s.must(t, http.StatusUnauthorized, "GET", "/api/v1/me", nil)
}

// TestRateLimit: a credential writing faster than its limit gets 429 with
// Retry-After, and the refused writes change nothing; another credential is
// not affected.
func TestRateLimit(t *testing.T) {
	s := startWith(t, func(c *app.Config) { c.Writes = app.WriteLimit{PerSecond: 0.2, Burst: 3} })
	s.seedDepartments(t)
	var sl slipView
	s.must(t, http.StatusCreated, "POST", "/api/v1/slips", draft("限流"), s.as("office")...).json(t, &sl)
	progress := map[string]any{"text": "进展"}
	got := map[int]int{}
	var limited reply
	for range 6 { // 409s: progress before acknowledging; each still counts as a write
		r := s.do(t, "POST", "/api/v1/slips/"+sl.ID+"/progress", progress, s.as("zjj")...)
		got[r.status]++
		if r.status == http.StatusTooManyRequests {
			limited = r
		}
	}
	if got[http.StatusConflict] != 3 || got[http.StatusTooManyRequests] != 3 {
		t.Fatalf("statuses: %v", got)
	}
	if code := limited.errorCode(t); code != slip.CodeRateLimited {
		t.Fatalf("code %s", code)
	}
	if secs, err := strconv.Atoi(limited.header.Get("Retry-After")); err != nil || secs < 1 || secs > 5 {
		t.Fatalf("Retry-After %q", limited.header.Get("Retry-After"))
	}
	// Reads are not limited, and another department writes on.
	s.must(t, http.StatusOK, "GET", "/api/v1/slips/"+sl.ID, nil, s.as("zjj")...)
	s.must(t, http.StatusConflict, "POST", "/api/v1/slips/"+sl.ID+"/progress", progress, s.as("fgw")...)
}

// TestHostileTextIsStoredVerbatimAndServedEscaped sends SQL metacharacters,
// markup, emoji and long CJK text; they come back exactly as sent, and the
// JSON never carries raw markup.
func TestHostileTextIsStoredVerbatimAndServedEscaped(t *testing.T) {
	s := start(t)
	s.seedDepartments(t)
	title := `'); DROP TABLE slips; -- <script>alert("督")</script> 🚧🏗️`
	content := strings.Repeat("问题不解决不罢休，工作不办结不销号。", 1000) // 18,000 characters
	d := draft(title)
	d["content"] = content
	d["batch"] = `%_\ 擂台'比武"`
	r := s.must(t, http.StatusCreated, "POST", "/api/v1/slips", d, s.as("office")...)
	if strings.Contains(string(r.body), "<script>") {
		t.Fatalf("raw markup in JSON: %.200s", r.body)
	}
	var sl slipView
	r.json(t, &sl)
	var got struct {
		Title   string `json:"title"`
		Content string `json:"content"`
		Batch   string `json:"batch"`
	}
	raw := s.must(t, http.StatusOK, "GET", "/api/v1/slips/"+sl.ID, nil, s.as("zjj")...)
	if err := json.Unmarshal(raw.body, &got); err != nil {
		t.Fatal(err)
	}
	if got.Title != title || got.Content != content || got.Batch != d["batch"] {
		t.Fatalf("text not kept verbatim: %q / %d chars / %q", got.Title, len([]rune(got.Content)), got.Batch)
	}
	// LIKE metacharacters in a search match literally.
	var page ledgerPage
	s.must(t, http.StatusOK, "GET", "/api/v1/slips?batch="+urlQuery(`%_\ 擂台'比武"`), nil, s.as("office")...).json(t, &page)
	if page.Total != 1 {
		t.Fatalf("batch filter with metacharacters: %d", page.Total)
	}
	s.must(t, http.StatusOK, "GET", "/api/v1/slips?q="+urlQuery("%"), nil, s.as("office")...).json(t, &page)
	if page.Total != 0 {
		t.Fatalf("q=%% matched %d slips", page.Total)
	}
}
