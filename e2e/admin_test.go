package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/slip"
)

// TestAdminCannotActAsAnotherUser: the HTTP API gives an admin no credential
// of another user, neither a new token nor one with a new user, and changes
// nothing when asked; an admin may still mint their own.
func TestAdminCannotActAsAnotherUser(t *testing.T) {
	s := start(t)
	s.seedDepartments(t)
	ctx := context.Background()
	before, _ := s.store.Fingerprint(ctx)
	r := s.must(t, http.StatusForbidden, "POST", "/api/v1/users/office/tokens", map[string]any{"label": "冒用"}, s.as("admin")...)
	if code := r.errorCode(t); code != slip.CodeForbidden {
		t.Fatalf("code %s", code)
	}
	s.must(t, http.StatusForbidden, "POST", "/api/v1/users/nobody/tokens", nil, s.as("admin")...)
	if after, _ := s.store.Fingerprint(ctx); after != before {
		t.Fatalf("refused minting changed the store: %s → %s", before, after)
	}
	created := s.must(t, http.StatusCreated, "POST", "/api/v1/users", map[string]any{"login": "new.office", "name": "新督查员", "role": "office"}, s.as("admin")...)
	if strings.Contains(string(created.body), identity.TokenPrefix) {
		t.Fatalf("creating a user handed the admin its token: %s", created.body)
	}
	var own struct {
		Token string `json:"token"`
	}
	s.must(t, http.StatusCreated, "POST", "/api/v1/users/admin/tokens", map[string]any{"label": "自用"}, s.as("admin")...).json(t, &own)
	var me identity.User
	s.must(t, http.StatusOK, "GET", "/api/v1/me", nil, "Authorization", "Bearer "+own.Token).json(t, &me)
	if me.Login != "admin" {
		t.Fatalf("own token is %s's", me.Login)
	}
}

// TestAuditShowsActionsNotContents: the admin's audit names every action and
// its actor, and none of the slips' texts.
func TestAuditShowsActionsNotContents(t *testing.T) {
	s := start(t)
	s.seedDepartments(t)
	d := draft("拆迁补偿专项督办")
	d["content"] = "核查某某小区拆迁补偿款发放情况"
	var sl slipView
	s.must(t, http.StatusCreated, "POST", "/api/v1/slips", d, s.as("office")...).json(t, &sl)
	s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+sl.ID+"/acknowledge", map[string]any{"comment": "已签收，专人负责"}, s.as("zjj")...)
	s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+sl.ID+"/progress", map[string]any{"text": "已约谈三户居民"}, s.as("zjj")...)
	s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+sl.ID+"/instruction", map[string]any{"text": "务必年底前结清"}, s.as("leader")...)
	r := s.must(t, http.StatusOK, "GET", "/api/v1/audit", nil, s.as("admin")...)
	for _, text := range []string{"拆迁补偿专项督办", "核查某某小区", "已签收，专人负责", "已约谈三户居民", "务必年底前结清"} {
		if strings.Contains(string(r.body), text) {
			t.Errorf("audit shows the slip's text %q: %s", text, r.body)
		}
	}
	var audit struct {
		Items []struct {
			SlipID  string         `json:"slip_id"`
			Type    string         `json:"type"`
			Actor   string         `json:"actor"`
			ActorID int64          `json:"actor_id"`
			Payload map[string]any `json:"payload"`
		} `json:"items"`
	}
	r.json(t, &audit)
	var got []string
	for _, e := range audit.Items {
		got = append(got, e.Type+"/"+e.Actor)
		if e.SlipID != sl.ID || e.ActorID == 0 || e.Payload != nil {
			t.Errorf("audit event %+v", e)
		}
	}
	want := []string{"instruct/王副市长", "progress/住建局李强", "acknowledge/住建局李强", "issue/督查室张敏"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("audit: %v, want %v", got, want)
	}
}
