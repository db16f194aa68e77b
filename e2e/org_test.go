package e2e

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/internal/app"
	"github.com/duban-gov/duban/slip"
)

// seedLevels makes a county with two towns, a village under each, and a
// supervision office for each town, one for the county and the city's.
func (s *system) seedLevels(tb testing.TB) {
	tb.Helper()
	for _, d := range []map[string]string{
		{"code": "zjj", "name": "市住房和城乡建设局"},
		{"code": "xa", "name": "甲县"},
		{"code": "zA", "name": "镇A", "parent_code": "xa"},
		{"code": "zB", "name": "镇B", "parent_code": "xa"},
		{"code": "vA1", "name": "甲村", "parent_code": "zA"},
		{"code": "vB1", "name": "乙村", "parent_code": "zB"},
	} {
		s.must(tb, http.StatusCreated, "POST", "/api/v1/departments", d, s.as("admin")...)
	}
	for _, u := range []identity.User{
		{Login: "office", Name: "市督查室", Role: slip.RoleOffice},
		{Login: "county", Name: "县督查室", Role: slip.RoleOffice, Scope: "xa"},
		{Login: "townA", Name: "镇A督查办", Role: slip.RoleOffice, Scope: "zA"},
		{Login: "townB", Name: "镇B督查办", Role: slip.RoleOffice, Scope: "zB"},
		{Login: "vA1", Name: "甲村书记", Role: slip.RoleDepartment, Department: "vA1"},
		{Login: "vB1", Name: "乙村书记", Role: slip.RoleDepartment, Department: "vB1"},
	} {
		s.addUser(tb, u)
	}
}

func (s *system) ledgerIDs(tb testing.TB, login, query string) (ids []string, total int64) {
	tb.Helper()
	var page ledgerPage
	s.must(tb, http.StatusOK, "GET", "/api/v1/slips?"+query, nil, s.as(login)...).json(tb, &page)
	for _, it := range page.Items {
		ids = append(ids, it.ID)
	}
	return ids, page.Total
}

// inboxOf waits (the workflow writes notifications after the action) until
// login's inbox holds want notifications of slip id, and returns their
// kinds; want < 0 just reads.
func (s *system) inboxOf(tb testing.TB, login, query string, want int) []string {
	tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var got struct {
			Items []struct {
				Kind   string  `json:"kind"`
				SlipID *string `json:"slip_id"`
				ID     int64   `json:"id"`
			} `json:"items"`
		}
		s.must(tb, http.StatusOK, "GET", "/api/v1/notifications"+query, nil, s.as(login)...).json(tb, &got)
		var kinds []string
		for _, n := range got.Items {
			kinds = append(kinds, n.Kind)
		}
		if want < 0 || len(kinds) >= want || time.Now().After(deadline) {
			return kinds
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestLevelsIsolation: a town's own supervision office issues to its
// villages only, and sees its subtree only — another town's slip, ledger
// row, export row, statistics and office notification are nothing to it —
// while the county and city offices above see both towns' slips.
func TestLevelsIsolation(t *testing.T) {
	eachDialect(t, nil, func(t *testing.T, s *system) {
		s.seedLevels(t)
		issue := func(login, lead string, co ...string) reply {
			d := draft("村级整改：" + lead)
			d["lead_department"], d["co_departments"] = lead, co
			return s.do(t, "POST", "/api/v1/slips", d, s.as(login)...)
		}
		var a, b slipView
		if r := issue("townA", "vA1"); r.status != http.StatusCreated {
			t.Fatalf("town A to its village: %d %s", r.status, r.body)
		} else {
			r.json(t, &a)
		}
		// Outside its subtree, as lead or as co-unit: 422, nothing issued.
		for _, r := range []reply{issue("townA", "vB1"), issue("townA", "vA1", "vB1"), issue("townA", "zjj"), issue("townA", "xa")} {
			if r.status != http.StatusUnprocessableEntity || r.errorCode(t) != "outside_scope" {
				t.Errorf("town A outside its subtree: %d %s", r.status, r.body)
			}
		}
		issue("townB", "vB1").json(t, &b)
		if b.ID == "" {
			t.Fatal("town B could not issue to its village")
		}
		if _, total := s.ledgerIDs(t, "office", ""); total != 2 {
			t.Fatalf("refused issues left slips: city ledger holds %d, want 2", total)
		}

		// Town A: its own slip, and nothing of town B's.
		s.must(t, http.StatusOK, "GET", "/api/v1/slips/"+a.ID, nil, s.as("townA")...)
		for _, p := range []string{"/api/v1/slips/" + b.ID, "/api/v1/slips/" + b.ID + "/timeline", "/api/v1/slips/" + b.ID + "/evidence"} {
			if r := s.do(t, "GET", p, nil, s.as("townA")...); r.status != http.StatusNotFound {
				t.Errorf("town A GET %s: %d, want 404", p, r.status)
			}
		}
		if r := s.do(t, "POST", "/api/v1/slips/"+b.ID+"/cancel", map[string]any{"reason": "越级撤销"}, s.as("townA")...); r.status != http.StatusNotFound {
			t.Errorf("town A cancelling town B's slip: %d, want 404", r.status)
		}
		// Projects too: town A sees its village's project, not town B's.
		s.addUser(t, identity.User{Login: "leader", Name: "王副县长", Role: slip.RoleLeader})
		s.must(t, http.StatusOK, "PUT", "/api/v1/project-categories/industry", industry, s.as("office")...)
		projectIDs := map[string]string{}
		for _, owner := range []string{"vA1", "vB1"} {
			var p struct {
				ID string `json:"id"`
			}
			s.must(t, http.StatusCreated, "POST", "/api/v1/projects", map[string]any{"name": owner + "产业园", "category": "industry", "owner_unit": owner,
				"leader_id": s.users["leader"].ID, "end_date": "2027-12-31", "milestones": []map[string]any{
					{"key": "lixiang", "planned": "2027-03-01"}, {"key": "kaigong", "planned": "2027-06-01"}, {"key": "touchan", "planned": "2027-12-31"}}}, s.as("office")...).json(t, &p)
			projectIDs[owner] = p.ID
		}
		s.must(t, http.StatusOK, "GET", "/api/v1/projects/"+projectIDs["vA1"], nil, s.as("townA")...)
		if r := s.do(t, "GET", "/api/v1/projects/"+projectIDs["vB1"], nil, s.as("townA")...); r.status != http.StatusNotFound {
			t.Errorf("town A reading town B's project: %d, want 404", r.status)
		}
		for login, want := range map[string][]string{"townA": {projectIDs["vA1"]}, "townB": {projectIDs["vB1"]}, "county": {projectIDs["vA1"], projectIDs["vB1"]}} {
			var list struct {
				Items []struct {
					ID string `json:"id"`
				} `json:"items"`
			}
			s.must(t, http.StatusOK, "GET", "/api/v1/projects", nil, s.as(login)...).json(t, &list)
			got := []string{}
			for _, p := range list.Items {
				got = append(got, p.ID)
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s's projects: %v, want %v", login, got, want)
			}
		}
		for login, want := range map[string][]string{"townA": {a.ID}, "townB": {b.ID}} {
			for _, q := range []string{"", "status=issued", "department=vB1", "department=vA1", "lead=vB1", "q=" + urlQuery("村级整改"), "color=green"} {
				ids, total := s.ledgerIDs(t, login, q)
				var expect []string
				for _, id := range want {
					if q == "" || q == "status=issued" || strings.HasPrefix(q, "q=") || q == "color=green" ||
						(id == a.ID && strings.HasSuffix(q, "vA1")) || (id == b.ID && strings.HasSuffix(q, "vB1")) {
						expect = append(expect, id)
					}
				}
				if !slices.Equal(ids, expect) || total != int64(len(expect)) {
					t.Errorf("%s ledger ?%s: %v (total %d), want %v", login, q, ids, total, expect)
				}
			}
		}
		csv := string(s.must(t, http.StatusOK, "GET", "/api/v1/slips/export?format=csv", nil, s.as("townA")...).body)
		if !strings.Contains(csv, "村级整改：vA1") || strings.Contains(csv, "村级整改：vB1") {
			t.Errorf("town A export:\n%s", csv)
		}

		// Statistics: the town's own subtree only; the county and city see both.
		stat := func(login, q string) map[string]int64 {
			var got struct {
				Items []struct {
					Key      string `json:"key"`
					Assigned int64  `json:"assigned"`
				} `json:"items"`
			}
			s.must(t, http.StatusOK, "GET", "/api/v1/stats/closure?"+q, nil, s.as(login)...).json(t, &got)
			out := map[string]int64{}
			for _, r := range got.Items {
				out[r.Key] = r.Assigned
			}
			return out
		}
		summary := func(login string) int64 {
			var got struct {
				Summary struct {
					Assigned int64 `json:"assigned"`
				} `json:"summary"`
			}
			s.must(t, http.StatusOK, "GET", "/api/v1/stats/summary", nil, s.as(login)...).json(t, &got)
			return got.Summary.Assigned
		}
		for login, want := range map[string]map[string]int64{
			"townA": {"vA1": 1}, "townB": {"vB1": 1}, "county": {"vA1": 1, "vB1": 1}, "office": {"vA1": 1, "vB1": 1},
		} {
			for _, q := range []string{"group_by=department", "group_by=department&from=2020-01-01&to=2099-12-31"} {
				if got := stat(login, q); len(got) != len(want) || got["vA1"] != want["vA1"] || got["vB1"] != want["vB1"] {
					t.Errorf("%s stats ?%s: %v, want %v", login, q, got, want)
				}
			}
			if got := summary(login); got != int64(len(want)) {
				t.Errorf("%s summary: %d slips, want %d", login, got, len(want))
			}
		}
		for login, want := range map[string]int{"county": 2, "office": 2} {
			if _, total := s.ledgerIDs(t, login, ""); total != int64(want) {
				t.Errorf("%s ledger: %d, want %d", login, total, want)
			}
			s.must(t, http.StatusOK, "GET", "/api/v1/slips/"+b.ID, nil, s.as(login)...)
		}

		// An office notification of town B's slip (an extension request)
		// reaches the city and town B's office inbox, not town A's.
		later := time.Now().AddDate(0, 0, 40).Format(time.DateOnly)
		s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+b.ID+"/extension", map[string]any{"reason": "雨季施工困难", "deadline": later}, s.as("vB1")...)
		if got := s.inboxOf(t, "office", "", 1); len(got) != 1 {
			t.Fatalf("city office inbox: %v", got)
		}
		if got := s.inboxOf(t, "townB", "", 1); len(got) != 1 || got[0] != "request_extension" {
			t.Errorf("town B office inbox: %v", got)
		}
		if got := s.inboxOf(t, "townA", "", -1); len(got) != 0 {
			t.Errorf("town A sees town B's notification: %v", got)
		}
		if got := s.inboxOf(t, "townA", "?slip_id="+b.ID, -1); len(got) != 0 {
			t.Errorf("town A sees town B's notification by slip: %v", got)
		}
		var inbox struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
		}
		s.must(t, http.StatusOK, "GET", "/api/v1/notifications", nil, s.as("townB")...).json(t, &inbox)
		nid := strconv.FormatInt(inbox.Items[0].ID, 10)
		if r := s.do(t, "POST", "/api/v1/notifications/"+nid+"/read", nil, s.as("townA")...); r.status != http.StatusNotFound {
			t.Errorf("town A marking town B's notification read: %d", r.status)
		}
		if got := s.inboxOf(t, "townB", "?unread=true", -1); len(got) != 1 {
			t.Errorf("town A's refused mark changed town B's inbox: %v", got)
		}
		// The extension decision is town B's, and town A cannot make it.
		if r := s.do(t, "POST", "/api/v1/slips/"+b.ID+"/extension/decision", map[string]any{"approved": true}, s.as("townA")...); r.status != http.StatusNotFound {
			t.Errorf("town A deciding town B's extension: %d", r.status)
		}
		s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+b.ID+"/extension/decision", map[string]any{"approved": true}, s.as("townB")...)

		// 乙村 refuses the slip: the 退回 queue is town B's (and the city's), not town A's.
		s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+b.ID+"/refusal", map[string]any{"reason": "不属于本村职责"}, s.as("vB1")...)
		for login, want := range map[string]int{"townA": 0, "townB": 1, "office": 1} {
			var q ledgerPage
			s.must(t, http.StatusOK, "GET", "/api/v1/refusals", nil, s.as(login)...).json(t, &q)
			if len(q.Items) != want {
				t.Errorf("%s 退回 queue: %d, want %d", login, len(q.Items), want)
			}
		}

		// Scoping a user: admin only, to an existing department, for roles that see slips.
		s.addUser(t, identity.User{Login: "townA2", Name: "镇A督查办二", Role: slip.RoleOffice})
		if r := s.do(t, "POST", "/api/v1/users/townA2/scope", map[string]any{"scope": "nowhere"}, s.as("admin")...); r.status != http.StatusUnprocessableEntity {
			t.Errorf("scope to an unknown unit: %d %s", r.status, r.body)
		}
		if r := s.do(t, "POST", "/api/v1/users/vA1/scope", map[string]any{"scope": "zA"}, s.as("admin")...); r.status != http.StatusBadRequest {
			t.Errorf("scope a department user: %d %s", r.status, r.body)
		}
		if r := s.do(t, "POST", "/api/v1/users/townA2/scope", map[string]any{"scope": "zA"}, s.as("office")...); r.status != http.StatusForbidden {
			t.Errorf("office scoping a user: %d", r.status)
		}
		if _, total := s.ledgerIDs(t, "townA2", ""); total != 2 {
			t.Errorf("unscoped townA2 ledger: %d", total)
		}
		s.must(t, http.StatusOK, "POST", "/api/v1/users/townA2/scope", map[string]any{"scope": "zA"}, s.as("admin")...)
		if ids, _ := s.ledgerIDs(t, "townA2", ""); !slices.Equal(ids, []string{a.ID}) {
			t.Errorf("townA2 scoped to 镇A sees %v", ids)
		}
		u, _, err := s.store.UserByLogin(context.Background(), "townA2")
		if err != nil || u.Scope != "zA" {
			t.Errorf("stored scope: %+v %v", u, err)
		}
	})
}

// TestTaskforces: a 专班 with a lead unit, members and a 分管领导 leads
// slips; its members see them (and the county 专班's beneath it), no more;
// statistics group by it like a unit; a 批示 on its slip reaches its members.
func TestTaskforces(t *testing.T) {
	eachDialect(t, nil, func(t *testing.T, s *system) {
		s.seedDepartments(t)
		s.must(t, http.StatusCreated, "POST", "/api/v1/departments", map[string]string{"code": "gaj", "name": "市公安局"}, s.as("admin")...)
		s.addUser(t, identity.User{Login: "gaj", Name: "公安局刘洋", Role: slip.RoleDepartment, Department: "gaj"})
		s.addUser(t, identity.User{Login: "townoffice", Name: "镇督查办", Role: slip.RoleOffice, Scope: "jtj"})
		leader := s.users["leader"].ID
		city := map[string]any{"code": "zb-belt", "name": "风景带建设专班", "lead_unit": "zjj", "members": []string{"fgw"}, "leader_id": leader}
		county := map[string]any{"code": "zb-county", "name": "甲县风景带专班", "parent_code": "zb-belt", "lead_unit": "jtj", "members": []string{}}

		// Bad input changes nothing.
		for _, c := range []struct {
			login string
			body  map[string]any
			want  int
			code  string
		}{
			{"office", map[string]any{"code": "zb-x", "name": "专班", "lead_unit": "nowhere"}, 422, slip.CodeUnknownDepartment},
			{"office", map[string]any{"code": "zb-x", "name": "专班", "lead_unit": "zjj", "members": []string{"nowhere"}}, 422, slip.CodeUnknownDepartment},
			{"office", map[string]any{"code": "zb-x", "name": "专班", "lead_unit": "zjj", "leader_id": s.users["zjj"].ID}, 422, "unknown_leader"},
			{"office", map[string]any{"code": "zb-x", "name": "专班", "lead_unit": "zjj", "parent_code": "nowhere"}, 422, slip.CodeUnknownDepartment},
			{"office", map[string]any{"code": "zb-x", "name": "", "lead_unit": "zjj"}, 400, slip.CodeInvalidField},
			{"office", map[string]any{"code": "zb-x", "name": "专班"}, 400, slip.CodeInvalidField},
			{"zjj", map[string]any{"code": "zb-x", "name": "专班", "lead_unit": "zjj"}, 403, slip.CodeForbidden},
			{"townoffice", map[string]any{"code": "zb-x", "name": "专班", "lead_unit": "jtj"}, 403, slip.CodeForbidden},
		} {
			if r := s.do(t, "POST", "/api/v1/taskforces", c.body, s.as(c.login)...); r.status != c.want || r.errorCode(t) != c.code {
				t.Errorf("%s POST %v: %d %s, want %d %s", c.login, c.body, r.status, r.body, c.want, c.code)
			}
		}
		if r := s.do(t, "GET", "/api/v1/taskforces/zb-x", nil, s.as("office")...); r.status != http.StatusNotFound {
			t.Fatalf("a refused 专班 exists: %d", r.status)
		}
		s.must(t, http.StatusCreated, "POST", "/api/v1/taskforces", city, s.as("office")...)
		if r := s.do(t, "POST", "/api/v1/taskforces", city, s.as("office")...); r.status != http.StatusConflict {
			t.Errorf("a second 专班 of the code: %d", r.status)
		}
		s.must(t, http.StatusCreated, "POST", "/api/v1/taskforces", county, s.as("admin")...)
		var got struct {
			Code       string   `json:"code"`
			LeadUnit   string   `json:"lead_unit"`
			LeaderID   int64    `json:"leader_id"`
			LeaderName string   `json:"leader_name"`
			Members    []string `json:"members"`
		}
		s.must(t, http.StatusOK, "GET", "/api/v1/taskforces/zb-belt", nil, s.as("fgw")...).json(t, &got)
		if got.LeadUnit != "zjj" || got.LeaderID != leader || got.LeaderName != "王副市长" || !slices.Equal(got.Members, []string{"fgw", "zjj"}) {
			t.Errorf("专班 as read: %+v", got)
		}
		if r := s.do(t, "GET", "/api/v1/taskforces/zjj", nil, s.as("office")...); r.status != http.StatusNotFound {
			t.Errorf("a unit read as a 专班: %d", r.status)
		}
		ctx := context.Background()
		for _, c := range []struct {
			team, unit string
			want       bool
		}{{"zb-belt", "fgw", true}, {"zb-belt", "zjj", true}, {"zb-belt", "jtj", false}, {"zb-county", "jtj", true}, {"zb-county", "fgw", false}, {"zjj", "zjj", false}} {
			if ok, err := s.store.IsMember(ctx, c.team, c.unit); err != nil || ok != c.want {
				t.Errorf("IsMember(%s, %s) = %v, %v", c.team, c.unit, ok, err)
			}
		}
		// The running installation's projects read the same members: a
		// 专班's project may give a milestone to a member unit, not to
		// another unit.
		s.must(t, http.StatusOK, "PUT", "/api/v1/project-categories/industry", industry, s.as("office")...)
		project := func(milestoneOwner string) map[string]any {
			return map[string]any{"name": "风景带一期", "category": "industry", "owner_unit": "zb-belt", "leader_id": leader,
				"end_date": "2027-12-31", "milestones": []map[string]any{
					{"key": "lixiang", "planned": "2027-03-01", "owner_unit": milestoneOwner}, {"key": "kaigong", "planned": "2027-06-01"}, {"key": "touchan", "planned": "2027-12-31"}}}
		}
		if r := s.do(t, "POST", "/api/v1/projects", project("jtj"), s.as("office")...); r.status != http.StatusUnprocessableEntity || r.errorCode(t) != "owner_not_member" {
			t.Errorf("a 专班's milestone given to a unit outside it: %d %s", r.status, r.body)
		}
		s.must(t, http.StatusCreated, "POST", "/api/v1/projects", project("fgw"), s.as("office")...)

		issue := func(title, lead string, co ...string) string {
			d := draft(title)
			d["lead_department"], d["co_departments"] = lead, co
			var v slipView
			s.must(t, http.StatusCreated, "POST", "/api/v1/slips", d, s.as("office")...).json(t, &v)
			return v.ID
		}
		belt := issue("风景带总体规划", "zb-belt")
		sub := issue("甲县段子项目", "zb-county")
		own := issue("交通局自办", "jtj")
		other := issue("公安局自办", "gaj")

		// Each member sees its 专班's items, and a city 专班's members those
		// of the county 专班 beneath it; no one else's.
		for login, want := range map[string][]string{
			"fgw": {belt, sub}, // member of the city 专班
			"zjj": {belt, sub}, // its lead unit
			"jtj": {sub, own},  // member (lead) of the county 专班 only
			"gaj": {other},
		} {
			ids, total := s.ledgerIDs(t, login, "sort=issued")
			if !slices.Equal(ids, want) || total != int64(len(want)) {
				t.Errorf("%s ledger: %v (total %d), want %v", login, ids, total, want)
			}
			for _, id := range []string{belt, sub, own, other} {
				status := http.StatusNotFound
				if slices.Contains(want, id) {
					status = http.StatusOK
				}
				if r := s.do(t, "GET", "/api/v1/slips/"+id, nil, s.as(login)...); r.status != status {
					t.Errorf("%s GET slip %s: %d, want %d", login, id, r.status, status)
				}
			}
		}
		// A member does not act for the 专班: its lead unit's user is not
		// the 专班's lead department (403 from the lifecycle table).
		if r := s.do(t, "POST", "/api/v1/slips/"+belt+"/acknowledge", nil, s.as("fgw")...); r.status != http.StatusForbidden {
			t.Errorf("a member acknowledging for the 专班: %d %s", r.status, r.body)
		}

		// Statistics group by the 专班 as by a unit, exactly.
		stat := func(login string) map[string][2]any {
			var got struct {
				Items []struct {
					Key      string `json:"key"`
					Label    string `json:"label"`
					Assigned int64  `json:"assigned"`
				} `json:"items"`
			}
			s.must(t, http.StatusOK, "GET", "/api/v1/stats/closure?group_by=department", nil, s.as(login)...).json(t, &got)
			out := map[string][2]any{}
			for _, r := range got.Items {
				out[r.Key] = [2]any{r.Label, r.Assigned}
			}
			return out
		}
		want := map[string][2]any{"zb-belt": {"风景带建设专班", int64(1)}, "zb-county": {"甲县风景带专班", int64(1)},
			"jtj": {"市交通运输局", int64(1)}, "gaj": {"市公安局", int64(1)}}
		if got := stat("office"); len(got) != len(want) || got["zb-belt"] != want["zb-belt"] || got["zb-county"] != want["zb-county"] || got["jtj"] != want["jtj"] {
			t.Errorf("office stats by department: %v", got)
		}
		if got := stat("fgw"); len(got) != 2 || got["zb-belt"] != want["zb-belt"] || got["zb-county"] != want["zb-county"] {
			t.Errorf("member stats by department: %v", got)
		}

		// The ranking ranks the 专班 like a unit.
		var ranked rankingView
		s.must(t, http.StatusOK, "GET", "/api/v1/rankings", nil, s.as("office")...).json(t, &ranked)
		var codes []string
		for _, e := range ranked.Entries {
			codes = append(codes, e.Department)
		}
		slices.Sort(codes)
		if !slices.Equal(codes, []string{"gaj", "jtj", "zb-belt", "zb-county"}) {
			t.Errorf("ranking entries: %v", codes)
		}

		// Changing the members changes who sees: fgw out, gaj in.
		city["members"] = []string{"gaj"}
		s.must(t, http.StatusOK, "PUT", "/api/v1/taskforces/zb-belt", city, s.as("office")...)
		if r := s.do(t, "GET", "/api/v1/slips/"+belt, nil, s.as("fgw")...); r.status != http.StatusNotFound {
			t.Errorf("a former member still sees the 专班's slip: %d", r.status)
		}
		s.must(t, http.StatusOK, "GET", "/api/v1/slips/"+belt, nil, s.as("gaj")...)
		if r := s.do(t, "PUT", "/api/v1/taskforces/zjj", map[string]any{"name": "x", "lead_unit": "fgw"}, s.as("office")...); r.status != http.StatusNotFound {
			t.Errorf("updating a unit as a 专班: %d", r.status)
		}

		// A 批示 on the 专班's slip reaches its member units.
		s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+belt+"/instruction", map[string]any{"text": "抓紧推进，月底前见成效"}, s.as("leader")...)
		for _, login := range []string{"zjj", "gaj"} {
			if got := s.inboxOf(t, login, "?slip_id="+belt, 1); !slices.Contains(got, "instruct") {
				t.Errorf("%s did not hear of the 批示: %v", login, got)
			}
		}
		if got := s.inboxOf(t, "jtj", "", -1); slices.Contains(got, "instruct") {
			t.Errorf("a unit outside the 专班 heard of its 批示: %v", got)
		}
	})
}

// TestLeadersAsUsers: a slip's 责任领导 by user id, free text mapped by
// name (unmatched listed), the ledger's leader= filter, statistics by
// leader (exact, on both ledgers) and the leader's own 我的事项, overdue
// first.
func TestLeadersAsUsers(t *testing.T) {
	clock := &testClock{now: time.Now()}
	eachDialect(t, func(c *app.Config) { c.Now = clock.Now }, func(t *testing.T, s *system) {
		s.seedDepartments(t)
		wang := s.users["leader"].ID
		issue := func(title string, days int, leaderText string, leaderID int64) (string, int64) {
			d := draft(title)
			d["deadline"] = clock.Now().AddDate(0, 0, days).Format(time.DateOnly)
			d["leader"] = leaderText
			if leaderID != 0 {
				d["leader_id"] = leaderID
			}
			var v struct {
				ID       string `json:"id"`
				Leader   string `json:"leader"`
				LeaderID int64  `json:"leader_id"`
			}
			s.must(t, http.StatusCreated, "POST", "/api/v1/slips", d, s.as("office")...).json(t, &v)
			if leaderID != 0 && (v.LeaderID != leaderID || v.Leader != "王副市长") {
				t.Errorf("issued with leader %d: %+v", leaderID, v)
			}
			return v.ID, v.LeaderID
		}
		late, _ := issue("王副市长的急事", 5, "", wang) // overdue once the clock moves
		// Typed as text, the name of exactly one leader links to them.
		calm, linked := issue("王副市长的长期事项", 60, "王副市长", 0) // green
		if linked != wang {
			t.Errorf("a typed leader's name linked to %d, want %d", linked, wang)
		}
		// Text naming no leader user (yet) stays text.
		liText, unlinked := issue("李副市长的事（文本）", 30, "李副市长", 0)
		if unlinked != 0 {
			t.Errorf("text naming no leader linked to %d", unlinked)
		}
		issue("赵副市长的事（文本）", 30, "赵副市长", 0)
		s.addUser(t, identity.User{Login: "li", Name: "李副市长", Role: slip.RoleLeader})
		li := s.users["li"].ID
		d := draft("不是领导")
		d["leader_id"] = s.users["zjj"].ID
		if r := s.do(t, "POST", "/api/v1/slips", d, s.as("office")...); r.status != http.StatusUnprocessableEntity || r.errorCode(t) != "unknown_leader" {
			t.Errorf("a department user as 责任领导: %d %s", r.status, r.body)
		}

		// Free text maps to the leader of that name; the rest are listed.
		if r := s.do(t, "POST", "/api/v1/leaders/map", nil, s.as("office")...); r.status != http.StatusForbidden {
			t.Errorf("office mapping leaders: %d", r.status)
		}
		var mapped struct {
			Mapped    int64 `json:"mapped"`
			Unmatched []struct {
				Leader string `json:"leader"`
				Slips  int64  `json:"slips"`
			} `json:"unmatched"`
		}
		s.must(t, http.StatusOK, "POST", "/api/v1/leaders/map", nil, s.as("admin")...).json(t, &mapped)
		if mapped.Mapped != 1 || len(mapped.Unmatched) != 1 || mapped.Unmatched[0].Leader != "赵副市长" || mapped.Unmatched[0].Slips != 1 {
			t.Errorf("map: %+v", mapped)
		}
		s.must(t, http.StatusOK, "POST", "/api/v1/leaders/map", nil, s.as("admin")...).json(t, &mapped)
		if mapped.Mapped != 0 {
			t.Errorf("mapping again mapped %d more", mapped.Mapped)
		}

		// The ledger's leader= filter, by id and as "me".
		for _, c := range []struct {
			login, q string
			want     []string
		}{
			{"office", "leader=" + strconv.FormatInt(wang, 10), []string{late, calm}},
			{"office", "leader=" + strconv.FormatInt(li, 10), []string{liText}},
			{"leader", "leader=me", []string{late, calm}},
			{"li", "leader=me", []string{liText}},
			{"zjj", "leader=" + strconv.FormatInt(wang, 10), []string{late, calm}},
			{"jtj", "leader=" + strconv.FormatInt(wang, 10), nil},
		} {
			ids, total := s.ledgerIDs(t, c.login, c.q+"&sort=issued")
			if !slices.Equal(ids, c.want) || total != int64(len(c.want)) {
				t.Errorf("%s ?%s: %v (%d), want %v", c.login, c.q, ids, total, c.want)
			}
		}
		for _, q := range []string{"leader=me", "leader=abc", "leader=0", "leader=-3"} {
			if r := s.do(t, "GET", "/api/v1/slips?"+q, nil, s.as("office")...); r.status != http.StatusBadRequest {
				t.Errorf("office ?%s: %d", q, r.status)
			}
		}

		// Statistics by leader, exact.
		var st struct {
			Items []struct {
				Key      string `json:"key"`
				Label    string `json:"label"`
				Assigned int64  `json:"assigned"`
				Open     int64  `json:"open"`
			} `json:"items"`
		}
		s.must(t, http.StatusOK, "GET", "/api/v1/stats/closure?group_by=leader", nil, s.as("office")...).json(t, &st)
		got := map[string]string{}
		for _, r := range st.Items {
			got[r.Key] = r.Label + "/" + strconv.FormatInt(r.Assigned, 10) + "/" + strconv.FormatInt(r.Open, 10)
		}
		wantStats := map[string]string{strconv.FormatInt(wang, 10): "王副市长/2/2", strconv.FormatInt(li, 10): "李副市长/1/1", "": "未关联领导/1/1"}
		if len(got) != len(wantStats) {
			t.Errorf("stats by leader: %v", got)
		}
		for k, v := range wantStats {
			if got[k] != v {
				t.Errorf("stats by leader %q: %q, want %q (all %v)", k, got[k], v, got)
			}
		}

		// 我的事项: overdue first, though issued first and so last by newest.
		clock.advance(10 * 24 * time.Hour)
		var mine struct {
			Slips []struct {
				ID      string `json:"id"`
				Color   string `json:"color"`
				Overdue bool   `json:"overdue"`
			} `json:"slips"`
			Counts     map[string]int `json:"counts"`
			Taskforces []struct {
				Code string `json:"code"`
			} `json:"taskforces"`
			Projects []struct {
				Name string `json:"name"`
			} `json:"projects"`
		}
		s.must(t, http.StatusCreated, "POST", "/api/v1/taskforces", map[string]any{"code": "zb-1", "name": "招商专班", "lead_unit": "fgw", "leader_id": wang}, s.as("office")...)
		s.must(t, http.StatusOK, "PUT", "/api/v1/project-categories/industry", industry, s.as("office")...)
		s.must(t, http.StatusCreated, "POST", "/api/v1/projects", map[string]any{"name": "招商引资项目", "category": "industry", "owner_unit": "fgw",
			"leader_id": wang, "end_date": "2027-12-31", "milestones": []map[string]any{
				{"key": "lixiang", "planned": "2027-03-01"}, {"key": "kaigong", "planned": "2027-06-01"}, {"key": "touchan", "planned": "2027-12-31"}}}, s.as("office")...)
		s.must(t, http.StatusOK, "GET", "/api/v1/leader/items", nil, s.as("leader")...).json(t, &mine)
		if len(mine.Slips) != 2 || mine.Slips[0].ID != late || !mine.Slips[0].Overdue || mine.Slips[0].Color != "red" || mine.Slips[1].ID != calm {
			t.Errorf("我的事项: %+v", mine.Slips)
		}
		if mine.Counts["red"] != 1 || mine.Counts["green"] != 1 || len(mine.Taskforces) != 1 || mine.Taskforces[0].Code != "zb-1" || len(mine.Projects) != 1 || mine.Projects[0].Name != "招商引资项目" {
			t.Errorf("我的事项 counts %v, 专班 %v, projects %v", mine.Counts, mine.Taskforces, mine.Projects)
		}
		if r := s.do(t, "GET", "/api/v1/leader/items", nil, s.as("office")...); r.status != http.StatusForbidden {
			t.Errorf("office asking for 我的事项: %d", r.status)
		}
	})
}

// TestScopedOfficeSeesOnlyItsSlipsInVisitsAndReinspections: visits and
// 回头看 are the whole government's lists, but what they carry of a slip —
// a visit's checklist, a 回头看's slip, resolution and evidence — a scoped
// office sees only for its own subtree's slips, as on the ledger.
func TestScopedOfficeSeesOnlyItsSlipsInVisitsAndReinspections(t *testing.T) {
	s := start(t)
	s.seedLevels(t)
	s.addUser(t, identity.User{Login: "inspector", Name: "督查员周", Role: slip.RoleInspector})
	issue := func(login, lead, title string) slipView {
		d := draft(title)
		d["lead_department"], d["co_departments"] = lead, []string{}
		var sl slipView
		s.must(t, http.StatusCreated, "POST", "/api/v1/slips", d, s.as(login)...).json(t, &sl)
		return sl
	}
	open := issue("townB", "vB1", "乙村道路硬化")
	closed := issue("townB", "vB1", "乙村饮水安全")
	s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+closed.ID+"/acknowledge", map[string]any{}, s.as("vB1")...)
	s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+closed.ID+"/resolution", map[string]any{"summary": "已通自来水", "evidence": []string{"验收单"}}, s.as("vB1")...)
	s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+closed.ID+"/review", map[string]any{"passed": true}, s.as("townB")...)
	s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+closed.ID+"/signoff", map[string]any{"grade": "satisfied"}, s.as("townB")...)

	// The city office visits 乙村 and schedules a 回头看 of its closed slip.
	var visit struct {
		Visit struct {
			ID string `json:"id"`
		} `json:"visit"`
	}
	s.must(t, http.StatusCreated, "POST", "/api/v1/visits", map[string]any{"department": "vB1",
		"date": time.Now().AddDate(0, 0, 3).Format(time.DateOnly), "team": "第一督查组", "matters": []string{"道路"}}, s.as("office")...).json(t, &visit)
	var draw struct {
		Items []reinspectionView `json:"items"`
	}
	s.must(t, http.StatusCreated, "POST", "/api/v1/reinspections", map[string]any{"scope": "slip", "slip_id": closed.ID, "inspector": "inspector"}, s.as("office")...).json(t, &draw)
	if len(draw.Items) != 1 {
		t.Fatalf("回头看 scheduled: %+v", draw.Items)
	}
	rid := draw.Items[0].ID

	checklist := func(login string) []string {
		var v struct {
			Checklist struct {
				Slips []slipView `json:"slips"`
			} `json:"checklist"`
		}
		s.must(t, http.StatusOK, "GET", "/api/v1/visits/"+visit.Visit.ID, nil, s.as(login)...).json(t, &v)
		var ids []string
		for _, sl := range v.Checklist.Slips {
			ids = append(ids, sl.ID)
		}
		return ids
	}
	reinspections := func(login string) []string {
		var l struct {
			Items []reinspectionView `json:"items"`
		}
		s.must(t, http.StatusOK, "GET", "/api/v1/reinspections", nil, s.as(login)...).json(t, &l)
		var ids []string
		for _, r := range l.Items {
			ids = append(ids, r.SlipID)
		}
		return ids
	}
	for _, login := range []string{"office", "county", "townB"} {
		if got := checklist(login); !slices.Equal(got, []string{open.ID}) {
			t.Errorf("%s: the visit's checklist %v, want %s", login, got, open.ID)
		}
		if got := reinspections(login); !slices.Equal(got, []string{closed.ID}) {
			t.Errorf("%s: 回头看 %v, want %s", login, got, closed.ID)
		}
		s.must(t, http.StatusOK, "GET", "/api/v1/reinspections/"+rid, nil, s.as(login)...)
	}
	// Town A sees the visit and nothing of town B's slips in it.
	if got := checklist("townA"); len(got) != 0 {
		t.Errorf("town A sees town B's slips in the visit's checklist: %v", got)
	}
	if got := reinspections("townA"); len(got) != 0 {
		t.Errorf("town A lists town B's 回头看: %v", got)
	}
	for _, p := range []string{"/api/v1/reinspections/" + rid, "/api/v1/reinspections?slip_id=" + closed.ID} {
		r := s.do(t, "GET", p, nil, s.as("townA")...)
		if strings.Contains(string(r.body), "乙村饮水安全") || strings.Contains(string(r.body), "已通自来水") {
			t.Errorf("town A GET %s shows town B's slip: %d %s", p, r.status, r.body)
		}
	}
	if r := s.do(t, "GET", "/api/v1/reinspections/"+rid, nil, s.as("townA")...); r.status != http.StatusNotFound {
		t.Errorf("town A GET town B's 回头看: %d, want 404", r.status)
	}
	if r := s.do(t, "GET", "/api/v1/reinspections/"+rid+"/evidence/none", nil, s.as("townA")...); r.status != http.StatusNotFound {
		t.Errorf("town A GET town B's 回头看 evidence: %d, want 404", r.status)
	}
}
