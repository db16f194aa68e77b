package browsertest

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/internal/seed"
	"github.com/duban-gov/duban/reminder"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/workflows"
)

// openAtScale is how many open slips the console must tell the truth about.
const openAtScale = 1000

// truth is what the ledger holds, counted by walking all of it.
type truth struct {
	open, overdue int
	// ownOverdue counts the slips red on the department's own queue: its
	// own part open past its deadline (reminder.PartColourOf; a slip
	// without parts by the slip). A slip late while the unit's part is
	// done, or late only for another unit, is overdue but not red there.
	ownOverdue             int
	byStatus               map[slip.Status]int
	pending                []string // open slips with an undecided extension request
	firstPageOverdue       int      // what a console counting the newest 200 would say
	pendingBeyondFirstPage int
}

// countLedger walks the open slips visible to department (all, if "") as
// the API's ledger orders them, newest first.
func countLedger(t *testing.T, st *store.Store, department string, today calendar.Date) truth {
	t.Helper()
	tr := truth{byStatus: map[slip.Status]int{}}
	i := 0
	err := st.EachSlip(context.Background(), store.Filter{Statuses: slip.OpenStatuses(), VisibleTo: department}, 500, func(s slip.Slip) error {
		tr.open++
		tr.byStatus[s.Status]++
		if department != "" && reminder.PartColourOf(s, department, today, today) == reminder.Red {
			tr.ownOverdue++
		}
		if s.Overdue(today) {
			tr.overdue++
			if i < store.MaxPageSize {
				tr.firstPageOverdue++
			}
		}
		if s.PendingExtension != nil {
			tr.pending = append(tr.pending, s.ID)
			if i >= store.MaxPageSize {
				tr.pendingBeyondFirstPage++
			}
		}
		i++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// askExtensions has the lead departments of n open slips spread over the
// ledger (evenly over those that may still ask, newest first) request an
// extension, recorded as the workflow records it. A seeded ledger leaves
// few requests undecided, and not where the test needs them: past the first
// page.
func askExtensions(t *testing.T, st *store.Store, n int) {
	t.Helper()
	ctx := context.Background()
	var may []slip.Slip
	err := st.EachSlip(ctx, store.Filter{Statuses: slip.OpenStatuses()}, 500, func(s slip.Slip) error {
		if slices.Contains(s.Available(calendar.DateOf(s.UpdatedAt.Add(time.Minute))), slip.ActionRequestExtension) {
			may = append(may, s)
		}
		return nil
	})
	if err != nil || len(may) < n {
		t.Fatalf("%d slips may ask for an extension (%v); want %d", len(may), err, n)
	}
	for k := range n {
		s := may[(k+1)*len(may)/(n+1)]
		deadline := s.EffectiveDeadline()
		ev, err := s.Apply(slip.Command{Action: slip.ActionRequestExtension, Actor: "测试单位", Reason: "规模测试：申请延期 " + strconv.Itoa(k+1),
			Deadline: deadline.AddDays(21)}, s.UpdatedAt.Add(time.Minute))
		if err != nil {
			t.Fatalf("extension on %s: %v", s.Number, err)
		}
		if err := st.Project(ctx, s, ev); err != nil {
			t.Fatal(err)
		}
	}
}

// counters reads a page's counter row as label → number.
func counters(b *browser, container string) map[string]string {
	b.t.Helper()
	return eval[map[string]string](b, `Object.fromEntries(Array.from(document.querySelectorAll('`+container+` .counter'),
		(c) => [c.querySelector('span').textContent, c.querySelector('b').textContent]))`)
}

// TestConsolesAtScale: with well over a thousand open slips on the ledger
// (seeded through the store over thirty units, as of now), the office's
// workbench counts 逾期 and every other counter as the ledger holds them —
// as does the leader's dashboard — and its 延期申请 queue lists every
// pending request, including those far past the first page of 200; a
// department's workbench counts its own slips as truly, 逾期 by its own
// parts as its red queue lists them. (Both consoles used to count from the
// first page of a list.)
func TestConsolesAtScale(t *testing.T) {
	exe := chromiumPath(t)
	began := time.Now()
	sys := startSystem(t)
	ctx := context.Background()
	rep, err := seed.Run(ctx, sys.store, seed.Options{Slips: 10000, Departments: 30, Seed: 20261201, Now: time.Now(), Append: true})
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	askExtensions(t, sys.store, 4)
	today := calendar.DateOf(time.Now())
	all := countLedger(t, sys.store, "", today)
	t.Logf("seeded %d slips in %s: %d open, %d overdue (%d on the first page), %d pending extensions (%d past the first page)",
		rep.Slips, time.Since(began).Round(time.Millisecond), all.open, all.overdue, all.firstPageOverdue, len(all.pending), all.pendingBeyondFirstPage)
	if all.open < openAtScale || all.overdue == all.firstPageOverdue || all.pendingBeyondFirstPage == 0 {
		t.Fatalf("the seeded ledger does not test the console: %d open (want ≥ %d), overdue %d vs %d on the first page, %d pending past it",
			all.open, openAtScale, all.overdue, all.firstPageOverdue, all.pendingBeyondFirstPage)
	}

	b := startBrowser(t, exe, sys.url)
	b.login("office", "/office")
	got := counters(b, "#office-counters")
	want := map[string]string{
		"在办": strconv.Itoa(all.open), "待签收": strconv.Itoa(all.byStatus[slip.StatusIssued]),
		"办理中": strconv.Itoa(all.byStatus[slip.StatusInProgress]), "待复核": strconv.Itoa(all.byStatus[slip.StatusPendingReview]),
		"待销号": strconv.Itoa(all.byStatus[slip.StatusPendingSignoff]), "逾期": strconv.Itoa(all.overdue),
		"延期待批": strconv.Itoa(len(all.pending)),
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("office counters %v; the ledger holds %v", got, want)
	}
	for _, id := range all.pending {
		if !eval[bool](b, `!!document.querySelector('`+row("#queue-extension", id)+`')`) {
			t.Errorf("pending extension of slip %s is not in 延期申请", id)
		}
	}
	for sel, n := range map[string]int{"#count-extension": len(all.pending), "#count-review": all.byStatus[slip.StatusPendingReview],
		"#count-signoff": all.byStatus[slip.StatusPendingSignoff], "#count-open": all.open} {
		if got := eval[string](b, `document.querySelector('`+sel+`').textContent`); got != strconv.Itoa(n) {
			t.Errorf("%s says %s; the ledger holds %d", sel, got, n)
		}
	}
	// A queue lists its newest 200 slips and, past them, says how many
	// there are and links the ledger filtered to all of them.
	for _, q := range []struct {
		queue, status string
		n             int
	}{{"#queue-review", "pending_review", all.byStatus[slip.StatusPendingReview]},
		{"#queue-signoff", "pending_signoff", all.byStatus[slip.StatusPendingSignoff]}, {"#queue-open", "open", all.open}} {
		if rows := eval[int](b, `document.querySelectorAll('`+q.queue+` tr[data-slip-id]').length`); rows != min(q.n, 200) {
			t.Errorf("%s lists %d slips; %d are there", q.queue, rows, q.n)
		}
		link := eval[string](b, `(document.querySelector('`+q.queue+` .queue-partial a') || {href: ''}).href`)
		if want := sys.url + "/ledger?status=" + q.status; (q.n > 200) != (link == want) {
			t.Errorf("%s of %d slips links %q (want %q past 200)", q.queue, q.n, link, want)
		}
	}
	b.shot("13-office-at-scale")

	// A slip whose workflow stops (terminated here, as a bug or an operator
	// might) while the ledger counts it open is named on the workbench.
	number := eval[string](b, `D.api('POST', '/slips', {title: '流程将中止的交办单', lead_department: 'zjj', deadline: `+
		jsString(beijingNow().AddDate(0, 1, 0).Format(time.DateOnly))+`}).then((s) => s.id + ' ' + s.number)`, chromedp.EvalAwaitPromise)
	id, number, _ := strings.Cut(number, " ")
	if err := sys.temporal.TerminateWorkflow(ctx, workflows.WorkflowID(id), "", "测试：模拟流程中止"); err != nil {
		t.Fatal(err)
	}
	for try := 0; ; try++ {
		b.open("/office")
		if eval[bool](b, `(() => { const a = document.querySelector('#workflow-alerts'); return !a.hidden && a.textContent.includes(`+jsString(number)+`); })()`) {
			break
		}
		if try == 20 {
			t.Fatalf("the workbench does not name slip %s, whose workflow was terminated:\n%s", number, b.pageState())
		}
		time.Sleep(500 * time.Millisecond)
	}

	b.open("/dashboard")
	if got := counters(b, "#dash-counters")["逾期"]; got != strconv.Itoa(all.overdue) {
		t.Errorf("dashboard 逾期 %s; the ledger holds %d", got, all.overdue)
	}
	// Thirty units' closure rates: as many bars at a time as leave each 44
	// pixels (at most twelve), a slider along the rest. All thirty at once
	// were slivers under unreadable labels, and twelve on a phone still ran
	// their labels together.
	closure := func(viewport string) (shown, fit, units int) {
		b.do("the dashboard's charts are drawn", until(`document.body.dataset.chartsReady === 'true'`))
		got := eval[[]int](b, `(() => { const el = document.querySelector('#chart-closure'); const o = echarts.getInstanceByDom(el).getOption();
			return [o.dataZoom.length === 2 ? o.dataZoom[0].endValue + 1 : 0, el.clientWidth, o.xAxis[0].data.length]; })()`)
		if len(got) != 3 {
			t.Fatalf("closure chart (%s): %v", viewport, got)
		}
		return got[0], min(12, (got[1]-64)/44), got[2]
	}
	if shown, fit, units := closure("desktop"); units < 13 || shown != fit || shown < 10 {
		t.Errorf("closure chart on a desktop: %d of %d units shown, %d fit; want the ten to twelve that fit and a slider", shown, units, fit)
	}
	b.do("phone viewport", chromedp.EmulateViewport(phoneWidth, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
	b.open("/dashboard")
	if shown, fit, _ := closure("phone"); shown != fit || shown < 3 || shown > 6 {
		t.Errorf("closure chart on a phone: %d units shown, %d fit; want the three to six that fit", shown, fit)
	}
	b.do("desktop viewport", chromedp.EmulateViewport(1366, 900))
	b.logout()

	zjj := countLedger(t, sys.store, "zjj", today)
	b.login("zjj", "/department")
	got = counters(b, "#dept-counters")
	want = map[string]string{
		"在办": strconv.Itoa(zjj.open), "待签收": strconv.Itoa(zjj.byStatus[slip.StatusIssued]),
		"办理中": strconv.Itoa(zjj.byStatus[slip.StatusInProgress]), "待复核": strconv.Itoa(zjj.byStatus[slip.StatusPendingReview]),
		"待销号": strconv.Itoa(zjj.byStatus[slip.StatusPendingSignoff]), "逾期": strconv.Itoa(zjj.ownOverdue),
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("住建局 counters %v; its ledger holds %v", got, want)
	}
	if rows := eval[int](b, `document.querySelectorAll('#slips-red tr[data-slip-id]').length`); rows != min(zjj.ownOverdue, 200) || zjj.ownOverdue == 0 {
		t.Errorf("住建局's red queue lists %d slips; its own part is overdue on %d", rows, zjj.ownOverdue)
	}
	for _, c := range []string{"red", "yellow", "green"} {
		n := eval[int](b, `Number(document.querySelector('#count-`+c+`').textContent)`)
		rows := eval[int](b, `document.querySelectorAll('#slips-`+c+` tr[data-slip-id]').length`)
		link := eval[bool](b, `!!document.querySelector('#slips-`+c+` .queue-partial a[href="/ledger?color=`+c+`"]')`)
		if rows != min(n, 200) || link != (n > 200) {
			t.Errorf("住建局's %s queue of %d lists %d rows, link to the ledger %v", c, n, rows, link)
		}
	}
	t.Logf("consoles at scale took %s (住建局: %d open, %d overdue)", time.Since(began).Round(time.Millisecond), zjj.open, zjj.overdue)
}
