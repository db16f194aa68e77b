package browsertest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// row is the selector of a slip's row in a queue or list.
func row(container, id string) string { return fmt.Sprintf(`%s tr[data-slip-id="%s"]`, container, id) }

// act clicks an action button of a slip's row, fills the form it opens and
// submits it. fields are selector-within-form, value pairs.
func act(b *browser, container, id, action string, fields ...string) {
	b.t.Helper()
	actRow(b, row(container, id), action, fields...)
}

// actRow is act on the row r selects (a slip's, or one unit's part).
func actRow(b *browser, r, action string, fields ...string) {
	b.t.Helper()
	form := r + ` form.action-form[data-action="` + action + `"]`
	steps := []chromedp.Action[chromedp.Void]{
		// The page says "已…" in the flash once the action is applied and the
		// page redrawn; clear it first so the wait below sees this action's.
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#flash').textContent = ''`),
		click(r + ` button[data-action="` + action + `"]`),
	}
	if len(fields) > 0 {
		steps = append(steps, chromedp.WaitVisible(chromedp.CSS(form)))
		for i := 0; i+1 < len(fields); i += 2 {
			steps = append(steps, set(form+" "+fields[i], fields[i+1]))
		}
		steps = append(steps, click(form+" .action-submit"))
	}
	steps = append(steps, until(`document.querySelector('#flash.ok') && document.querySelector('#flash').textContent.startsWith('已')`))
	b.do(action+" on "+r, steps...)
}

// TestLifecycleInTheBrowser runs a slip's whole life by clicking: the office
// issues it (and a meeting's batch to other departments), the department
// signs, reports progress and resolution, the office sends it back, the
// department resolves again, the office passes review and signs off, and
// the leader's dashboard shows the department at 100.0% and the slip
// 已销号. Then a department user tries to reach another department's slip.
func TestLifecycleInTheBrowser(t *testing.T) {
	exe := chromiumPath(t) // before the system, so a skip is quick
	began := time.Now()
	sys := startSystem(t)
	b := startBrowser(t, exe, sys.url)
	deadline := beijingNow().AddDate(0, 0, 30).Format(time.DateOnly)
	title := "推进老旧小区改造（浏览器验收）"
	reason := "回头看发现 3 个小区尚未完工"

	// 督查室: log in and issue a slip to 住建局 with 发改委 helping.
	b.open("/login")
	b.shot("01-login")
	b.login("office", "/office")
	b.do("issue a slip",
		set(`#issue-form [name="title"]`, title),
		set(`#issue-form [name="content"]`, "年底前完成 120 个老旧小区改造，逐月报送进度。"),
		set(`#issue-form [name="source"]`, "2026年新春第一会"),
		set(`#issue-form [name="category"]`, "城市建设"),
		set(`#issue-form [name="priority"]`, "urgent"),
		set(`#issue-form [name="lead_department"]`, "zjj"),
		click(`#issue-form input[name="co_departments"][value="fgw"]`),
		set(`#issue-form [name="leader"]`, "王副市长"),
		set(`#issue-form [name="deadline"]`, deadline),
		click("#issue-submit"),
		until(`document.querySelector('#issue-result a.issued-link')`),
	)
	id := eval[string](b, `document.querySelector('#issue-result a.issued-link').dataset.slipId`)
	b.shot("02-office-issue")

	// A meeting's batch: two slips to other departments, in one submit.
	b.do("issue a meeting's batch",
		click(`.tab[data-tab="batch-form"]`),
		set(`#batch-form [name="batch"]`, "2026年第12次市政府常务会议"),
		set(`#batch-form [name="deadline"]`, deadline),
		set(`#batch-rows tr:nth-child(1) [name="title"]`, "优化公交线网（会议交办）"),
		set(`#batch-rows tr:nth-child(1) [name="lead_department"]`, "jtj"),
		set(`#batch-rows tr:nth-child(2) [name="title"]`, "重大项目开工清单（会议交办）"),
		set(`#batch-rows tr:nth-child(2) [name="lead_department"]`, "fgw"),
		click("#batch-submit"),
		until(`document.querySelectorAll('#batch-result li.ok').length === 2`),
		until(`document.querySelector('`+row("#queue-open", id)+`')`),
	)
	foreign := eval[string](b, `document.querySelectorAll('#batch-result li.ok a.issued-link')[0].dataset.slipId`)
	fgwSlip := eval[string](b, `document.querySelectorAll('#batch-result li.ok a.issued-link')[1].dataset.slipId`)
	b.shot("03-office-batch-and-queues")
	b.logout()

	// 住建局: sign for it, report progress, then resolution.
	b.login("zjj", "/department")
	b.do("see the new slip", chromedp.WaitVisible(chromedp.CSS(row("main", id))))
	b.shot("04-department-workspace")
	b.logout()

	// 发改委 (co-unit): signs for its part and completes it, so that the
	// lead may resolve.
	b.login("fgw", "/department")
	act(b, "main", id, "co_acknowledge")
	act(b, "main", id, "complete_part", `[name="summary"]`, "协办意见已提交")
	b.logout()
	b.login("zjj", "/department")
	act(b, "main", id, "acknowledge")
	b.do("wait for 办理中", until(`document.querySelector('`+row("main", id)+`[data-status="in_progress"]')`))
	act(b, "main", id, "progress", `[name="text"]`, "已完成 60 个小区改造")
	b.do("wait for the progress", until(`document.querySelector('#flash').textContent.includes('已报送进展')`))
	act(b, "main", id, "resolve", `[name="summary"]`, "120 个小区全部完工", `[name="evidence"]`, "验收报告.pdf\n现场照片.zip")
	b.do("wait for 待复核", until(`document.querySelector('`+row("main", id)+`[data-status="pending_review"]')`))
	b.logout()

	// 督查室: send it back at review, with a reason.
	b.login("office", "/office")
	b.do("see it in 待复核 with what was reported",
		until(`(document.querySelector('`+row("#queue-review", id)+` .resolution') || {}).textContent === '120 个小区全部完工佐证材料：验收报告.pdf；现场照片.zip'`))
	b.shot("05-office-review-queue")
	act(b, "#queue-review", id, "send_back", `[name="comment"]`, reason)
	b.do("wait until it leaves 待复核", until(`!document.querySelector('`+row("#queue-review", id)+`')`))
	b.logout()

	// 住建局: sees what was sent back and why, and resolves again.
	b.login("zjj", "/department")
	b.do("see the send-back reason",
		until(`(document.querySelector('#sent-back li[data-slip-id="`+id+`"] .reason') || {}).textContent === `+jsString(reason)))
	b.shot("06-department-sent-back")
	act(b, "main", id, "resolve", `[name="summary"]`, "3 个小区已补齐，全部完工", `[name="evidence"]`, "补充验收报告.pdf")
	b.do("wait for 待复核 again", until(`document.querySelector('`+row("main", id)+`[data-status="pending_review"]')`))
	b.logout()

	// 督查室: pass the review and sign off.
	b.login("office", "/office")
	act(b, "#queue-review", id, "pass_review", `[name="comment"]`, "复核属实")
	b.do("wait for 待销号", chromedp.WaitVisible(chromedp.CSS(row("#queue-signoff", id))))
	act(b, "#queue-signoff", id, "sign_off", `[name="grade"]`, "satisfied", `[name="comment"]`, "同意销号")
	b.do("wait until it leaves 待销号", until(`!document.querySelector('`+row("#queue-signoff", id)+`') && !document.querySelector('`+row("#queue-open", id)+`')`))

	// The ledger, the slip and its paper form show the closed slip.
	b.open("/ledger?department=zjj")
	b.do("the ledger lists it as 已销号", until(`document.querySelector('`+row("#ledger-table", id)+`[data-status="closed"] .status-closed')`))
	if href := eval[string](b, `document.querySelector('#export-xlsx').getAttribute('href')`); href != "/api/v1/slips/export?department=zjj&format=xlsx" {
		t.Errorf("export link %q", href)
	}
	// The export buttons download with the page's session.
	for _, link := range []struct{ id, want string }{{"#export-xlsx", "spreadsheetml"}, {"#export-csv", "text/csv"}} {
		got := eval[string](b, `fetch(document.querySelector('`+link.id+`').href).then(r => r.status + ' ' + r.headers.get('content-type'))`, chromedp.EvalAwaitPromise)
		if !strings.HasPrefix(got, "200 ") || !strings.Contains(got, link.want) {
			t.Errorf("%s downloads %q", link.id, got)
		}
	}
	b.shot("07-ledger")
	b.open("/slips/" + id + "/print")
	b.do("the print view is the paper form",
		until(`document.querySelector('.paper-title') && document.querySelector('.paper-table').textContent.includes(`+jsString(title)+`)`))
	b.shot("08-print-view")
	b.open("/slips/" + id)
	b.do("the detail shows it 已销号 with the send-back on its timeline",
		until(`document.querySelector('#slip-status').textContent === '已销号'`),
		until(`Array.from(document.querySelectorAll('.timeline li[data-type="send_back"]')).some(li => li.textContent.includes(`+jsString(reason)+`))`),
		until(`document.querySelector('.field-配合单位').textContent === '市发展和改革委员会'`),
		until(`document.querySelector('.action-bar').textContent.includes('无需操作')`),
	)
	b.shot("09-slip-detail")
	b.logout()

	// 领导: the dashboard shows 住建局 at 100.0% and the slip 已销号.
	b.login("leader", "/dashboard")
	b.do("the dashboard shows 100.0% and 已销号",
		until(`(document.querySelector('#dept-table tr[data-department="zjj"] .closure-rate') || {}).textContent === '100.0%'`),
		until(`(document.querySelector('`+row("#closed-list", id)+` .status-closed') || {}).textContent === '已销号'`),
		until(`document.querySelector('#ranking').textContent !== ''`),
		until(`document.body.dataset.chartsReady === 'true'`),
		// A few units' closure rates are all shown, without a slider.
		until(`echarts.getInstanceByDom(document.querySelector('#chart-closure')).getOption().dataZoom.length === 0`),
	)
	b.shot("10-leader-dashboard")
	b.logout()

	// 住建局 cannot reach 交通局's slip: not by its URL, not in the ledger.
	t.Run("department isolation", func(t *testing.T) {
		defer b.reportTo(t)()
		b.login("zjj", "/department")
		b.open("/slips/" + foreign)
		if got := eval[string](b, `document.querySelector('#slip-missing h1').textContent`); got != "交办单不存在" {
			t.Errorf("another department's slip shows %q", got)
		}
		if eval[bool](b, `document.body.innerText.includes('优化公交线网')`) {
			t.Error("another department's slip title is on the page")
		}
		b.shot("11-foreign-slip-not-found")
		b.open("/slips/" + foreign + "/print")
		if !eval[bool](b, `document.querySelector('#paper').textContent.includes('不存在')`) {
			t.Error("the print view of another department's slip does not say it does not exist")
		}
		b.open("/ledger")
		if !eval[bool](b, `!!document.querySelector('`+row("#ledger-table", id)+`')`) {
			t.Error("the department's own slip is missing from its ledger")
		}
		if eval[bool](b, `!!document.querySelector('`+row("#ledger-table", foreign)+`')`) {
			t.Error("another department's slip is in the ledger")
		}
		b.open("/ledger?q=" + "公交")
		if n := eval[int](b, `document.querySelectorAll('#ledger-table tr[data-slip-id]').length`); n != 0 {
			t.Errorf("a search finds %d slips of other departments", n)
		}
		b.logout()
	})

	// 发改委 asks for more time; the office approves it and withdraws
	// 交通局's slip.
	t.Run("extension and cancel", func(t *testing.T) {
		defer b.reportTo(t)()
		later := beijingNow().AddDate(0, 0, 45).Format(time.DateOnly)
		b.login("fgw", "/department")
		act(b, "main", fgwSlip, "request_extension", `[name="reason"]`, "项目审批手续尚未办结", `[name="deadline"]`, later)
		b.do("the slip shows 延期待批", chromedp.WaitVisible(chromedp.CSS(row("main", fgwSlip)+" .badge.pending")))
		b.logout()
		b.login("office", "/office")
		b.do("the request is in 延期申请", until(`(document.querySelector('`+row("#queue-extension", fgwSlip)+`') || {}).textContent.includes('项目审批手续尚未办结')`))
		act(b, "#queue-extension", fgwSlip, "decide_extension", `[name="comment"]`, "同意延期")
		b.do("the new deadline is in force",
			until(`!document.querySelector('`+row("#queue-extension", fgwSlip)+`')`),
			until(`document.querySelector('`+row("#queue-open", fgwSlip)+`').textContent.includes(`+jsString(later+"（原 "+deadline+"）")+`)`))
		act(b, "#queue-open", foreign, "cancel", `[name="reason"]`, "会议决定另行安排")
		b.do("the withdrawn slip leaves the open list", until(`!document.querySelector('`+row("#queue-open", foreign)+`')`))
		b.logout()
	})

	// The 红黑榜 panel renders a fixed GET /rankings answer exactly (null
	// rates, an adjustment, both lists).
	t.Run("ranking panel", func(t *testing.T) {
		defer b.reportTo(t)()
		sys.rankings.Store(&rankingsJSON)
		defer sys.rankings.Store(nil)
		b.login("leader", "/dashboard")
		b.do("红榜 and 黑榜 are shown",
			until(`(document.querySelector('#ranking .red-list li[data-department="zjj"]') || {}).textContent === '1市住房和城乡建设局92.3 分销号率 100.0%'`),
			until(`document.querySelector('#ranking .black-list li[data-department="jtj"]') && document.querySelector('#ranking-month').textContent === '2026-11 · 实时计算'`),
			until(`document.querySelector('#ranking .rank-table tr[data-department="jtj"]').textContent === '3市交通运输局12.5—————0-5'`),
			until(`document.body.dataset.chartsReady === 'true'`))
		b.shot("12-leader-dashboard-ranking")
		b.logout()
	})
	t.Logf("browser scenario took %s", time.Since(began).Round(time.Millisecond))
}

// rankingsJSON is an answer of GET /api/v1/rankings in the shape the
// rankings endpoint promises (rates may be null).
var rankingsJSON = `{"month":"2026-11","source":"live","taken_at":null,
 "weights":{"closure_rate":0.4,"on_time_rate":0.3,"ack_timely_rate":0.2,"rework_rate":0.1},
 "entries":[
  {"rank":1,"department_code":"zjj","department_name":"市住房和城乡建设局","score":92.3,"assigned":1,"closed":1,"closure_rate":100.0,"on_time_rate":100.0,"ack_timely_rate":100.0,"rework_rate":100.0,"overdue_open":0,"adjustment":0},
  {"rank":2,"department_code":"fgw","department_name":"市发展和改革委员会","score":40.0,"assigned":1,"closed":0,"closure_rate":0.0,"on_time_rate":null,"ack_timely_rate":null,"rework_rate":null,"overdue_open":0,"adjustment":0},
  {"rank":3,"department_code":"jtj","department_name":"市交通运输局","score":12.5,"assigned":1,"closed":0,"closure_rate":null,"on_time_rate":null,"ack_timely_rate":null,"rework_rate":null,"overdue_open":0,"adjustment":-5}],
 "red_list":[{"rank":1,"department_code":"zjj","department_name":"市住房和城乡建设局","score":92.3,"assigned":1,"closed":1,"closure_rate":100.0,"on_time_rate":100.0,"ack_timely_rate":100.0,"rework_rate":100.0,"overdue_open":0,"adjustment":0}],
 "black_list":[{"rank":3,"department_code":"jtj","department_name":"市交通运输局","score":12.5,"assigned":1,"closed":0,"closure_rate":null,"on_time_rate":null,"ack_timely_rate":null,"rework_rate":null,"overdue_open":0,"adjustment":-5}]}`
