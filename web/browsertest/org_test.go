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

// TestLevelsAndLeaderInTheBrowser: 镇A's own supervision office issues to
// a village of 镇A by the office form, is refused a village of 镇B, and
// cannot open 镇B's slip or find it in its ledger; a leader opens 我的事项
// and sees their overdue slip first, on a desktop and on a 390 px phone;
// the office sets up a 专班 on 专班与层级.
func TestLevelsAndLeaderInTheBrowser(t *testing.T) {
	exe := chromiumPath(t)
	sys := startSystem(t)
	ctx := context.Background()
	for _, d := range []slip.Department{
		{Code: "zA", Name: "镇A"}, {Code: "zB", Name: "镇B"},
		{Code: "vA1", Name: "镇A甲村", ParentCode: "zA"}, {Code: "vB1", Name: "镇B乙村", ParentCode: "zB"},
	} {
		if _, err := sys.store.CreateDepartment(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	hash, err := identity.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sys.store.CreateUser(ctx, identity.User{Login: "townA", Name: "镇A督查办", Role: slip.RoleOffice, Scope: "zA"}, hash); err != nil {
		t.Fatal(err)
	}
	leader, _, err := sys.store.UserByLogin(ctx, "leader")
	if err != nil {
		t.Fatal(err)
	}
	b := startBrowser(t, exe, sys.url)
	today := beijingNow().Format(time.DateOnly)
	later := beijingNow().AddDate(0, 0, 30).Format(time.DateOnly)

	// The city office issues 镇B's slip and two for the leader: one due
	// today (overdue once the clock moves), one in a month, issued after it.
	b.login("office", "/office")
	issue := func(title, lead, deadline string) string {
		return eval[string](b, fmt.Sprintf(`D.api('POST', '/slips', {title: %q, content: '按期完成', lead_department: %q,
			leader_id: %d, deadline: %q}).then(s => s.id)`, title, lead, leader.ID, deadline), chromedp.EvalAwaitPromise)
	}
	foreign := issue("乙村道路硬化", "vB1", later)
	late := issue("甲村污水管网（今日到期）", "vA1", today)
	calm := issue("全市河道清淤（下月到期）", "zjj", later)
	b.do("专班与层级: set up a 专班",
		chromedp.Navigate(sys.url+"/org"), loaded("/org"),
		set(`#tf-form [name="code"]`, "zb-belt"),
		set(`#tf-form [name="name"]`, "风景带建设专班"),
		set(`#tf-form [name="lead_unit"]`, "zjj"),
		set(`#tf-form [name="leader_id"]`, fmt.Sprint(leader.ID)),
		click(`#tf-form input[name="members"][value="fgw"]`),
		click("#tf-submit"),
		until(`document.querySelector('#tf-list tr[data-code="zb-belt"]')`),
		until(`document.querySelector('#tf-list tr[data-code="zb-belt"]').textContent.includes('王副市长')`),
	)
	b.shot("30-org-taskforce")
	b.logout()

	// 镇A's office: issues to its village; 镇B's village is refused.
	b.login("townA", "/office")
	b.do("issue to a village of 镇A",
		set(`#issue-form [name="title"]`, "甲村人居环境整治"),
		set(`#issue-form [name="content"]`, "一村一战令：月底前完成"),
		set(`#issue-form [name="lead_department"]`, "vA1"),
		set(`#issue-form [name="deadline"]`, later),
		click("#issue-submit"),
		until(`document.querySelector('#issue-result a.issued-link')`),
	)
	b.shot("31-town-office-issue")
	b.do("issue to a village of 镇B",
		set(`#issue-form [name="title"]`, "越级交办"),
		set(`#issue-form [name="content"]`, "越级交办的事项"),
		set(`#issue-form [name="lead_department"]`, "vB1"),
		set(`#issue-form [name="deadline"]`, later),
		click("#issue-submit"),
		until(`document.querySelector('#issue-result').textContent.includes('管辖范围内：vB1')`),
	)
	b.open("/slips/" + foreign)
	if got := eval[string](b, `document.querySelector('#slip-missing h1').textContent`); got != "交办单不存在" {
		t.Errorf("镇B's slip shows %q to 镇A's office", got)
	}
	if eval[bool](b, `document.body.innerText.includes('乙村道路硬化')`) {
		t.Error("镇B's slip title is on 镇A's page")
	}
	b.shot("32-town-foreign-slip")
	b.open("/ledger")
	b.do("镇A's ledger", until(`document.querySelector('#ledger-table tr[data-slip-id="`+late+`"]')`))
	if eval[bool](b, `!!document.querySelector('#ledger-table tr[data-slip-id="`+foreign+`"]') || document.body.innerText.includes('乙村道路硬化')`) {
		t.Error("镇B's slip is in 镇A's ledger")
	}
	if eval[bool](b, `!!document.querySelector('#ledger-table tr[data-slip-id="`+calm+`"]')`) {
		t.Error("a city bureau's slip is in 镇A's ledger")
	}
	b.logout()

	// Two days on, the leader's 我的事项: the overdue slip first.
	sys.ahead.Store(int64(48 * time.Hour))
	b.login("leader", "/dashboard")
	for _, size := range []string{"desktop", "phone"} {
		if size == "phone" {
			b.phone()
		}
		b.open("/leader")
		b.do("我的事项 ("+size+")",
			until(`document.querySelectorAll('#leader-slips tr[data-slip-id]').length === 3`), // 镇B's, 镇A's and the city's
			until(`document.querySelector('#leader-taskforces tr[data-code="zb-belt"]')`),
		)
		first := eval[string](b, `document.querySelector('#leader-slips tr[data-slip-id]').dataset.slipId`)
		if first != late {
			t.Errorf("%s: first item %s, want the overdue %s", size, first, late)
		}
		if got := eval[string](b, `document.querySelector('#leader-slips tr[data-slip-id] td:nth-child(5)').textContent`); got == "" || got[:3] != "红" {
			t.Errorf("%s: the first item's colour is %q", size, got)
		}
		if got := eval[string](b, `document.querySelector('#leader-counters .counter.red b').textContent`); got != "1" {
			t.Errorf("%s: red counter %q", size, got)
		}
		if size == "phone" {
			b.fitsPhone("我的事项")
			b.shot("34-leader-items-phone")
		} else {
			b.shot("33-leader-items")
		}
	}
	b.desktop()
}
