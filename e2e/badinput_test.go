package e2e

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/slip"
)

// TestBadInputChangesNothing sends malformed, unknown and semantically wrong
// requests and checks each answer's status and code, and that the ledger and
// the slip's timeline are unchanged afterwards.
func TestBadInputChangesNothing(t *testing.T) {
	s := start(t)
	s.seedDepartments(t)
	office, admin, dept := s.as("office"), s.as("admin"), s.as("zjj")
	var sl slipView
	s.must(t, http.StatusCreated, "POST", "/api/v1/slips", draft("既有交办单"), office...).json(t, &sl)

	with := func(change func(d map[string]any)) map[string]any {
		d := draft("坏请求")
		change(d)
		return d
	}
	// raw is a valid draft as JSON text with one edit that encoding/json
	// would forgive (and issue the slip).
	raw := func(old, new string) string {
		b, err := json.Marshal(draft("宽松解码"))
		if err != nil {
			t.Fatal(err)
		}
		return strings.Replace(string(b), old, new, 1)
	}
	yesterday := time.Now().AddDate(0, 0, -2).Format(time.DateOnly)
	cases := []struct {
		name    string
		method  string
		path    string
		body    any
		headers []string
		status  int
		code    string
	}{
		{"malformed JSON", "POST", "/api/v1/slips", `{"title":`, office, 400, "invalid_json"},
		{"unknown field", "POST", "/api/v1/slips", with(func(d map[string]any) { d["owner"] = "x" }), office, 400, "invalid_json"},
		{"invalid UTF-8", "POST", "/api/v1/slips", raw("宽松解码", "\xff\xfe"), office, 400, "invalid_json"},
		{"field name in another case", "POST", "/api/v1/slips", raw(`"title"`, `"Title"`), office, 400, "invalid_json"},
		{"duplicate key", "POST", "/api/v1/slips", raw(`{`, `{"title":"另一个标题",`), office, 400, "invalid_json"},
		{"no token", "POST", "/api/v1/slips", draft("无人交办"), nil, 401, slip.CodeUnauthenticated},
		{"bad token", "POST", "/api/v1/slips", draft("冒名交办"), []string{"Authorization", "Bearer dbn_forged"}, 401, slip.CodeUnauthenticated},
		{"empty title", "POST", "/api/v1/slips", with(func(d map[string]any) { d["title"] = "  " }), office, 400, slip.CodeInvalidField},
		{"bad date", "POST", "/api/v1/slips", with(func(d map[string]any) { d["deadline"] = "2026-13-01" }), office, 400, slip.CodeInvalidField},
		{"bad priority", "POST", "/api/v1/slips", with(func(d map[string]any) { d["priority"] = "whenever" }), office, 400, slip.CodeInvalidField},
		{"lead also co", "POST", "/api/v1/slips", with(func(d map[string]any) { d["co_departments"] = []string{"zjj"} }), office, 400, slip.CodeInvalidField},
		{"huge title", "POST", "/api/v1/slips", with(func(d map[string]any) { d["title"] = strings.Repeat("督", 1000) }), office, 400, slip.CodeInvalidField},
		{"date and working days", "POST", "/api/v1/slips", with(func(d map[string]any) { d["deadline_working_days"] = 5 }), office, 400, slip.CodeInvalidField},
		{"too many working days", "POST", "/api/v1/slips", with(func(d map[string]any) { delete(d, "deadline"); d["deadline_working_days"] = 1000 }), office, 400, slip.CodeInvalidField},
		{"bad reminder policy", "POST", "/api/v1/slips", with(func(d map[string]any) {
			d["reminder_policy"] = map[string]any{"urge": 5, "supervise": 3, "public_notice": 9, "repeat_every": 5, "fire_at": "09:00"}
		}), office, 400, slip.CodeInvalidField},
		{"extension without reason", "POST", "/api/v1/slips/" + sl.ID + "/extension", map[string]any{"deadline": "2026-12-31"}, dept, 400, slip.CodeInvalidField},
		{"extension before acknowledging, to an earlier date", "POST", "/api/v1/slips/" + sl.ID + "/extension", map[string]any{"reason": "x", "deadline": yesterday}, dept, 422, slip.CodeExtensionDate},
		{"decision with nothing pending", "POST", "/api/v1/slips/" + sl.ID + "/extension/decision", map[string]any{"approved": true}, office, 409, slip.CodeNoPendingExtension},
		{"bad colour", "GET", "/api/v1/slips?color=purple", nil, office, 400, slip.CodeInvalidField},
		{"bad sent_back", "GET", "/api/v1/slips?sent_back=yes", nil, office, 400, slip.CodeInvalidField},
		{"calendar range reversed", "GET", "/api/v1/calendar?from=2026-10-01&to=2026-09-01", nil, office, 400, slip.CodeInvalidField},
		{"calendar without data", "GET", "/api/v1/calendar?from=2027-01-01&to=2027-01-31", nil, office, 422, slip.CodeNoCalendarData},
		{"inbox of an admin", "GET", "/api/v1/notifications", nil, admin, 403, slip.CodeForbidden},
		{"webhook with a bad URL", "POST", "/api/v1/departments/zjj/webhooks", map[string]any{"channel": "dingtalk", "url": "javascript:alert(1)"}, admin, 400, slip.CodeInvalidField},
		{"webhook to loopback", "POST", "/api/v1/departments/zjj/webhooks", map[string]any{"channel": "generic", "url": "http://127.0.0.1:9090/metrics"}, admin, 400, slip.CodeInvalidField},
		{"webhook to a name for loopback", "POST", "/api/v1/departments/zjj/webhooks", map[string]any{"channel": "generic", "url": "http://localhost/hook"}, dept, 400, slip.CodeInvalidField},
		{"webhook to cloud metadata", "POST", "/api/v1/departments/zjj/webhooks", map[string]any{"channel": "generic", "url": "http://169.254.169.254/latest/meta-data"}, dept, 400, slip.CodeInvalidField},
		{"webhook of an unknown department", "POST", "/api/v1/departments/ghost/webhooks", map[string]any{"channel": "generic", "url": "https://example.org/hook"}, admin, 404, slip.CodeNotFound},
		{"unknown department", "POST", "/api/v1/slips", with(func(d map[string]any) { d["lead_department"] = "nobody" }), office, 422, slip.CodeUnknownDepartment},
		{"unknown co-department", "POST", "/api/v1/slips", with(func(d map[string]any) { d["co_departments"] = []string{"ghost"} }), office, 422, slip.CodeUnknownDepartment},
		{"deadline in the past", "POST", "/api/v1/slips", with(func(d map[string]any) { d["deadline"] = yesterday }), office, 422, slip.CodeDeadlinePassed},
		{"unknown slip", "GET", "/api/v1/slips/0190a0a0-0000-7000-8000-000000000000", nil, office, 404, slip.CodeNotFound},
		{"action on unknown slip", "POST", "/api/v1/slips/0190a0a0-0000-7000-8000-000000000000/acknowledge", nil, office, 404, slip.CodeNotFound},
		{"review without verdict", "POST", "/api/v1/slips/" + sl.ID + "/review", map[string]any{"comment": "?"}, office, 400, slip.CodeInvalidField},
		{"empty progress", "POST", "/api/v1/slips/" + sl.ID + "/progress", map[string]any{"text": ""}, dept, 400, slip.CodeInvalidField},
		{"cancel without reason", "POST", "/api/v1/slips/" + sl.ID + "/cancel", map[string]any{}, office, 400, slip.CodeInvalidField},
		{"unknown ledger filter", "GET", "/api/v1/slips?colour=red", nil, office, 400, "unknown_parameter"},
		{"bad status filter", "GET", "/api/v1/slips?status=done", nil, office, 400, slip.CodeInvalidField},
		{"bad page size", "GET", "/api/v1/slips?page_size=100000", nil, office, 400, slip.CodeInvalidField},
		{"unknown sort", "GET", "/api/v1/slips?sort=title", nil, office, 400, slip.CodeInvalidField},
		{"cursor of another order", "GET", "/api/v1/slips?sort=due&cursor=eyJpZCI6IngifQ", nil, office, 400, slip.CodeInvalidField},
		{"bad priority filter", "GET", "/api/v1/slips?priority=asap", nil, office, 400, slip.CodeInvalidField},
		{"due range reversed", "GET", "/api/v1/slips?due_from=2026-12-01&due_to=2026-11-01", nil, office, 400, slip.CodeInvalidField},
		{"bad issued date", "GET", "/api/v1/slips?issued_from=yesterday", nil, office, 400, slip.CodeInvalidField},
		{"summary with a bad date", "GET", "/api/v1/stats/summary?from=2026-02-30", nil, office, 400, slip.CodeInvalidField},
		{"summary as a grouping", "GET", "/api/v1/stats/closure?group_by=all", nil, office, 400, slip.CodeInvalidField},
		{"ranking of a bad month", "GET", "/api/v1/rankings?month=2026-1", nil, office, 400, slip.CodeInvalidField},
		{"ranking of a future month", "GET", "/api/v1/rankings?month=2099-01", nil, office, 422, "month_not_started"},
		{"adjustment of zero", "POST", "/api/v1/rankings/adjustments", map[string]any{"month": "2026-01", "department_code": "zjj", "points": 0, "reason": "无"}, office, 400, slip.CodeInvalidField},
		{"adjustment with two decimals", "POST", "/api/v1/rankings/adjustments", map[string]any{"month": "2026-01", "department_code": "zjj", "points": 1.25, "reason": "表扬"}, office, 400, slip.CodeInvalidField},
		{"adjustment without reason", "POST", "/api/v1/rankings/adjustments", map[string]any{"month": "2026-01", "department_code": "zjj", "points": 2, "reason": " "}, office, 400, slip.CodeInvalidField},
		{"adjustment of an unknown department", "POST", "/api/v1/rankings/adjustments", map[string]any{"month": "2026-01", "department_code": "ghost", "points": 2, "reason": "表扬"}, office, 422, slip.CodeUnknownDepartment},
		{"adjustment by a department", "POST", "/api/v1/rankings/adjustments", map[string]any{"month": "2026-01", "department_code": "zjj", "points": 2, "reason": "自己加分"}, dept, 403, slip.CodeForbidden},
		{"publishing a running month", "POST", "/api/v1/rankings/" + time.Now().In(calendar.Zone).Format("2006-01") + "/publish", nil, office, 422, "month_not_ended"},
		{"bad cursor", "GET", "/api/v1/slips?cursor=!!", nil, office, 400, slip.CodeInvalidField},
		{"bad group_by", "GET", "/api/v1/stats/closure?group_by=weather", nil, office, 400, slip.CodeInvalidField},
		{"unknown route", "GET", "/api/v1/nothing", nil, nil, 404, "not_found"},
		{"duplicate department", "POST", "/api/v1/departments", map[string]string{"code": "zjj", "name": "重复"}, admin, 409, slip.CodeDuplicate},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var before ledgerPage
			s.must(t, http.StatusOK, "GET", "/api/v1/slips", nil, office...).json(t, &before)
			var beforeSlip slipView
			s.must(t, http.StatusOK, "GET", "/api/v1/slips/"+sl.ID, nil, office...).json(t, &beforeSlip)

			r := s.do(t, c.method, c.path, c.body, c.headers...)
			if r.status != c.status {
				t.Fatalf("status %d, want %d: %s", r.status, c.status, r.body)
			}
			if code := r.errorCode(t); code != c.code {
				t.Fatalf("code %q, want %q: %s", code, c.code, r.body)
			}

			var after ledgerPage
			s.must(t, http.StatusOK, "GET", "/api/v1/slips", nil, office...).json(t, &after)
			var afterSlip slipView
			s.must(t, http.StatusOK, "GET", "/api/v1/slips/"+sl.ID, nil, office...).json(t, &afterSlip)
			if after.Total != before.Total || afterSlip.Seq != beforeSlip.Seq || afterSlip.Status != beforeSlip.Status {
				t.Fatalf("refused request changed the ledger: total %d→%d, seq %d→%d", before.Total, after.Total, beforeSlip.Seq, afterSlip.Seq)
			}
		})
	}
	var depts struct {
		Items []struct {
			Code string `json:"code"`
			Name string `json:"name"`
		} `json:"items"`
	}
	s.must(t, http.StatusOK, "GET", "/api/v1/departments", nil, office...).json(t, &depts)
	if len(depts.Items) != 3 {
		t.Fatalf("departments after refusals: %+v", depts.Items)
	}
}
