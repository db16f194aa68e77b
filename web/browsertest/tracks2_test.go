package browsertest

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/duban-gov/duban/store"
)

// fire dispatches event on the element sel selects, as a clerk's typing
// or choosing would (set changes a value without events).
func fire(sel, event string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`document.querySelector(` + jsString(sel) + `).dispatchEvent(new Event(` + jsString(event) + `, { bubbles: true }))`)
}

// TestCoDeadlinesDashboardAndBatchSheet covers the office's issue form with
// co-units' own deadlines (a deadline after the slip's is refused in
// Chinese and issues nothing; an earlier one is kept on the part), the
// dashboard's per-unit, per-role panel (/stats/tracks) and a batch's 汇总表
// screen (issue order, co-units' parts beneath, XLSX and CSV of the same
// batch, A4 landscape print), at desktop width and on a 390 px phone
// without sideways scrolling.
func TestCoDeadlinesDashboardAndBatchSheet(t *testing.T) {
	exe := chromiumPath(t)
	sys := startSystem(t)
	b := startBrowser(t, exe, sys.url)
	deadline := beijingNow().AddDate(0, 0, 30).Format(time.DateOnly)
	tooLate := beijingNow().AddDate(0, 0, 35).Format(time.DateOnly)
	early := beijingNow().AddDate(0, 0, 20).Format(time.DateOnly)
	batch := "十二月项目推进会"

	b.login("office", "/office")
	coInput := func(dept string) string {
		return `#co-deadlines input[name="co_deadline"][data-department="` + dept + `"]`
	}
	b.do("fill a slip to 住建局 with co-units 发改委 and 交通局",
		set(`#issue-form [name="title"]`, "重点项目开工（协办意见提前）"),
		set(`#issue-form [name="batch"]`, batch),
		set(`#issue-form [name="lead_department"]`, "zjj"),
		fire(`#issue-form [name="lead_department"]`, "change"),
		click(`#issue-form input[name="co_departments"][value="fgw"]`),
		click(`#issue-form input[name="co_departments"][value="jtj"]`),
		set(`#issue-form [name="deadline"]`, deadline),
		fire(`#issue-form [name="deadline"]`, "change"),
		until(`!document.querySelector('#co-deadlines').hidden && document.querySelectorAll('#co-deadlines input').length === 2`),
		until(`document.querySelector('`+coInput("jtj")+`').value === `+jsString(deadline)),
	)
	b.shot("23-issue-co-deadlines")
	b.do("a co-unit's deadline after the slip's is refused in Chinese",
		set(coInput("fgw"), tooLate),
		fire(coInput("fgw"), "input"),
		click("#issue-submit"),
		until(`document.querySelector('#issue-result.error') && document.querySelector('#issue-result').textContent === `+
			jsString("配合单位市发展和改革委员会的协办时限 "+tooLate+" 晚于办结时限 "+deadline+"，只能相同或提前")),
		until(`document.querySelector('`+coInput("fgw")+`').classList.contains('invalid')`),
	)
	if page, err := sys.store.ListSlips(context.Background(), store.Filter{PageSize: 10}); err != nil || len(page.Items) != 0 {
		t.Fatalf("a refused form issued slips: %+v (%v)", page.Items, err)
	}
	b.do("an earlier one is issued",
		set(coInput("fgw"), early),
		fire(coInput("fgw"), "input"),
		click("#issue-submit"),
		until(`document.querySelector('#issue-result a.issued-link')`),
		until(`document.querySelector('#co-deadlines').hidden`),
		until(`!document.querySelector('#issue-submit').disabled`), // the queues have reloaded
	)
	first := eval[string](b, `document.querySelector('#issue-result a.issued-link').dataset.slipId`)
	sl, err := sys.store.GetSlip(context.Background(), first)
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]string{}
	for _, tr := range sl.Tracks {
		parts[tr.Department] = sl.TrackDeadline(tr).String()
	}
	if parts["zjj"] != deadline || parts["fgw"] != early || parts["jtj"] != deadline {
		t.Fatalf("parts' deadlines %v, want 住建局 and 交通局 %s, 发改委 %s", parts, deadline, early)
	}
	b.do("a second slip of the batch, to 交通局 alone",
		set(`#issue-form [name="title"]`, "公交线网优化"),
		set(`#issue-form [name="batch"]`, batch),
		set(`#issue-form [name="lead_department"]`, "jtj"),
		set(`#issue-form [name="deadline"]`, deadline),
		fire(`#issue-form [name="deadline"]`, "change"),
		click("#issue-submit"),
		until(`document.querySelector('#issue-result a.issued-link') && document.querySelector('#issue-result a.issued-link').dataset.slipId !== `+jsString(first)),
	)
	second := eval[string](b, `document.querySelector('#issue-result a.issued-link').dataset.slipId`)
	b.logout()

	// 发改委 finishes its part with a structured report.
	b.login("fgw", "/department")
	act(b, "main", first, "co_acknowledge")
	act(b, "main", first, "complete_part", `[name="summary"]`, "协办意见已出具", `[name="problems"]`, "用地指标偏紧")
	b.logout()

	// The leader's dashboard: each unit's parts as 主办 and 协办.
	b.login("leader", "/dashboard")
	trackRow := func(dept, role string) string {
		return `#track-table tr[data-department="` + dept + `"][data-role="` + role + `"]`
	}
	text := func(sel string) string { return `(document.querySelector('` + sel + `') || {}).textContent` }
	b.do("the 主办/协办 panel counts each unit's parts",
		until(text(trackRow("fgw", "co"))+` === '市发展和改革委员会协办111000100.0%0.0%0.0%'`),
		until(text(trackRow("zjj", "lead"))+` === '市住房和城乡建设局主办100000—0.0%0.0%'`),
		until(text(trackRow("jtj", "lead"))+` === '市交通运输局主办100000—0.0%0.0%'`),
		until(text(trackRow("jtj", "co"))+` === '市交通运输局协办100000—0.0%0.0%'`),
	)
	b.shot("24-dashboard-tracks")

	// The batch's 汇总表: issue order, co-units' parts beneath their slip.
	b.open("/batch?batch=" + batch)
	b.do("the 汇总表 lists the batch",
		until(text("#batch-title")+` === `+jsString(batch+" 督办事项汇总表")),
		until(`Array.from(document.querySelectorAll('#batch-table tr.slip-line'), (r) => r.dataset.slipId).join() === `+jsString(first+","+second)),
		until(`Array.from(document.querySelectorAll('#batch-table tbody tr'), (r) => r.dataset.department || 'slip').join() === 'slip,fgw,jtj,slip'`),
		until(text(`#batch-table tr.part-line[data-department="fgw"] td.achieved`)+` === '协办意见已出具'`),
		until(text(`#batch-table tr.part-line[data-department="fgw"] td.problems`)+` === '用地指标偏紧'`),
		until(text(`#batch-table tr.part-line[data-department="fgw"] td.state`)+` === '已完成'`),
		until(text(`#batch-table tr.part-line[data-department="jtj"] td.state`)+` === '待签收'`),
	)
	b.shot("25-batch-sheet")
	got := eval[string](b, `Promise.all(['#batch-xlsx', '#batch-csv'].map((s) => fetch(document.querySelector(s).href)
		.then(async (r) => r.status + ' ' + r.headers.get('content-type') + ' ' + (s === '#batch-csv' ? (await r.text()).includes('【协办·市发展和改革委员会·已完成】协办意见已出具') : (await r.arrayBuffer()).byteLength > 1000)))).then((a) => a.join(' | '))`,
		chromedp.EvalAwaitPromise)
	if !regexp.MustCompile(`^200 application/vnd.openxmlformats-officedocument.spreadsheetml.sheet true \| 200 text/csv.* true$`).MatchString(got) {
		t.Fatalf("the batch's downloads: %s", got)
	}
	pdf, err := chromedp.Run(b.ctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize(), chromedp.PDFPrintBackground()))
	if err != nil {
		t.Fatalf("print to PDF: %v", err)
	}
	_ = os.WriteFile(filepath.Join(b.dir, "25-batch-sheet.pdf"), pdf, 0o644)
	box := regexp.MustCompile(`/MediaBox\s*\[\s*0 0 ([0-9.]+) ([0-9.]+)\s*\]`).FindSubmatch(pdf)
	if box == nil {
		t.Fatal("the printed 汇总表 has no page size")
	}
	w, _ := strconv.ParseFloat(string(box[1]), 64)
	h, _ := strconv.ParseFloat(string(box[2]), 64)
	if w < 835 || w > 848 || h < 590 || h > 600 {
		t.Fatalf("the printed 汇总表 is %.0f × %.0f pt, want A4 landscape (842 × 595)", w, h)
	}
	b.logout()

	// On a phone: the issue form with co-units' deadlines, the dashboard's
	// panel and the 汇总表 fit the screen (wide tables scroll in their box).
	b.phone()
	defer b.desktop()
	b.login("office", "/office")
	b.do("co-unit deadlines on a phone",
		click(`#issue-form input[name="co_departments"][value="fgw"]`),
		until(`!document.querySelector('#co-deadlines').hidden`))
	b.fitsPhone("the issue form with co-unit deadlines")
	b.shot("26-phone-issue-co-deadlines")
	b.open("/dashboard")
	b.do("the panel on a phone", until(`document.querySelector('`+trackRow("fgw", "co")+`')`))
	b.fitsPhone("the dashboard with the 主办/协办 panel")
	b.open("/batch?batch=" + batch)
	b.do("the 汇总表 on a phone", until(`document.querySelectorAll('#batch-table tr.slip-line').length === 2`))
	b.fitsPhone("the batch's 汇总表")
	b.shot("27-phone-batch-sheet")
	b.logout()
}
