package e2e

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/metrics"
	"github.com/duban-gov/duban/reminder"
	"github.com/duban-gov/duban/service"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/workflows"
)

// TestDatesOutsideTheWindow: 9999-12-31 as the deadline of a new slip, of
// an extension asked or granted and of a send-back is refused with 422
// date_out_of_range and a Chinese message, changing nothing (no slip is
// issued); so is a calendar query that far out. The slip's workflow stays
// alive throughout: it can still be cancelled.
func TestDatesOutsideTheWindow(t *testing.T) {
	s := start(t)
	s.seedDepartments(t)
	office, zjj := s.as("office"), s.as("zjj")
	refused := func(what, method, path string, body any, who []string) {
		t.Helper()
		r := s.must(t, http.StatusUnprocessableEntity, method, path, body, who...)
		if code := r.errorCode(t); code != slip.CodeDateOutOfRange {
			t.Fatalf("%s: code %s, want %s: %s", what, code, slip.CodeDateOutOfRange, r.body)
		}
		if !strings.Contains(string(r.body), "超出") {
			t.Fatalf("%s: message not in Chinese: %s", what, r.body)
		}
	}

	d := draft("远期时限")
	d["deadline"] = "9999-12-31"
	refused("issue", "POST", "/api/v1/slips", d, append(office, "Idempotency-Key", "far-1"))
	d["deadline"] = time.Now().AddDate(11, 0, 0).Format(time.DateOnly)
	refused("issue 11 years ahead", "POST", "/api/v1/slips", d, office)
	var page ledgerPage
	s.must(t, http.StatusOK, "GET", "/api/v1/slips", nil, office...).json(t, &page)
	if page.Total != 0 {
		t.Fatalf("a refused issue left %d slips on the ledger", page.Total)
	}
	refused("calendar", "GET", "/api/v1/calendar?from=9999-12-01&to=9999-12-31", nil, office)

	var sl slipView
	s.must(t, http.StatusCreated, "POST", "/api/v1/slips", draft("时限在窗口内"), office...).json(t, &sl)
	s.must(t, http.StatusOK, "POST", path("/api/v1/slips/%s/acknowledge", sl.ID), nil, zjj...)
	s.coUnitsDone(t, sl.ID)
	refused("extension request", "POST", path("/api/v1/slips/%s/extension", sl.ID),
		map[string]any{"reason": "工程量大", "deadline": "9999-12-31"}, zjj)
	within := time.Now().AddDate(0, 3, 0).Format(time.DateOnly)
	s.must(t, http.StatusOK, "POST", path("/api/v1/slips/%s/extension", sl.ID), map[string]any{"reason": "工程量大", "deadline": within}, zjj...)
	refused("extension granted", "POST", path("/api/v1/slips/%s/extension/decision", sl.ID),
		map[string]any{"approved": true, "deadline": "9999-12-31", "comment": "同意"}, office)
	s.must(t, http.StatusOK, "POST", path("/api/v1/slips/%s/extension/decision", sl.ID), map[string]any{"approved": true, "comment": "同意"}, office...)
	s.must(t, http.StatusOK, "POST", path("/api/v1/slips/%s/resolution", sl.ID), map[string]any{"summary": "完成", "evidence": []string{"验收单"}}, zjj...)
	refused("send-back", "POST", path("/api/v1/slips/%s/review", sl.ID),
		map[string]any{"passed": false, "comment": "未完工", "deadline": "9999-12-31"}, office)

	s.must(t, http.StatusOK, "GET", path("/api/v1/slips/%s", sl.ID), nil, office...).json(t, &sl)
	if sl.Deadline != within || sl.Status != "pending_review" {
		t.Fatalf("after the refusals: deadline %s, status %s; want %s, pending_review", sl.Deadline, sl.Status, within)
	}
	s.must(t, http.StatusOK, "POST", path("/api/v1/slips/%s/cancel", sl.ID), map[string]any{"reason": "测试结束"}, office...)
}

// TestWorkflowStartedAroundTheAPIWithAFarDeadline: a client that starts a
// slip's workflow itself, bypassing the API's check, with the deadline
// 9999-12-31 gets a workflow that still answers: the reminder planner no
// longer fails on it (it did, and the workflow retried its planning forever
// while every action on the slip timed out as 503).
func TestWorkflowStartedAroundTheAPIWithAFarDeadline(t *testing.T) {
	s := start(t)
	s.seedDepartments(t)
	ctx := context.Background()
	id := "0190f000-0000-7000-8000-000000009999"
	sl := slip.Slip{ID: id, IssuedAt: time.Now(), IssuedBy: "督查室张敏", Deadline: calendar.MustParseDate("9999-12-31"),
		Policy: reminder.DefaultPolicies().Default,
		Draft:  slip.Draft{Title: "绕过接口的远期交办", LeadDepartment: "zjj", Priority: slip.PriorityNormal, Deadline: calendar.MustParseDate("9999-12-31")}}
	wid := workflows.WorkflowID(id)
	op := s.temporal.NewWithStartWorkflowOperation(client.StartWorkflowOptions{ID: wid, TaskQueue: workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING},
		workflows.WorkflowName, workflows.Input{Slip: sl})
	startCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	h, err := s.temporal.UpdateWithStartWorkflow(startCtx, client.UpdateWithStartWorkflowOptions{StartWorkflowOperation: op,
		UpdateOptions: client.UpdateWorkflowOptions{WorkflowID: wid, UpdateName: workflows.UpdateRegistered, UpdateID: "registered",
			WaitForStage: client.WorkflowUpdateStageCompleted}})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Get(startCtx, nil); err != nil {
		t.Fatal(err)
	}
	// Acknowledged, the slip's next reminder is the first due reminder in
	// 9999: a timer longer than a time.Duration holds (it saturates at
	// about 292 years), which Temporal must take.
	s.must(t, http.StatusOK, "POST", path("/api/v1/slips/%s/acknowledge", id), nil, s.as("zjj")...)
	time.Sleep(2 * time.Second)
	var after slipView
	s.must(t, http.StatusOK, "POST", path("/api/v1/slips/%s/cancel", id), map[string]any{"reason": "时限有误，撤销"}, s.as("office")...).json(t, &after)
	if after.Status != "cancelled" {
		t.Fatalf("status %s after cancel", after.Status)
	}
}

// TestStoppedWorkflowIsVisible: a slip whose workflow is terminated (as an
// operator might, or as a workflow bug would leave it) is listed by GET
// /alerts/workflows with the ledger still counting it open, counted by
// duban_failed_slip_workflows{counted_open="true"}, and logged.
func TestStoppedWorkflowIsVisible(t *testing.T) {
	s := start(t)
	s.seedDepartments(t)
	ctx := context.Background()
	var sl slipView
	s.must(t, http.StatusCreated, "POST", "/api/v1/slips", draft("流程中止"), s.as("office")...).json(t, &sl)
	var done slipView
	s.must(t, http.StatusCreated, "POST", "/api/v1/slips", draft("流程正常"), s.as("office")...).json(t, &done)
	if err := s.temporal.TerminateWorkflow(ctx, workflows.WorkflowID(sl.ID), "", "测试：模拟流程中止"); err != nil {
		t.Fatal(err)
	}

	type alerts struct {
		Items []struct {
			SlipID         string `json:"slip_id"`
			Number         string `json:"number"`
			WorkflowStatus string `json:"workflow_status"`
			LedgerStatus   string `json:"ledger_status"`
			CountedOpen    bool   `json:"counted_open"`
		} `json:"items"`
		CountedOpen int `json:"counted_open"`
	}
	var got alerts
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		s.must(t, http.StatusOK, "GET", "/api/v1/alerts/workflows", nil, s.as("office")...).json(t, &got)
		if len(got.Items) > 0 || time.Now().After(deadline) {
			break
		}
	}
	if len(got.Items) != 1 || got.CountedOpen != 1 {
		t.Fatalf("alerts: %+v; want the terminated slip alone", got)
	}
	if f := got.Items[0]; f.SlipID != sl.ID || f.Number != sl.Number || f.WorkflowStatus != "terminated" || f.LedgerStatus != "issued" || !f.CountedOpen {
		t.Fatalf("alert: %+v", f)
	}
	s.must(t, http.StatusOK, "GET", "/api/v1/alerts/workflows", nil, s.as("admin")...)
	s.must(t, http.StatusForbidden, "GET", "/api/v1/alerts/workflows", nil, s.as("zjj")...)

	// The unit's 签收 of the stopped slip is refused as not running (409),
	// not as a passing outage (503, "retry"): the same key refused again,
	// the slip unchanged.
	for range 2 {
		r := s.must(t, http.StatusConflict, "POST", path("/api/v1/slips/%s/acknowledge", sl.ID), nil,
			append(s.as("zjj"), "Idempotency-Key", "stopped-ack")...)
		if code := r.errorCode(t); code != slip.CodeWorkflowNotRunning || !strings.Contains(string(r.body), sl.Number) {
			t.Fatalf("acknowledge of a stopped slip: %s", r.body)
		}
	}
	var still slipView
	s.must(t, http.StatusOK, "GET", "/api/v1/slips/"+sl.ID, nil, s.as("zjj")...).json(t, &still)
	if still.Status != "issued" || still.Seq != sl.Seq {
		t.Fatalf("a refused action changed the slip: %+v", still)
	}
	// An office scoped to a unit the slip is not on does not see its alert;
	// one scoped to its co-unit does.
	s.addUser(t, identity.User{Login: "jtjOffice", Name: "交通局督查", Role: slip.RoleOffice, Scope: "jtj"})
	s.addUser(t, identity.User{Login: "fgwOffice", Name: "发改委督查", Role: slip.RoleOffice, Scope: "fgw"})
	var scoped alerts
	s.must(t, http.StatusOK, "GET", "/api/v1/alerts/workflows", nil, s.as("jtjOffice")...).json(t, &scoped)
	if len(scoped.Items) != 0 || scoped.CountedOpen != 0 {
		t.Errorf("an office scoped elsewhere sees %+v", scoped)
	}
	s.must(t, http.StatusOK, "GET", "/api/v1/alerts/workflows", nil, s.as("fgwOffice")...).json(t, &scoped)
	if len(scoped.Items) != 1 || scoped.Items[0].SlipID != sl.ID {
		t.Errorf("the office of the slip's co-unit sees %+v", scoped)
	}

	// The watcher sets the gauge and logs the failure at error level.
	var logged lockedBuffer
	m := metrics.New()
	watcher := service.New(service.Config{Store: s.store, Temporal: s.temporal, TaskQueue: workflows.TaskQueue,
		Policies: reminder.DefaultPolicies(), Now: time.Now, Log: slog.New(slog.NewTextHandler(&logged, nil))})
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	go watcher.WatchFailures(wctx, 100*time.Millisecond, m)
	want := `duban_failed_slip_workflows{counted_open="true"} 1`
	var scraped string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		rec := httptest.NewRecorder()
		m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		if scraped = rec.Body.String(); strings.Contains(scraped, want) {
			break
		}
	}
	if !strings.Contains(scraped, want) {
		t.Fatalf("metrics lack %s:\n%s", want, grepLines(scraped, "duban_failed"))
	}
	stop()
	log := logged.String()
	if !strings.Contains(log, "level=ERROR") || !strings.Contains(log, sl.ID) {
		t.Fatalf("no error log naming the slip: %s", log)
	}
	if strings.Contains(log, "cannot list") {
		t.Fatalf("a visibility query failed: %s", log)
	}
}

// lockedBuffer is a log destination written from the watcher's goroutine
// and read from the test's.
type lockedBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func grepLines(s, substr string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if strings.Contains(line, substr) {
			out = append(out, line)
		}
	}
	return fmt.Sprint(out)
}
