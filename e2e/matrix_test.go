package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/internal/app"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
)

// TestAccessMatrix walks every endpoint × every kind of caller × own and
// foreign slips, asserting the status of each answer, and after every
// refusal (any non-2xx answer) that nothing in the store changed.
//
// Callers: the office, the lead department (zjj), a co-department (fgw), a
// foreign department (jtj), a leader, an admin, and five callers without a
// valid identity (none, forged, expired, revoked token, disabled user).
// Writes allowed to a caller are probed where the lifecycle refuses them
// (409) or the input is invalid (400/422): that proves the caller got past
// authentication and authorisation without changing anything.
func TestAccessMatrix(t *testing.T) {
	s := start(t)
	s.seedDepartments(t)
	ctx := context.Background()

	// Callers without a valid identity.
	noID := map[string][]string{"anonymous": nil, "forged": {"Authorization", "Bearer dbn_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}}
	for _, login := range []string{"expired", "revoked", "disabled"} {
		s.addUser(t, identity.User{Login: login, Name: login, Role: slip.RoleOffice})
		noID[login] = s.as(login)
	}
	expired, _, err := app.IssueToken(ctx, s.store, s.users["expired"].ID, "short", time.Nanosecond)
	if err != nil {
		t.Fatal(err)
	}
	noID["expired"] = []string{"Authorization", "Bearer " + expired}
	revoke, info, err := app.IssueToken(ctx, s.store, s.users["revoked"].ID, "to revoke", 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.store.RevokeToken(ctx, info.ID); err != nil {
		t.Fatal(err)
	}
	noID["revoked"] = []string{"Authorization", "Bearer " + revoke}
	if err := s.store.DisableUser(ctx, "disabled"); err != nil {
		t.Fatal(err)
	}

	// Slips: A issued, B in progress, C cancelled (lead zjj, co fgw); D led by jtj.
	issue := func(title, lead string, co ...string) string {
		d := draft(title)
		d["lead_department"], d["co_departments"] = lead, co
		var v slipView
		s.must(t, http.StatusCreated, "POST", "/api/v1/slips", d, s.as("office")...).json(t, &v)
		return v.ID
	}
	a := issue("甲：待签收", "zjj", "fgw")
	b := issue("乙：办理中", "zjj", "fgw")
	c := issue("丙：已撤销", "zjj", "fgw")
	d := issue("丁：交通局牵头", "jtj")
	s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+b+"/acknowledge", nil, s.as("zjj")...)
	s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+c+"/cancel", map[string]any{"reason": "合并"}, s.as("office")...)
	sid := a
	ids, err := s.store.Notify(ctx, []store.Notification{{DedupeKey: "matrix", RecipientKind: store.RecipientDepartment,
		Recipient: "zjj", SlipID: &sid, Kind: "urge", Title: "【催办】", Body: "请办理", CreatedAt: time.Now()}})
	if err != nil || len(ids) != 0 {
		t.Fatalf("seed notification: %v %v", ids, err)
	}
	var inbox struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	s.must(t, http.StatusOK, "GET", "/api/v1/notifications", nil, s.as("zjj")...).json(t, &inbox)
	note := inbox.Items[0].ID

	roles := []string{"office", "zjj", "fgw", "jtj", "leader", "admin"}
	// all gives every role the same status; with overrides some of them.
	all := func(status int, overrides ...any) map[string]int {
		m := map[string]int{}
		for _, r := range roles {
			m[r] = status
		}
		for i := 0; i+1 < len(overrides); i += 2 {
			m[overrides[i].(string)] = overrides[i+1].(int)
		}
		return m
	}
	past := draft("时限已过")
	past["deadline"] = "2020-01-01"
	const ok, bad, nf, forb, conf, unproc = 200, 400, 404, 403, 409, 422
	cases := []struct {
		method, path string
		body         any
		want         map[string]int
	}{
		{"GET", "/api/v1/me", nil, all(ok)},
		{"GET", "/api/v1/departments", nil, all(ok)},
		{"GET", "/api/v1/calendar?from=2026-10-01&to=2026-10-31", nil, all(ok)},
		{"GET", "/api/v1/slips", nil, all(ok, "admin", forb)},
		{"GET", "/api/v1/slips/export?format=csv", nil, all(ok, "admin", forb)},
		{"GET", "/api/v1/slips/" + a, nil, all(ok, "jtj", nf, "admin", forb)},
		{"GET", "/api/v1/slips/" + a + "/timeline", nil, all(ok, "jtj", nf, "admin", forb)},
		{"GET", "/api/v1/slips/" + d, nil, all(ok, "zjj", nf, "fgw", nf, "admin", forb)},
		{"GET", "/api/v1/slips/" + d + "/timeline", nil, all(ok, "zjj", nf, "fgw", nf, "admin", forb)},
		{"GET", "/api/v1/stats/closure?group_by=batch", nil, all(ok, "admin", forb)},
		{"GET", "/api/v1/notifications", nil, all(ok, "admin", forb)},
		{"GET", "/api/v1/stats/summary", nil, all(ok, "admin", forb)},
		{"GET", "/api/v1/alerts/workflows", nil, all(forb, "office", ok, "admin", ok)},
		{"GET", "/api/v1/rankings", nil, all(ok, "admin", forb)},
		{"POST", "/api/v1/rankings/adjustments", map[string]any{"month": "2026-01", "department_code": "zjj", "points": 0, "reason": "x"}, all(forb, "office", bad)},
		{"POST", "/api/v1/rankings/2099-01/publish", nil, all(forb, "office", unproc)},
		{"POST", "/api/v1/slips", past, all(forb, "office", unproc)},
		{"POST", "/api/v1/slips/" + b + "/acknowledge", nil, all(forb, "zjj", conf, "jtj", nf)},
		{"POST", "/api/v1/slips/" + a + "/progress", map[string]any{"text": "进展"}, all(forb, "zjj", conf, "fgw", conf, "jtj", nf)},
		{"POST", "/api/v1/slips/" + a + "/resolution", map[string]any{"summary": "完成", "evidence": []string{"照片"}}, all(forb, "zjj", conf, "jtj", nf)},
		{"POST", "/api/v1/slips/" + a + "/review", map[string]any{"passed": true}, all(forb, "office", conf, "jtj", nf)},
		{"POST", "/api/v1/slips/" + a + "/signoff", nil, all(forb, "office", conf, "jtj", nf)},
		{"POST", "/api/v1/slips/" + c + "/cancel", map[string]any{"reason": "再撤销"}, all(forb, "office", conf, "jtj", nf)},
		{"POST", "/api/v1/slips/" + c + "/extension", map[string]any{"reason": "延期", "deadline": "2027-06-30"}, all(forb, "zjj", conf, "jtj", nf)},
		{"POST", "/api/v1/slips/" + a + "/extension/decision", map[string]any{"approved": true}, all(forb, "office", conf, "jtj", nf)},
		{"POST", "/api/v1/slips/" + c + "/instruction", map[string]any{"text": "抓紧办理"}, all(forb, "leader", conf, "jtj", nf)},
		{"POST", "/api/v1/slips/" + d + "/acknowledge", nil, all(forb, "zjj", nf, "fgw", nf, "jtj", ok)},
		{"POST", "/api/v1/departments", map[string]string{"code": "zjj", "name": "重复"}, all(forb, "admin", conf)},
		{"GET", "/api/v1/users", nil, all(forb, "admin", ok)},
		{"POST", "/api/v1/users", map[string]any{"login": "x1", "name": "某人", "role": "king"}, all(forb, "admin", bad)},
		{"POST", "/api/v1/users/zjj/tokens", map[string]any{"expires_in_hours": -1}, all(forb, "admin", bad)},
		{"DELETE", "/api/v1/tokens/999999", nil, all(forb, "admin", nf)},
		{"GET", "/api/v1/audit", nil, all(forb, "admin", ok)},
		{"GET", "/api/v1/departments/zjj/webhooks", nil, all(forb, "admin", ok, "zjj", ok, "fgw", nf, "jtj", nf)},
		{"GET", "/api/v1/departments/zjj/deliveries", nil, all(forb, "admin", ok, "zjj", ok, "fgw", nf, "jtj", nf)},
		{"POST", "/api/v1/departments/zjj/webhooks", map[string]any{"channel": "wecom", "url": "ftp://x"}, all(forb, "admin", bad, "zjj", bad, "fgw", nf, "jtj", nf)},
		{"DELETE", "/api/v1/departments/zjj/webhooks/999999", nil, all(forb, "admin", nf, "zjj", nf, "fgw", nf, "jtj", nf)},
		{"POST", fmt.Sprintf("/api/v1/notifications/%d/read", note), nil, all(nf, "admin", forb, "zjj", ok)},
	}

	total, refusals := 0, map[int]int{}
	for _, tc := range cases {
		callers := map[string][]string{}
		for _, r := range roles {
			callers[r] = s.as(r)
		}
		for name, h := range noID {
			callers[name] = h
		}
		for _, name := range append(append([]string{}, roles...), "anonymous", "forged", "expired", "revoked", "disabled") {
			want, isRole := tc.want[name]
			if !isRole {
				want = http.StatusUnauthorized
			}
			before, err := s.store.Fingerprint(ctx)
			if err != nil {
				t.Fatal(err)
			}
			r := s.do(t, tc.method, tc.path, tc.body, callers[name]...)
			total++
			if r.status >= 300 {
				refusals[r.status]++
			}
			if r.status != want {
				t.Errorf("%s %s as %s: status %d, want %d: %s", tc.method, tc.path, name, r.status, want, r.body)
				continue
			}
			if r.status >= 300 {
				r.errorCode(t)
				after, err := s.store.Fingerprint(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if after != before {
					t.Errorf("%s %s as %s was refused (%d) but changed the store: %s → %s", tc.method, tc.path, name, r.status, before, after)
				}
			}
		}
	}
	t.Logf("access matrix: %d endpoints × 11 callers = %d requests; refusals by status: %v", len(cases), total, refusals)

	// What each department sees in lists and counts.
	for login, want := range map[string]int64{"office": 4, "leader": 4, "zjj": 3, "fgw": 3, "jtj": 1} {
		var page ledgerPage
		s.must(t, http.StatusOK, "GET", "/api/v1/slips", nil, s.as(login)...).json(t, &page)
		if page.Total != want {
			t.Errorf("ledger as %s: %d slips, want %d", login, page.Total, want)
		}
		var stats struct {
			Items []struct {
				Assigned int64 `json:"assigned"`
			} `json:"items"`
		}
		s.must(t, http.StatusOK, "GET", "/api/v1/stats/closure?group_by=batch", nil, s.as(login)...).json(t, &stats)
		var n int64
		for _, row := range stats.Items {
			n += row.Assigned
		}
		if n != want {
			t.Errorf("stats as %s count %d slips, want %d", login, n, want)
		}
	}
	var found ledgerPage
	s.must(t, http.StatusOK, "GET", "/api/v1/slips?q=交通局", nil, s.as("zjj")...).json(t, &found)
	if found.Total != 0 {
		t.Errorf("search as zjj finds jtj's slip")
	}

	// Each caller is offered only the actions they may take.
	for login, want := range map[string]string{"office": "cancel press", "zjj": "acknowledge request_extension refuse", "fgw": "co_acknowledge refuse", "leader": "instruct"} {
		var v slipView
		s.must(t, http.StatusOK, "GET", "/api/v1/slips/"+a, nil, s.as(login)...).json(t, &v)
		if got := strings.Join(v.AllowedActions, " "); got != want {
			t.Errorf("allowed actions on A for %s: %q, want %q", login, got, want)
		}
	}

	// The timeline names who acted, in which role, in which request.
	var got slipView
	s.must(t, http.StatusOK, "GET", "/api/v1/slips/"+d, nil, s.as("jtj")...).json(t, &got)
	var tl struct {
		Items []struct {
			Actor     string `json:"actor"`
			ActorID   int64  `json:"actor_id"`
			ActorRole string `json:"actor_role"`
			RequestID string `json:"request_id"`
			Type      string `json:"type"`
		} `json:"items"`
	}
	s.must(t, http.StatusOK, "GET", "/api/v1/slips/"+d+"/timeline", nil, s.as("jtj")...).json(t, &tl)
	if len(tl.Items) != 2 || tl.Items[1].ActorID != s.users["jtj"].ID || tl.Items[1].ActorRole != "department" ||
		tl.Items[1].RequestID == "" || tl.Items[0].ActorID != s.users["office"].ID {
		t.Errorf("timeline of D: %+v", tl.Items)
	}
	var audit struct {
		Items []struct {
			SlipID string `json:"slip_id"`
			Type   string `json:"type"`
		} `json:"items"`
	}
	s.must(t, http.StatusOK, "GET", "/api/v1/audit?actor=jtj", nil, s.as("admin")...).json(t, &audit)
	if len(audit.Items) != 1 || audit.Items[0].SlipID != d || audit.Items[0].Type != "acknowledge" {
		t.Errorf("audit of jtj: %+v", audit.Items)
	}
}
