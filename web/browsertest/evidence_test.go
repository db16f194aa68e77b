package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/slip"
)

// phoneWidth is a common phone's CSS width (iPhone 12–15).
const phoneWidth = 390

// phone and desktop switch the browser's viewport.
func (b *browser) phone() {
	b.t.Helper()
	b.do("phone viewport", chromedp.EmulateViewport(phoneWidth, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
}

func (b *browser) desktop() {
	b.t.Helper()
	b.do("desktop viewport", chromedp.EmulateViewport(1366, 900))
}

// fitsPhone fails the test when the page scrolls sideways at phone width.
func (b *browser) fitsPhone(page string) {
	b.t.Helper()
	if w := eval[int](b, `document.documentElement.scrollWidth`); w > phoneWidth {
		b.t.Errorf("%s is %d px wide at a %d px screen: it scrolls sideways", page, w, phoneWidth)
	}
}

// slipAct performs an action from a slip's own page: its button, its form
// (fields are selector-within-form, value pairs), and the flash.
func slipAct(b *browser, action string, fields ...string) {
	b.t.Helper()
	form := `#slip-view form.action-form[data-action="` + action + `"]`
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#flash').textContent = ''`),
		click(`#slip-view button[data-action="` + action + `"]`),
	}
	if len(fields) > 0 {
		steps = append(steps, chromedp.WaitVisible(chromedp.CSS(form)))
		for i := 0; i+1 < len(fields); i += 2 {
			steps = append(steps, set(form+" "+fields[i], fields[i+1]))
		}
		steps = append(steps, click(form+" .action-submit"))
	}
	steps = append(steps, until(`document.querySelector('#flash.ok') && document.querySelector('#flash').textContent.startsWith('已')`))
	b.do(action+" on the slip page", steps...)
}

// photo writes a real (decodable) JPEG photo and returns its path.
func photo(t *testing.T) string {
	img := image.NewRGBA(image.Rect(0, 0, 120, 80))
	for x := range 120 {
		for y := range 80 {
			img.Set(x, y, color.RGBA{R: uint8(x * 2), G: uint8(y * 3), B: 160, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "现场照片.jpg")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestPhoneEvidenceGradeAndReinspection: 住建局 works from a phone-sized
// page — signs for the slip, uploads a photo, applies for closure; the
// office sees the photo at review, grades 基本满意 and signs off, then
// schedules a sampled 回头看 for a 市民监督员; the citizen, on a phone, finds
// it 不合格; the leader's dashboard counts the failure and the rework.
func TestPhoneEvidenceGradeAndReinspection(t *testing.T) {
	exe := chromiumPath(t)
	sys := startSystem(t)
	hash, err := identity.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sys.store.CreateUser(context.Background(), identity.User{Login: "shimin", Name: "市民监督员刘", Role: slip.RoleCitizen}, hash); err != nil {
		t.Fatal(err)
	}
	b := startBrowser(t, exe, sys.url)
	batch := "2026年第3次督查专题会"
	deadline := beijingNow().AddDate(0, 0, 30).Format(time.DateOnly)

	// 督查室 issues the slip (the issue form is the lifecycle test's).
	b.login("office", "/office")
	id := eval[string](b, fmt.Sprintf(`D.api('POST', '/slips', {title: '整治背街小巷积水', content: '雨后积水点全部整改，附现场照片',
		source: '督查专题会', batch: %q, category: '城市建设', priority: 'urgent', lead_department: 'zjj', co_departments: [],
		leader: '王副市长', deadline: %q}).then(s => s.id)`, batch, deadline), chromedp.EvalAwaitPromise)
	b.logout()

	// 住建局 on a phone.
	b.phone()
	b.login("zjj", "/department")
	b.fitsPhone("部门工作台")
	b.open("/slips/" + id)
	slipAct(b, "acknowledge")
	b.do("the evidence card offers an upload", until(`document.querySelector('#evidence-form')`))
	b.do("upload a photo",
		chromedp.SetUploadFiles(chromedp.CSS("#evidence-file"), []string{photo(t)}, chromedp.NodeReady),
		set("#evidence-purpose", "resolution"),
		click("#evidence-upload"),
		until(`document.querySelectorAll('#evidence-list .evidence-item').length === 1`))
	slipAct(b, "resolve", `[name="summary"]`, "12 处积水点已整改", `[name="evidence"]`, "现场照片.jpg")
	b.fitsPhone("交办单（手机）")
	b.shot("14-phone-evidence-upload")
	b.logout()

	// 督查室 at review: the photo is shown and opens; 基本满意 at 销号.
	b.desktop()
	b.login("office", "/office")
	b.open("/slips/" + id)
	b.do("the photo is shown inline", until(`(document.querySelector('#evidence-list img.evidence-thumb') || {}).naturalWidth === 120`))
	if got := eval[string](b, `fetch(document.querySelector('#evidence-list a.evidence-name').href).then(r => r.status + ' ' + r.headers.get('content-type'))`, chromedp.EvalAwaitPromise); got != "200 image/jpeg" {
		t.Errorf("opening the photo: %s", got)
	}
	b.shot("15-office-review-evidence")
	b.open("/slips/" + id + "/print")
	b.do("the print view lists the photo", until(`(document.querySelector('#print-evidence li') || {}).textContent.startsWith('现场照片.jpg（办结材料')`))
	b.open("/slips/" + id)
	slipAct(b, "pass_review", `[name="comment"]`, "现场照片与报告一致")
	slipAct(b, "sign_off", `[name="grade"]`, "basic", `[name="comment"]`, "基本完成，个别点位需巩固")
	b.do("closed and graded", until(`document.body.dataset.status === 'closed'`),
		until(`(document.querySelector('#slip-view .field-销号评价') || {}).textContent === '基本满意'`))

	// A sampled 回头看 of the batch for the citizen supervisor.
	b.open("/slips/" + id)
	b.do("schedule a sampled 回头看",
		until(`document.querySelector('#schedule-form')`),
		set(`#schedule-form [name="scope"]`, "sample"),
		set(`#schedule-form [name="percent"]`, "50"),
		set(`#schedule-form [name="seed"]`, "20261202"),
		set(`#schedule-form [name="after_working_days"]`, "0"),
		set(`#schedule-form [name="inspector"]`, "shimin"),
		click("#schedule-submit"),
		until(`document.querySelector('#flash').textContent.includes('随机种子 20261202')`),
		until(`document.querySelectorAll('#reinspection-table tbody tr').length === 1`))
	b.logout()

	// The citizen, on a phone, finds the problem back.
	b.phone()
	b.login("shimin", "/inspect")
	for i := 0; eval[bool](b, `!document.querySelector('.reinspection[data-status="assigned"]')`); i++ {
		if i == 100 {
			t.Fatalf("the 回头看 was never assigned\n%s", b.pageState())
		}
		time.Sleep(200 * time.Millisecond)
		b.open("/inspect")
	}
	b.fitsPhone("回头看（手机）")
	b.do("record 不合格",
		set(`.reinspection .record-form [name="passed"]`, "false"),
		set(`.reinspection .record-form [name="notes"]`, "东侧两处积水复现"),
		click(`.reinspection .record-submit`),
		until(`document.querySelector('#flash').textContent.includes('已记录')`))
	b.shot("16-phone-citizen-reinspection")
	b.logout()

	// The leader's dashboard counts the failure and the rework.
	b.desktop()
	b.login("leader", "/dashboard")
	row := `#quality-table tr[data-department="zjj"]`
	for i := 0; eval[string](b, `(document.querySelector('`+row+` td:nth-child(10)') || {}).textContent || ''`) != "1"; i++ {
		if i == 100 {
			t.Fatalf("the rework never showed on the dashboard\n%s", b.pageState())
		}
		time.Sleep(200 * time.Millisecond)
		b.open("/dashboard")
	}
	cells := eval[[]string](b, `Array.from(document.querySelectorAll('`+row+` td'), td => td.textContent)`)
	want := []string{"市住房和城乡建设局", "1", "0", "1", "0", "1", "0", "1", "0.0%", "1", "100.0%"}
	if fmt.Sprint(cells) != fmt.Sprint(want) {
		t.Errorf("quality row of 住建局: %q, want %q", cells, want)
	}
	b.shot("17-dashboard-quality")

	// The leader's dashboard on a phone: charts and tables fit the screen.
	b.phone()
	b.open("/dashboard")
	b.do("the charts are drawn", until(`document.querySelector('#quality-table') && document.querySelectorAll('canvas').length > 0`))
	b.fitsPhone("领导驾驶舱（手机）")
	if w := eval[int](b, `Math.max(...Array.from(document.querySelectorAll('canvas'), c => c.getBoundingClientRect().right))`); w > phoneWidth {
		t.Errorf("a chart reaches %d px on a %d px screen", w, phoneWidth)
	}
	b.shot("18-phone-dashboard")
}
