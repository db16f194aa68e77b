package browsertest

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/duban-gov/duban/sheetimport/sheettest"
)

// TestMeetingImportAndPrintInTheBrowser: the office records a meeting,
// uploads its 10-row table in the import wizard, picks the unit of the one
// row whose unit is unknown, confirms, sees the ten items on the meeting
// page, and prints the meeting: the 备忘录 and ten 交办单, one per page.
func TestMeetingImportAndPrintInTheBrowser(t *testing.T) {
	exe := chromiumPath(t)
	sys := startSystem(t)
	b := startBrowser(t, exe, sys.url)

	deadline := beijingNow().AddDate(0, 1, 0).Format(time.DateOnly)
	rows := sheettest.MeetingRows(10, []string{"住建局", "发改委", "市交通运输局"}, deadline)
	rows[6][3] = "城管执法局" // no such unit
	rows[2][4] = "发改委、交通局"
	file, err := sheettest.XLSX("2026年3月晒比会现场交办事项", sheettest.Header, rows)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "晒比会交办清单.xlsx")
	if err := os.WriteFile(path, file, 0o600); err != nil {
		t.Fatal(err)
	}

	b.login("office", "/office")
	b.open("/meetings")
	b.do("record a meeting",
		set(`#meeting-form [name="title"]`, "2026年3月晒比会"),
		set(`#meeting-form [name="chair"]`, "王副市长"),
		set(`#meeting-form [name="place"]`, "市政府第一会议室"),
		set(`#meeting-form [name="attendees"]`, "各县（市、区）政府、市直各单位主要负责人"),
		click(`#meeting-create`),
		until(`location.pathname.startsWith('/meetings/') && document.body.dataset.loaded === 'true'`),
	)
	meetingPath := eval[string](b, `location.pathname`)
	b.do("open the import wizard", click(`#meeting-import`), loaded(meetingPath+"/import"))
	b.do("upload the table",
		chromedp.SetUploadFiles(chromedp.CSS(`#import-file`), []string{path}, chromedp.NodeReady),
		click(`#import-upload-button`),
		until(`document.querySelectorAll('#import-table tbody tr').length === 10`),
	)
	if n := eval[int](b, `document.querySelectorAll('#import-table tr.row-blocked').length`); n != 1 {
		t.Fatalf("%d rows blocked, want the one with the unknown unit\n%s", n, b.pageState())
	}
	if code := eval[string](b, `document.querySelector('#import-table tr[data-line="9"] li.error').dataset.code`); code != "unknown_unit" {
		t.Fatalf("line 9 flagged %q", code)
	}
	b.shot("14-meeting-import-preview")

	// Confirming before the fix is refused, and nothing is issued.
	b.do("confirm with the unknown unit", click(`#import-confirm`), until(`document.querySelector('#import-blocked').textContent.includes('第 9 行')`))
	b.do("pick the unit and confirm",
		set(`#import-table tr[data-line="9"] select.fix`, "zjj"),
		click(`#import-confirm`),
		until(`document.querySelector('#import-outcome') && document.querySelector('#import-outcome').textContent.startsWith('已交办 10 项')`),
	)
	if v := eval[string](b, `document.querySelector('#import-count').textContent`); v != "10 / 10" {
		t.Fatalf("progress shows %q", v)
	}
	b.shot("15-meeting-import-done")

	b.open(meetingPath)
	if got := eval[string](b, `document.querySelector('#meeting-assigned b').textContent + '|' + document.querySelector('#meeting-rate b').textContent + '|' + document.querySelectorAll('#meeting-items tr[data-slip-id]').length`); got != "10|0.0%|10" {
		t.Fatalf("meeting page shows %q\n%s", got, b.pageState())
	}
	b.shot("16-meeting-page")

	b.open(meetingPath + "/print")
	if got := eval[string](b, `document.querySelectorAll('#memo .memo-items tbody tr').length + '|' + document.querySelectorAll('#papers .slip-paper').length + '|' + document.querySelector('#memo').textContent.includes('王副市长')`); got != "10|10|true" {
		t.Fatalf("print view has %q (memo rows | slip papers | chair)\n%s", got, b.pageState())
	}
	if lead := eval[string](b, `Array.from(document.querySelectorAll('#papers .slip-paper')).find((p) => p.textContent.includes('第7项')).textContent`); !regexp.MustCompile(`市住房和城乡建设局`).MatchString(lead) {
		t.Fatalf("the fixed row's 交办单 does not name 住建局: %.300s", lead)
	}
	b.shot("17-meeting-print")
	pdf, err := chromedp.Run(b.ctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize(), chromedp.PDFPrintBackground()))
	if err != nil {
		t.Fatalf("print to PDF: %v", err)
	}
	pages := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1))
	if pages != 11 {
		t.Fatalf("the printed meeting has %d pages, want the 备忘录 and one page per 交办单 (11)", pages)
	}
	_ = os.WriteFile(filepath.Join(b.dir, "17-meeting-print.pdf"), pdf, 0o644)
	t.Logf("printed meeting: %d A4 pages", pages)

	// 最多督一次: a second visit to 住建局 on the same matter this month is
	// flagged and merged onto the first visit's day.
	b.open("/visits")
	plan := func(team, date string) {
		b.do("plan a visit by "+team,
			chromedp.Evaluate[chromedp.Void](`document.querySelector('#visit-clash').hidden = true`),
			set(`#visit-form [name="department"]`, "zjj"),
			set(`#visit-form [name="date"]`, date),
			set(`#visit-form [name="team"]`, team),
			set(`#visit-form [name="matters"]`, "第7项：推进重点项目建设"),
			click(`#visit-plan`),
			until(`!document.querySelector('#visit-clash').hidden`))
	}
	month := beijingNow().Format("2006-01")
	plan("第一督查组", month+"-10")
	plan("第二督查组", month+"-25")
	b.do("merge the second visit", click(`#visit-merge`), until(`document.querySelector('#visit-clash').textContent.startsWith('已合并')`),
		until(`document.querySelectorAll('#visit-table li[data-status="merged"]').length === 1`))
	b.do("open the visit's checklist", click(`#visit-table li[data-status="planned"] a`), until(`document.querySelectorAll('#visit-checklist tr[data-slip-id]').length > 0`))
	if got := eval[string](b, `document.querySelector('#visit-detail-title').textContent`); !regexp.MustCompile(`第一督查组、第二督查组`).MatchString(got) {
		t.Fatalf("merged visit reads %q", got)
	}
	b.shot("18-visit-planner")
}
