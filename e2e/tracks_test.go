package e2e

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/slip"
)

// trackView is the part of a slip answer about its units' parts.
type trackView struct {
	Tracks []struct {
		Department     string   `json:"department"`
		Role           string   `json:"role"`
		Status         string   `json:"status"`
		Deadline       string   `json:"deadline"`
		Refusals       int      `json:"refusals"`
		Presses        int      `json:"presses"`
		AllowedActions []string `json:"allowed_actions"`
		Report         *struct {
			Achieved string `json:"achieved"`
			Problems string `json:"problems"`
			Measures []struct {
				Content string   `json:"content"`
				Units   []string `json:"units"`
				Due     string   `json:"due"`
			} `json:"measures"`
		} `json:"report"`
	} `json:"tracks"`
	OpenCoUnits []string `json:"open_co_units"`
}

// TestTracksOverHTTP walks a slip with a lead and two co-units through the
// API: a co-unit refuses and is replaced, bad reports and reassignments are
// refused without changing anything, the lead cannot resolve before its
// co-units, the office urges by hand and a leader's instruction reaches the
// units' inboxes, and the statistics count every unit in its role.
func TestTracksOverHTTP(t *testing.T) {
	s := start(t)
	s.seedDepartments(t)
	s.must(t, http.StatusCreated, "POST", "/api/v1/departments", map[string]string{"code": "wjj", "name": "市卫生健康委员会"}, s.as("admin")...)
	s.addUser(t, identity.User{Login: "wjj", Name: "卫健委孙丽", Role: slip.RoleDepartment, Department: "wjj"})
	office, zjj, fgw, jtj, wjj := s.as("office"), s.as("zjj"), s.as("fgw"), s.as("jtj"), s.as("wjj")
	today := time.Now().In(calendar.Zone)
	in := func(days int) string { return today.AddDate(0, 0, days).Format(time.DateOnly) }

	d := draft("推进老旧小区改造")
	d["co_departments"] = []string{"fgw", "jtj"}
	d["co_deadlines"] = map[string]string{"fgw": in(10)}
	var issued slipView
	s.must(t, http.StatusCreated, "POST", "/api/v1/slips", d, office...).json(t, &issued)
	id := issued.ID
	get := func(who []string) (slipView, trackView) {
		t.Helper()
		r := s.must(t, http.StatusOK, "GET", "/api/v1/slips/"+id, nil, who...)
		var v slipView
		var tv trackView
		r.json(t, &v)
		r.json(t, &tv)
		return v, tv
	}
	post := func(want int, who []string, action string, body any) reply {
		t.Helper()
		return s.must(t, want, "POST", path("/api/v1/slips/%s/%s", id, action), body, who...)
	}
	// refused sends a bad request and checks its code and that nothing moved.
	refused := func(want int, code string, who []string, action string, body any) {
		t.Helper()
		before, _ := get(office)
		if got := post(want, who, action, body).errorCode(t); got != code {
			t.Fatalf("%s: code %s, want %s", action, got, code)
		}
		if after, _ := get(office); after.Seq != before.Seq {
			t.Fatalf("refused %s moved the slip from seq %d to %d", action, before.Seq, after.Seq)
		}
	}

	v, tv := get(jtj)
	if len(tv.Tracks) != 3 || tv.Tracks[0].Role != "lead" || tv.Tracks[1].Deadline != in(10) {
		t.Fatalf("tracks at issue: %+v", tv.Tracks)
	}
	if !contains(v.AllowedActions, "co_acknowledge") || !contains(v.AllowedActions, "refuse") || contains(v.AllowedActions, "acknowledge") {
		t.Fatalf("co-unit's buttons: %v", v.AllowedActions)
	}

	// 退回 and 改派.
	post(http.StatusOK, jtj, "refusal", map[string]any{"reason": "职责不符"})
	var queue ledgerPage
	s.must(t, http.StatusOK, "GET", "/api/v1/refusals", nil, office...).json(t, &queue)
	if len(queue.Items) != 1 || queue.Items[0].ID != id {
		t.Fatalf("退回 queue: %+v", queue.Items)
	}
	s.must(t, http.StatusForbidden, "GET", "/api/v1/refusals", nil, zjj...)
	refused(http.StatusUnprocessableEntity, slip.CodeReassignTarget, office, "reassignment", map[string]any{"department": "jtj", "new_department": "jtj"})
	refused(http.StatusUnprocessableEntity, slip.CodeUnknownDepartment, office, "reassignment", map[string]any{"department": "jtj", "new_department": "nosuch"})
	refused(http.StatusUnprocessableEntity, slip.CodeReassignTarget, office, "reassignment", map[string]any{"department": "jtj", "new_department": "fgw"})
	post(http.StatusOK, office, "reassignment", map[string]any{"department": "jtj", "new_department": "wjj", "deadline": in(5)})
	s.must(t, http.StatusNotFound, "GET", "/api/v1/slips/"+id, nil, jtj...)
	s.must(t, http.StatusNotFound, "POST", path("/api/v1/slips/%s/progress", id), map[string]any{"text": "x"}, jtj...)
	if v, _ := get(wjj); !contains(v.CoDepartments, "wjj") || contains(v.CoDepartments, "jtj") {
		t.Fatalf("co-units after 改派: %v", v.CoDepartments)
	}
	s.must(t, http.StatusOK, "GET", "/api/v1/refusals", nil, office...).json(t, &queue)
	if len(queue.Items) != 0 {
		t.Fatalf("退回 queue after 改派: %d items", len(queue.Items))
	}

	// Structured reports; bad measures are 422 and change nothing.
	post(http.StatusOK, zjj, "acknowledge", nil)
	refused(http.StatusUnprocessableEntity, slip.CodeInvalidMeasure, zjj, "progress", map[string]any{"text": "已完成 60 个",
		"measures": []map[string]any{{"content": "完成管网改造", "due": in(3)}}})
	refused(http.StatusUnprocessableEntity, slip.CodeInvalidMeasure, zjj, "progress", map[string]any{"text": "已完成 60 个",
		"measures": []map[string]any{{"content": "完成管网改造", "units": []string{"太平乡"}, "due": in(-1)}}})
	post(http.StatusOK, zjj, "progress", map[string]any{"text": "已完成 60 个", "problems": "资金缺口 300 万",
		"measures": []map[string]any{{"content": "申请专项资金", "units": []string{"太平乡", "区卫健局"}, "due": in(7)}}})
	refused(http.StatusConflict, slip.CodeCoUnitsOpen, zjj, "resolution", map[string]any{"summary": "全部完成", "evidence": []string{"验收报告.pdf"}})
	refused(http.StatusForbidden, slip.CodeForbidden, fgw, "resolution", map[string]any{"summary": "全部完成", "evidence": []string{"验收报告.pdf"}})

	// The co-units' parts.
	post(http.StatusOK, fgw, "co-acknowledge", nil)
	post(http.StatusOK, fgw, "progress", map[string]any{"text": "协办意见起草中"})
	post(http.StatusOK, fgw, "completion", map[string]any{"summary": "协办意见已提交"})
	refused(http.StatusConflict, slip.CodeTrackTransition, fgw, "completion", map[string]any{"summary": "再交一次"})
	refused(http.StatusUnprocessableEntity, slip.CodeNoSuchTrack, office, "press", map[string]any{"department": "jtj"})
	post(http.StatusOK, office, "press", map[string]any{"department": "wjj", "comment": "请今天内签收"})
	post(http.StatusOK, s.as("leader"), "instruction", map[string]any{"text": "请各单位加快进度"})
	for login, kind := range map[string]string{"wjj": "press", "fgw": "instruct"} {
		var inbox struct {
			Items []struct {
				Kind string `json:"kind"`
			} `json:"items"`
		}
		s.must(t, http.StatusOK, "GET", "/api/v1/notifications?slip_id="+id, nil, s.as(login)...).json(t, &inbox)
		found := false
		for _, n := range inbox.Items {
			found = found || n.Kind == kind
		}
		if !found {
			t.Errorf("%s's inbox has no %s notice: %+v", login, kind, inbox.Items)
		}
	}
	post(http.StatusOK, wjj, "co-acknowledge", nil)
	post(http.StatusOK, wjj, "completion", map[string]any{"summary": "已完成", "problems": "无"})

	_, tv = get(office)
	if len(tv.OpenCoUnits) != 0 || tv.Tracks[0].Report == nil || tv.Tracks[0].Report.Problems != "资金缺口 300 万" ||
		len(tv.Tracks[0].Report.Measures) != 1 || tv.Tracks[3].Presses != 1 || tv.Tracks[2].Status != "replaced" || tv.Tracks[2].Refusals != 1 {
		t.Fatalf("tracks before resolution: %+v", tv)
	}
	// The batch's 汇总表: title row, then the lead's report and every
	// co-unit's part in 实现情况 / 存在问题 / 具体措施.
	r := s.must(t, http.StatusOK, "GET", "/api/v1/slips/export?format=xlsx&batch="+urlQuery("2026新春第一会"), nil, office...)
	f, err := excelize.OpenReader(bytes.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || !strings.HasPrefix(rows[0][0], "2026新春第一会 督办事项汇总表") || rows[1][9] != "存在问题" ||
		!strings.Contains(rows[2][9], "资金缺口 300 万") || !strings.Contains(rows[2][10], "申请专项资金（责任单位：太平乡、区卫健局；解决时限：") ||
		!strings.Contains(rows[2][8], "【协办·市卫生健康委员会·已完成】已完成") || !strings.Contains(rows[2][8], "【协办·市交通运输局·已改派】已改派市卫生健康委员会") {
		t.Fatalf("汇总表: %q", rows)
	}

	post(http.StatusOK, zjj, "resolution", map[string]any{"summary": "全部完成", "evidence": []string{"验收报告.pdf"}})
	post(http.StatusOK, office, "review", map[string]any{"passed": true})
	if v := post(http.StatusOK, office, "signoff", map[string]any{}); v.status != http.StatusOK {
		t.Fatal("signoff")
	}

	var st struct {
		Items []struct {
			Department  string   `json:"department"`
			Role        string   `json:"role"`
			Assigned    int64    `json:"assigned"`
			OnTime      int64    `json:"on_time"`
			Refusals    int64    `json:"refusals"`
			Presses     int64    `json:"presses"`
			RefusalRate *float64 `json:"refusal_rate"`
		} `json:"items"`
	}
	s.must(t, http.StatusOK, "GET", "/api/v1/stats/tracks", nil, office...).json(t, &st)
	got := map[string]string{}
	for _, r := range st.Items {
		got[r.Department+"/"+r.Role] = path("assigned=%d on_time=%d refusals=%d presses=%d", r.Assigned, r.OnTime, r.Refusals, r.Presses)
	}
	want := map[string]string{
		"zjj/lead": "assigned=1 on_time=1 refusals=0 presses=0",
		"fgw/co":   "assigned=1 on_time=1 refusals=0 presses=0",
		"jtj/co":   "assigned=1 on_time=0 refusals=1 presses=0",
		"wjj/co":   "assigned=1 on_time=1 refusals=0 presses=1",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("stats %s: %s, want %s", k, got[k], w)
		}
	}
	s.must(t, http.StatusOK, "GET", "/api/v1/stats/tracks", nil, fgw...).json(t, &st)
	if len(st.Items) != 1 || st.Items[0].Department != "fgw" {
		t.Fatalf("a department's own statistics: %+v", st.Items)
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// coUnitsDone has the co-unit of draft() (fgw) sign for and complete its
// part, so that the lead may resolve.
func (s *system) coUnitsDone(t *testing.T, id string) {
	t.Helper()
	s.must(t, http.StatusOK, "POST", path("/api/v1/slips/%s/co-acknowledge", id), nil, s.as("fgw")...)
	s.must(t, http.StatusOK, "POST", path("/api/v1/slips/%s/completion", id), map[string]any{"summary": "协办意见已提交"}, s.as("fgw")...)
}
