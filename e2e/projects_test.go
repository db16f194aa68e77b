package e2e

import (
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/duban-gov/duban/internal/app"
	"github.com/duban-gov/duban/notify"
	"github.com/duban-gov/duban/service"
	"github.com/duban-gov/duban/sheetimport/sheettest"
	"github.com/duban-gov/duban/workflows"
)

// recordProject makes TestProjectsOverHTTP write its project workflow's
// history to workflows/testdata/project_v0.json, which the replay test
// replays against today's ProjectWorkflow:
//
//	go test ./e2e -run TestProjectsOverHTTP -record-project
var recordProject = flag.Bool("record-project", false, "write the project workflow history to workflows/testdata")

type projectView struct {
	ID         string `json:"id"`
	Status     string `json:"status"`
	Color      string `json:"color"`
	Seq        int64  `json:"seq"`
	Milestones []struct {
		Key       string   `json:"key"`
		OwnerUnit string   `json:"owner_unit"`
		Planned   string   `json:"planned"`
		Status    string   `json:"status"`
		Slips     []string `json:"slips"`
	} `json:"milestones"`
}

// industry is an 产业项目 template: 立项 20 working days before the end,
// 开工 10, 投产 on the end date.
var industry = map[string]any{"name": "产业项目", "nodes": []map[string]any{
	{"key": "lixiang", "name": "立项", "offset_working_days": 20},
	{"key": "kaigong", "name": "开工", "offset_working_days": 10, "depends_on": []string{"lixiang"}},
	{"key": "touchan", "name": "投产", "offset_working_days": 0},
}}

// TestProjectsOverHTTP: a category template, planning backwards across
// 国庆 2026, a project whose 开工 belongs to a member unit of its owner,
// every refusal of bad input (422/409 with a code and a Chinese message,
// nothing changed), a department seeing only its projects (404 otherwise),
// a slip spawned from a blocked milestone and linked to it, a 批示 reaching
// the project's units, acceptance and 销号.
func TestProjectsOverHTTP(t *testing.T) {
	// zjj's webhook receiver: the 批示 on the project reaches it.
	hooked := make(chan string, 16)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		hooked <- string(raw)
	}))
	t.Cleanup(receiver.Close)
	targets, err := notify.ParseTargets("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	s := startWith(t, func(c *app.Config) {
		c.Membership = service.StaticMembership{"fgw": {"zjj"}}
		c.WebhookTargets = targets
	})
	s.seedDepartments(t)
	office, leaderID := s.as("office"), s.users["leader"].ID
	s.must(t, http.StatusCreated, "POST", "/api/v1/departments/zjj/webhooks", map[string]any{"channel": "generic", "url": receiver.URL}, s.as("admin")...)

	s.must(t, http.StatusOK, "PUT", "/api/v1/project-categories/industry", industry, office...)
	cyclic := map[string]any{"name": "环", "nodes": []map[string]any{
		{"key": "a", "name": "甲", "offset_working_days": 5, "depends_on": []string{"b"}},
		{"key": "b", "name": "乙", "offset_working_days": 5, "depends_on": []string{"a"}}}}
	if r := s.must(t, http.StatusUnprocessableEntity, "PUT", "/api/v1/project-categories/loop", cyclic, office...); r.errorCode(t) != "template_cycle" {
		t.Fatalf("cyclic template: %s", r.body)
	}
	if r := s.must(t, http.StatusUnprocessableEntity, "GET", "/api/v1/project-categories/loop/plan?end_date=2026-12-31", nil, office...); r.errorCode(t) != "unknown_category" {
		t.Fatalf("the refused template was kept: %s", r.body)
	}

	// 2026-10-16 back: 投产 10-16; 开工 10 working days: 10-15 … Saturday 10-10
	// (调休) … 10-08, then 09-30, 09-29, 09-28; 立项 20: on past 中秋 and
	// Sunday 09-20 (调休) to 09-14.
	var plan struct {
		Nodes []struct {
			Key     string `json:"key"`
			Planned string `json:"planned"`
		} `json:"nodes"`
	}
	s.must(t, http.StatusOK, "GET", "/api/v1/project-categories/industry/plan?end_date=2026-10-16", nil, office...).json(t, &plan)
	got := map[string]string{}
	for _, n := range plan.Nodes {
		got[n.Key] = n.Planned
	}
	if want := map[string]string{"lixiang": "2026-09-14", "kaigong": "2026-09-28", "touchan": "2026-10-16"}; len(got) != 3 || got["lixiang"] != want["lixiang"] || got["kaigong"] != want["kaigong"] || got["touchan"] != want["touchan"] {
		t.Fatalf("planned backwards: %v, want %v", got, want)
	}

	body := func(edit func(m map[string]any)) map[string]any {
		m := map[string]any{"name": "新能源电池产业园", "category": "industry", "batch": "第一批", "owner_unit": "fgw", "leader_id": leaderID,
			"investment": 1250000, "end_date": "2027-12-31", "milestones": []map[string]any{
				{"key": "lixiang", "planned": "2027-03-01"}, {"key": "kaigong", "planned": "2027-06-01", "owner_unit": "zjj"}, {"key": "touchan", "planned": "2027-12-31"}}}
		if edit != nil {
			edit(m)
		}
		return m
	}
	ms := func(dates ...string) []map[string]any {
		keys := []string{"lixiang", "kaigong", "touchan"}
		out := []map[string]any{}
		for i, d := range dates {
			out = append(out, map[string]any{"key": keys[i], "planned": d})
		}
		return out
	}
	for name, tc := range map[string]struct {
		edit   func(m map[string]any)
		status int
		code   string
	}{
		"a milestone after the end": {func(m map[string]any) { m["milestones"] = ms("2027-03-01", "2027-06-01", "2028-01-05") }, 422, "milestone_after_end"},
		"milestones out of order":   {func(m map[string]any) { m["milestones"] = ms("2027-07-01", "2027-06-01", "2027-12-31") }, 422, "milestone_order"},
		"an owner outside the 专班": {func(m map[string]any) {
			m["milestones"] = []map[string]any{{"key": "lixiang", "planned": "2027-03-01", "owner_unit": "jtj"}}
		}, 422, "owner_not_member"},
		"an unknown category": {func(m map[string]any) { m["category"] = "nope" }, 422, "unknown_category"},
		"an unknown unit":     {func(m map[string]any) { m["owner_unit"] = "nope" }, 422, "unknown_department"},
		"an unknown leader":   {func(m map[string]any) { m["leader_id"] = s.users["office"].ID }, 422, "unknown_leader"},
	} {
		r := s.do(t, "POST", "/api/v1/projects", body(tc.edit), office...)
		if r.status != tc.status || r.errorCode(t) != tc.code {
			t.Errorf("%s: %d %s, want %d %s", name, r.status, r.body, tc.status, tc.code)
		}
	}
	var list struct {
		Items  []projectView `json:"items"`
		Counts struct {
			Total int `json:"total"`
		} `json:"counts"`
	}
	s.must(t, http.StatusOK, "GET", "/api/v1/projects", nil, office...).json(t, &list)
	if list.Counts.Total != 0 {
		t.Fatalf("refused projects were registered: %+v", list.Items)
	}
	s.must(t, http.StatusForbidden, "POST", "/api/v1/projects", body(nil), s.as("fgw")...)

	var p projectView
	s.must(t, http.StatusCreated, "POST", "/api/v1/projects", body(nil), append(office, "Idempotency-Key", "p-1")...).json(t, &p)
	var again projectView
	s.must(t, http.StatusCreated, "POST", "/api/v1/projects", body(nil), append(office, "Idempotency-Key", "p-1")...).json(t, &again)
	if again.ID != p.ID {
		t.Fatalf("a repeat with the same key made project %s beside %s", again.ID, p.ID)
	}
	base := "/api/v1/projects/" + p.ID

	// Visibility: fgw owns it, zjj owns a milestone, jtj neither.
	s.must(t, http.StatusOK, "GET", base, nil, s.as("fgw")...)
	s.must(t, http.StatusOK, "GET", base, nil, s.as("zjj")...)
	if r := s.must(t, http.StatusNotFound, "GET", base, nil, s.as("jtj")...); r.errorCode(t) != "not_found" {
		t.Fatalf("jtj: %s", r.body)
	}
	s.must(t, http.StatusNotFound, "POST", base+"/milestones/lixiang/report", map[string]any{"actual": "2026-12-01", "evidence": []string{"x"}}, s.as("jtj")...)
	s.must(t, http.StatusOK, "GET", "/api/v1/projects", nil, s.as("jtj")...).json(t, &list)
	if list.Counts.Total != 0 || len(list.Items) != 0 {
		t.Fatalf("jtj lists %d projects", list.Counts.Total)
	}

	// A blocked 开工: the office hands a slip to 交通局 (道路改线), linked.
	slipDraft := draft("产业园道路改线")
	slipDraft["lead_department"] = "jtj"
	var spawned struct {
		Slip struct {
			ID string `json:"id"`
		} `json:"slip"`
		Project projectView `json:"project"`
	}
	s.must(t, http.StatusCreated, "POST", base+"/milestones/kaigong/slips", slipDraft, append(office, "Idempotency-Key", "s-1")...).json(t, &spawned)
	if got := spawned.Project.Milestones[1].Slips; len(got) != 1 || got[0] != spawned.Slip.ID {
		t.Fatalf("slip not linked to 开工: %v", got)
	}
	s.must(t, http.StatusCreated, "POST", base+"/milestones/kaigong/slips", slipDraft, append(office, "Idempotency-Key", "s-1")...).json(t, &spawned)
	if got := spawned.Project.Milestones[1].Slips; len(got) != 1 {
		t.Fatalf("a retried spawn linked %d slips", len(got))
	}
	s.must(t, http.StatusOK, "GET", "/api/v1/slips/"+spawned.Slip.ID, nil, s.as("jtj")...)

	// 批示 reaches both units' inboxes.
	s.must(t, http.StatusOK, "POST", base+"/instruction", map[string]any{"comment": "加快推进，确保按期投产"}, s.as("leader")...)
	for _, unit := range []string{"fgw", "zjj"} {
		var inbox struct {
			Items []struct {
				Title string `json:"title"`
			} `json:"items"`
		}
		s.must(t, http.StatusOK, "GET", "/api/v1/notifications", nil, s.as(unit)...).json(t, &inbox)
		found := false
		for _, n := range inbox.Items {
			found = found || n.Title == "领导批示：新能源电池产业园"
		}
		if !found {
			t.Errorf("%s's inbox has no 批示: %+v", unit, inbox.Items)
		}
	}
	select {
	case body := <-hooked:
		if !strings.Contains(body, "加快推进，确保按期投产") {
			t.Fatalf("zjj's webhook got %s", body)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the 批示 did not reach zjj's webhook")
	}

	// Milestones met, accepted (twice: 409, nothing changed), 销号.
	s.must(t, http.StatusForbidden, "POST", base+"/milestones/kaigong/report", map[string]any{"actual": "2026-12-01", "evidence": []string{"x"}}, s.as("fgw")...)
	for _, m := range []struct{ key, unit string }{{"lixiang", "fgw"}, {"kaigong", "zjj"}, {"touchan", "fgw"}} {
		s.must(t, http.StatusOK, "POST", base+"/milestones/"+m.key+"/report", map[string]any{"actual": "2026-12-01", "evidence": []string{"验收材料.pdf"}}, s.as(m.unit)...)
		if r := s.do(t, "POST", base+"/signoff", map[string]any{}, office...); r.status != http.StatusConflict || r.errorCode(t) != "project_not_ready" {
			t.Fatalf("sign-off before acceptance: %d %s", r.status, r.body)
		}
		s.must(t, http.StatusOK, "POST", base+"/milestones/"+m.key+"/accept", map[string]any{}, office...)
	}
	var before projectView
	s.must(t, http.StatusOK, "GET", base, nil, office...).json(t, &before)
	if r := s.do(t, "POST", base+"/milestones/kaigong/accept", map[string]any{}, office...); r.status != http.StatusConflict || r.errorCode(t) != "milestone_accepted" {
		t.Fatalf("accepting twice: %d %s", r.status, r.body)
	}
	var after projectView
	s.must(t, http.StatusOK, "GET", base, nil, office...).json(t, &after)
	if after.Seq != before.Seq {
		t.Fatalf("a refused acceptance moved the project from %d to %d", before.Seq, after.Seq)
	}
	s.must(t, http.StatusOK, "POST", base+"/signoff", map[string]any{"comment": "同意销号"}, office...).json(t, &after)
	if after.Status != "signed_off" || after.Color != "closed" {
		t.Fatalf("after 销号: %+v", after)
	}
	var stats struct {
		Groups []struct {
			Key       string `json:"key"`
			Total     int    `json:"total"`
			SignedOff int    `json:"signed_off"`
			Started   int    `json:"started"`
		} `json:"groups"`
	}
	s.must(t, http.StatusOK, "GET", "/api/v1/stats/projects?group_by=batch", nil, s.as("leader")...).json(t, &stats)
	if len(stats.Groups) != 1 || stats.Groups[0].Key != "第一批" || stats.Groups[0].Total != 1 || stats.Groups[0].SignedOff != 1 || stats.Groups[0].Started != 1 {
		t.Fatalf("stats by batch: %+v", stats.Groups)
	}
	if r := s.do(t, "POST", base+"/instruction", map[string]any{"comment": "再批示"}, s.as("leader")...); r.status != http.StatusConflict || r.errorCode(t) != "project_closed" {
		t.Fatalf("after 销号: %d %s", r.status, r.body)
	}
	if *recordProject {
		writeHistory(t, s, workflows.ProjectWorkflowID(p.ID), "project_v0.json")
	}
}

// TestProjectListImport: a project list in XLSX — one project's milestones
// on three rows (the name only on the first), another with no 节点, planned
// backwards from its end date — is previewed (nothing created) and
// confirmed; a list with an unknown leader is previewed as blocked and its
// confirmation refused with nothing created; a confirm retried creates
// nothing twice.
func TestProjectListImport(t *testing.T) {
	s := start(t)
	s.seedDepartments(t)
	office := s.as("office")
	s.must(t, http.StatusOK, "PUT", "/api/v1/project-categories/industry", industry, office...)
	header := []string{"项目名称", "项目类别", "批次", "责任单位", "责任领导", "总投资（万元）", "计划完成时间", "节点", "节点计划时间"}
	upload := func(leader string) map[string]any {
		data, err := sheettest.XLSX("2027年重点项目清单", header, [][]string{
			{"新能源电池产业园", "产业项目", "第一批", "市发展和改革委员会", leader, "1,250.5", "2027-12-31", "立项", "2027-03-01"},
			{"", "", "", "", "", "", "", "开工", "2027-06-01"},
			{"", "", "", "", "", "", "", "投产", "2027-12-31"},
			{"城东污水处理厂", "industry", "第二批", "住建局", "王副市长", "800", "2026-12-31", "", ""},
		})
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]any
		s.must(t, http.StatusCreated, "POST", "/api/v1/project-imports?name=list.xlsx", string(data), office...).json(t, &out)
		return out
	}
	count := func() int {
		var list struct {
			Counts struct {
				Total int `json:"total"`
			} `json:"counts"`
		}
		s.must(t, http.StatusOK, "GET", "/api/v1/projects", nil, office...).json(t, &list)
		return list.Counts.Total
	}

	bad := upload("李市长")
	if bad["blocked"].(float64) != 1 || bad["projects"].(float64) != 2 {
		t.Fatalf("preview of a list with an unknown leader: %v", bad)
	}
	if r := s.do(t, "POST", "/api/v1/project-imports/"+bad["id"].(string)+"/confirm", map[string]any{}, office...); r.status != 422 || r.errorCode(t) != "rows_invalid" {
		t.Fatalf("confirming a blocked list: %d %s", r.status, r.body)
	}
	if n := count(); n != 0 {
		t.Fatalf("a refused list created %d projects", n)
	}

	good := upload("王副市长")
	if good["blocked"].(float64) != 0 {
		t.Fatalf("preview: %v", good)
	}
	entries := good["entries"].([]any)
	second := entries[1].(map[string]any)
	if second["planned"] != true || len(second["milestones"].([]any)) != 3 {
		t.Fatalf("the list without 节点 was not planned backwards: %v", second)
	}
	if n := count(); n != 0 {
		t.Fatalf("a preview created %d projects", n)
	}
	var out struct {
		Projects []string `json:"projects"`
	}
	s.must(t, http.StatusOK, "POST", "/api/v1/project-imports/"+good["id"].(string)+"/confirm", map[string]any{}, office...).json(t, &out)
	var again struct {
		Projects []string `json:"projects"`
	}
	s.must(t, http.StatusOK, "POST", "/api/v1/project-imports/"+good["id"].(string)+"/confirm", map[string]any{}, office...).json(t, &again)
	if len(out.Projects) != 2 || again.Projects[0] != out.Projects[0] || again.Projects[1] != out.Projects[1] || count() != 2 {
		t.Fatalf("confirmed %v, again %v, %d projects", out.Projects, again.Projects, count())
	}
	var p struct {
		Investment int64  `json:"investment"`
		Wan        string `json:"investment_wan"`
		Milestones []struct {
			Key     string `json:"key"`
			Planned string `json:"planned"`
		} `json:"milestones"`
	}
	s.must(t, http.StatusOK, "GET", "/api/v1/projects/"+out.Projects[0], nil, office...).json(t, &p)
	if p.Investment != 125050 || p.Wan != "1250.50" || len(p.Milestones) != 3 || p.Milestones[1].Key != "kaigong" || p.Milestones[1].Planned != "2027-06-01" {
		t.Fatalf("imported project: %+v", p)
	}
}
