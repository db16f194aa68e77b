package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/internal/testcal"
	"github.com/duban-gov/duban/sheetimport/sheettest"
)

// apiCall runs D.api on the page (the signed-in user's session and CSRF
// token) and answers the JSON of the result, or the error's code.
func apiCall(b *browser, method, path, body string) string {
	b.t.Helper()
	if body == "" {
		body = "undefined"
	}
	return eval[string](b, fmt.Sprintf(`D.api(%q, %q, %s).then(r => JSON.stringify(r), e => 'error:' + e.code)`, method, path, body), chromedp.EvalAwaitPromise)
}

// TestPortfolioInTheBrowser: the office sets up an 产业项目 template and
// registers three projects (one planned backwards from its end date, one
// with a 立项 already past its date, one imported from a project list on
// the page, previewed and confirmed); 发改委 reports its 立项 met from the
// project's page. The
// leader's 挂图作战 page then counts "3 个项目 / 1 个已开工 / 0 个已销号"
// with one red, draws the Gantt chart (a bar per milestone and a today
// line) at desktop width and at a 390 px phone width without sideways
// scrolling, and narrows to a batch; 交通局 sees only its own project and
// gets 404 for another's.
func TestPortfolioInTheBrowser(t *testing.T) {
	exe := chromiumPath(t)
	// Planned backwards in working days from an end date months ahead,
	// which may lie in a year whose holidays are not shipped yet.
	sys := startSystem(t, testcal.YearFiles(t)...)
	// Dates relative to today: one project's 立项 past (red), the others'
	// still ahead (green) whatever day the test runs.
	today := time.Now().In(calendar.Zone)
	day := func(days int) string { return today.AddDate(0, 0, days).Format(time.DateOnly) }
	end := day(150)
	leader, _, err := sys.store.UserByLogin(context.Background(), "leader")
	if err != nil {
		t.Fatal(err)
	}
	b := startBrowser(t, exe, sys.url)
	b.login("office", "/office")
	cat := `{"name":"产业项目","nodes":[{"key":"lixiang","name":"立项","offset_working_days":20},{"key":"kaigong","name":"开工","offset_working_days":10,"depends_on":["lixiang"]},{"key":"zhuti","name":"主体完工","offset_working_days":5},{"key":"touchan","name":"投产","offset_working_days":0}],"attributes":[{"name":"用地面积","type":"number"}]}`
	if got := apiCall(b, "PUT", "/project-categories/industry", cat); got[:5] == "error" {
		t.Fatalf("category: %s", got)
	}
	create := func(name, batch, owner, milestones string) string {
		body := fmt.Sprintf(`{"name":%q,"category":"industry","batch":%q,"owner_unit":%q,"leader_id":%d,"investment":1250000,"attributes":{"用地面积":"120"},"end_date":%q%s}`,
			name, batch, owner, leader.ID, end, milestones)
		got := apiCall(b, "POST", "/projects", body)
		if got[:5] == "error" {
			t.Fatalf("create %s: %s", name, got)
		}
		return eval[string](b, `JSON.parse(`+jsString(got)+`).id`)
	}
	p1 := create("新能源电池产业园", "第一批", "fgw", "")
	p2 := create("城东污水处理厂", "第二批", "zjj", fmt.Sprintf(`,"milestones":[{"key":"lixiang","planned":%q},{"key":"kaigong","planned":%q},{"key":"zhuti","planned":%q},{"key":"touchan","planned":%q}]`,
		day(-14), day(20), day(40), end))
	// The third comes from a project list, previewed and confirmed on the
	// page: no 节点 columns, so its milestones are planned backwards.
	list, err := sheettest.XLSX("重点项目清单", []string{"项目名称", "项目类别", "批次", "责任单位", "责任领导", "总投资（万元）", "计划完成时间"},
		[][]string{{"智慧交通平台", "产业项目", "第一批", "市交通运输局", "王副市长", "3000", end}})
	if err != nil {
		t.Fatal(err)
	}
	listPath := filepath.Join(t.TempDir(), "重点项目清单.xlsx")
	if err := os.WriteFile(listPath, list, 0o600); err != nil {
		t.Fatal(err)
	}
	b.open("/portfolio")
	b.do("import a project list",
		chromedp.SetUploadFiles(chromedp.CSS(`#pf-import-file`), []string{listPath}, chromedp.NodeReady),
		until(`document.querySelector('#pf-import-summary') && document.querySelector('#pf-import-summary').textContent.includes('1 个项目，0 个需修正')`),
		until(`document.querySelector('#pf-import-preview').textContent.includes('（倒排）')`),
		click(`#pf-import-confirm`),
		until(`document.querySelector('#pf-import-preview').textContent.includes('已登记 1 个项目')`),
		until(`document.querySelector('#pf-summary').textContent === '3 个项目 / 0 个已开工 / 0 个已销号'`),
	)
	b.shot("33-portfolio-import")
	b.logout()

	b.login("fgw", "/department")
	b.open("/projects/" + p1)
	row := `#pj-milestones tr[data-milestone="lixiang"]`
	b.do("发改委 reports 立项 met on the project's page",
		until(`document.querySelector('`+row+` button[data-action="report"]')`),
		until(`!document.querySelector('`+row+` button[data-action="accept"]')`),
		click(row+` button[data-action="report"]`),
		set(`#pj-form textarea[name="evidence"]`, "立项批复.pdf"),
		click(`#pj-form .action-submit`),
		until(`document.querySelector('`+row+` td.ms-status').textContent === '已完成待验收'`),
		until(`document.querySelector('#pj-timeline').textContent.includes('节点完成（立项）')`),
	)
	b.shot("32-project-page")
	b.logout()

	b.login("leader", "/dashboard")
	b.do("the dashboard's compact 挂图作战",
		until(`document.querySelector('#dash-projects-summary').textContent === '3 个项目 / 1 个已开工 / 0 个已销号'`),
		until(`document.body.dataset.projectsReady === 'true' && echarts.getInstanceByDom(document.querySelector('#chart-projects')).getOption().yAxis[0].data[0] === '城东污水处理厂'`),
	)
	chartDrawn := `document.body.dataset.chartsReady === 'true' && document.querySelector('#chart-gantt canvas') && document.querySelector('#chart-gantt canvas').width > 0 &&
		echarts.getInstanceByDom(document.querySelector('#chart-gantt')).getOption().series[0].data.length === %d`
	b.desktop()
	b.open("/portfolio")
	b.do("the portfolio's counts and chart",
		until(`document.querySelector('#pf-summary').textContent === '3 个项目 / 1 个已开工 / 0 个已销号'`),
		until(`Array.from(document.querySelectorAll('#pf-counters .counter.red b')).some(x => x.textContent === '1')`),
		until(fmt.Sprintf(chartDrawn, 12)),
		until(`document.querySelectorAll('#pf-table tbody tr[data-project-id]').length === 3`),
		until(`document.querySelector('#pf-table tr[data-project-id="`+p2+`"] .badge').textContent === '红'`),
	)
	b.shot("30-portfolio")
	b.phone()
	b.open("/portfolio")
	b.do("the portfolio on a phone", until(fmt.Sprintf(chartDrawn, 12)))
	b.fitsPhone("/portfolio")
	b.shot("31-portfolio-phone")
	b.desktop()
	b.open("/portfolio?batch=" + "第一批")
	b.do("one batch",
		until(`document.querySelector('#pf-summary').textContent === '2 个项目 / 1 个已开工 / 0 个已销号'`),
		until(fmt.Sprintf(chartDrawn, 8)),
	)
	b.logout()

	b.login("jtj", "/department")
	b.open("/portfolio")
	b.do("a department sees its own",
		until(`document.querySelector('#pf-summary').textContent === '1 个项目 / 0 个已开工 / 0 个已销号'`),
		until(fmt.Sprintf(chartDrawn, 4)))
	if got := apiCall(b, "GET", "/projects/"+p2, ""); got != "error:not_found" {
		t.Fatalf("交通局 reading 住建局's project: %s", got)
	}
	b.do("交通局 opens 住建局's project page", chromedp.Navigate(b.base+"/projects/"+p2),
		until(`document.body.dataset.loaded === 'true' && document.querySelector('#main').textContent.includes('项目不存在')`))
}
