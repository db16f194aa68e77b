package browsertest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/slip"
)

// trackRow selects one unit's part of a slip in a tracks table.
func trackRow(container, id, dept string) string {
	return fmt.Sprintf(`%s table.tracks tr[data-slip-id="%s"][data-department="%s"]`, container, id, dept)
}

// TestTracksInTheBrowser runs the scenario by clicking: a slip
// with lead 住建局 and co-units 发改委 and 交通局. 交通局 refuses its part;
// the office finds it in the 退回 queue and reassigns it to 卫健委 with a
// deadline of today; the lead is not offered 申请办结 while co-units are
// open (the API's 409 is TestTracksOverHTTP's); 发改委 completes; a day later 卫健委's part is overdue
// and the slip turns 红; 卫健委 completes late; the lead resolves, the
// office sees every unit's part at review, passes and signs off.
func TestTracksInTheBrowser(t *testing.T) {
	exe := chromiumPath(t)
	sys := startSystem(t)
	ctx := context.Background()
	if _, err := sys.store.CreateDepartment(ctx, slip.Department{Code: "wjj", Name: "市卫生健康委员会"}); err != nil {
		t.Fatal(err)
	}
	hash, err := identity.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sys.store.CreateUser(ctx, identity.User{Login: "wjj", Name: "卫健委孙丽", Role: slip.RoleDepartment, Department: "wjj"}, hash); err != nil {
		t.Fatal(err)
	}
	b := startBrowser(t, exe, sys.url)
	today := beijingNow().Format(time.DateOnly)
	deadline := beijingNow().AddDate(0, 0, 30).Format(time.DateOnly)
	title := "背街小巷环境整治（分单位办理）"

	b.login("office", "/office")
	b.do("issue a slip to a lead and two co-units",
		set(`#issue-form [name="title"]`, title),
		set(`#issue-form [name="lead_department"]`, "zjj"),
		click(`#issue-form input[name="co_departments"][value="fgw"]`),
		click(`#issue-form input[name="co_departments"][value="jtj"]`),
		set(`#issue-form [name="deadline"]`, deadline),
		click("#issue-submit"),
		until(`document.querySelector('#issue-result a.issued-link')`),
	)
	id := eval[string](b, `document.querySelector('#issue-result a.issued-link').dataset.slipId`)
	b.logout()

	// 交通局 refuses its part: not its business.
	b.login("jtj", "/department")
	act(b, "main", id, "refuse", `[name="reason"]`, "职责不符，应由卫健委承办")
	b.shot("20-department-refused")
	b.logout()

	// 督查室: the 退回 queue shows the refusal; reassign to 卫健委, due today.
	b.login("office", "/office")
	b.do("see the refusal in the 退回 queue",
		until(`(document.querySelector('`+trackRow("#queue-refusals", id, "jtj")+` .notes') || {}).textContent === '退回理由：职责不符，应由卫健委承办'`))
	b.shot("21-office-refusal-queue")
	actRow(b, trackRow("#queue-refusals", id, "jtj"), "reassign", `[name="new_department"]`, "wjj", `[name="deadline"]`, today)
	b.do("the queue is empty again", until(`document.querySelector('#queue-refusals .empty')`))
	b.logout()

	// 交通局 no longer sees the slip.
	b.login("jtj", "/department")
	b.open("/slips/" + id)
	b.do("交通局 is told the slip does not exist", chromedp.WaitVisible(chromedp.CSS("#slip-missing")))
	b.logout()

	// 住建局 signs; resolving is refused while co-units are open.
	b.login("zjj", "/department")
	act(b, "main", id, "acknowledge")
	b.do("no 申请办结 while co-units are open",
		until(`document.querySelector('`+row("main", id)+` button[data-action="progress"]') && !document.querySelector('`+row("main", id)+` button[data-action="resolve"]')`))
	act(b, "main", id, "progress", `[name="text"]`, "已整治 40 条背街小巷", `[name="problems"]`, "部分路段管线老化",
		`[name="measures"]`, "更换老旧管线｜市住房和城乡建设局、市卫生健康委员会｜"+deadline)
	b.logout()

	// 发改委 completes its part on time.
	b.login("fgw", "/department")
	act(b, "main", id, "co_acknowledge")
	act(b, "main", id, "complete_part", `[name="summary"]`, "资金已安排")
	b.logout()

	// A day later 卫健委's part (due today) is overdue: its queue and the
	// slip turn 红.
	sys.ahead.Store(int64(36 * time.Hour))
	b.login("wjj", "/department")
	b.do("卫健委 sees the slip in 红", chromedp.WaitVisible(chromedp.CSS(row("#slips-red", id))))
	act(b, "#slips-red", id, "co_acknowledge")
	act(b, "main", id, "complete_part", `[name="summary"]`, "已完成（逾期）")
	b.logout()

	// 住建局 resolves; 督查室 sees every part at review, passes, signs off.
	b.login("zjj", "/department")
	act(b, "main", id, "resolve", `[name="summary"]`, "100 条背街小巷全部整治", `[name="evidence"]`, "验收报告.pdf")
	b.logout()
	b.login("office", "/office")
	b.do("review shows each co-unit's part",
		until(`(document.querySelector('`+row("#queue-review", id)+` ul.parts li[data-department="wjj"]') || {}).textContent === '市卫生健康委员会（已完成）：已完成（逾期）'`))
	act(b, "#queue-review", id, "pass_review", `[name="comment"]`, "各单位均已完成")
	act(b, "#queue-signoff", id, "sign_off", `[name="grade"]`, "satisfied", `[name="comment"]`, "同意销号")
	b.open("/slips/" + id)
	b.do("the slip page shows every unit's part",
		until(`document.body.dataset.status === 'closed'`),
		until(`document.querySelectorAll('table.tracks tr.track').length === 4`),
		until(`document.querySelector('`+trackRow("main", id, "jtj")+`').dataset.status === 'replaced'`),
		until(`document.querySelector('`+trackRow("main", id, "wjj")+` .report-achieved').textContent === '已完成（逾期）'`),
		until(`document.querySelector('`+trackRow("main", id, "zjj")+` .report-achieved').textContent === '100 条背街小巷全部整治'`),
		until(`document.querySelector('.timeline .event-reassign .detail').textContent.includes('改派给：市卫生健康委员会')`))
	b.shot("22-slip-tracks")
}
