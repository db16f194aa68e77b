package browsertest

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/duban-gov/duban/internal/seed"
)

// TestOfficePublishesAMonthsList: on the seed's indicators and lists, the
// office opens November's 区级综合评价榜, sees 藤桥镇 first among the towns
// and 郭溪镇 as 暂无数据 (not on the 黑榜), gives 泽雅镇 a 加分 of 1 for its
// flood work — which ties it with 藤桥镇 at 91, both ranked 1st and both on
// the 红榜 — and publishes the month (two clicks); the page then says the
// list is frozen and refuses further adjustments. A department sees the
// published list too, and its indicator board and reporting form; the
// leader's dashboard lists the three lists.
func TestOfficePublishesAMonthsList(t *testing.T) {
	exe := chromiumPath(t)
	sys := startSystem(t)
	if err := seed.LoadIndicators(context.Background(), sys.store, time.Now()); err != nil {
		t.Fatal(err)
	}
	b := startBrowser(t, exe, sys.url)
	b.login("office", "/office")
	b.open("/lists?list=" + seed.DistrictList + "&month=" + seed.SeedMonth)
	towns := `#list-groups section[data-group="乡镇"]`
	b.do("the live list",
		until(`document.body.dataset.listSource === 'live'`),
		until(`document.querySelector('`+towns+` tr[data-member="tengqiao"] td.rank').textContent === '1'`),
		until(`document.querySelector('`+towns+` tr[data-member="zeya"] td.rank').textContent === '2'`),
		until(`document.querySelector('`+towns+` tr[data-member="guoxi"] td.board').textContent === '暂无数据'`),
		until(`!document.querySelector('`+towns+` .black-list li[data-member="guoxi"]')`),
	)
	b.do("add a 加分 for 泽雅镇",
		set(`#adj-member`, "zeya"), set(`#adj-points`, "1"), set(`#adj-reason`, "防汛防台表现突出"),
		click(`#adj-add`),
		until(`document.querySelector('`+towns+` tr[data-member="zeya"] td.rank').textContent === '1'`),
		until(`document.querySelector('`+towns+` tr[data-member="zeya"] td.total').textContent === '91.00'`),
		until(`document.querySelector('`+towns+` tr[data-member="tengqiao"] td.rank').textContent === '1'`),
		until(`document.querySelectorAll('`+towns+` .red-list li').length === 2`),
		until(`document.querySelector('#adj-list').textContent.includes('防汛防台表现突出')`),
	)
	b.shot("14-office-list-review")
	b.do("publish",
		click(`#list-publish`), until(`document.querySelector('#list-publish').dataset.armed === 'true'`),
		click(`#list-publish`),
		until(`document.body.dataset.listSource === 'snapshot'`),
		until(`document.querySelector('#list-source').textContent.includes('已冻结')`),
		until(`document.querySelector('#adj-add').disabled`),
		until(`document.querySelector('`+towns+` tr[data-member="zeya"] td.board').textContent === '红榜'`),
		until(`document.querySelector('#list-export').href.endsWith('/api/v1/lists/`+seed.DistrictList+`/`+seed.SeedMonth+`/export')`),
	)
	b.shot("15-office-list-published")
	if v := eval[string](b, `fetch('/api/v1/lists/`+seed.DistrictList+`/`+seed.SeedMonth+`', {credentials: 'same-origin'}).then(r => r.json()).then(p => p.source)`, chromedp.EvalAwaitPromise); v != "snapshot" {
		t.Fatalf("after publishing, the API answers %q", v)
	}

	b.logout()
	b.login("zjj", "/department")
	b.open("/lists?list=" + seed.DistrictList + "&month=" + seed.SeedMonth)
	b.do("a department reads the published list",
		until(`document.body.dataset.listSource === 'snapshot'`),
		until(`document.querySelector('#office-review').hidden`))
	b.open("/indicators?month=" + seed.SeedMonth)
	b.do("the department's board", until(`document.querySelectorAll('#board-table tbody tr').length === 2`),
		until(`document.querySelector('#board-table tr[data-indicator="key-projects"]').dataset.colour === 'yellow'`))
	b.shot("16-indicator-board")
	b.open("/reporting?month=2026-12")
	b.do("the department's reporting form", until(`document.querySelectorAll('#report-table tbody tr[data-indicator]').length === 2`),
		set(`#report-table tr[data-indicator="key-projects"] input[name="value"]`, "12.5"),
		click(`#report-table tr[data-indicator="key-projects"] button`),
		until(`document.querySelector('#report-table tr[data-indicator="key-projects"] td.reported').textContent === '12.5'`))
	b.shot("17-unit-reporting")

	// The leader's dashboard shows last month's lists.
	b.logout()
	b.login("leader", "/dashboard")
	b.do("the lists on the dashboard", until(`document.querySelectorAll('#lists-panel [data-list]').length === 3`))
}
