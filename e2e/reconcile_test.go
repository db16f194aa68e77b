package e2e

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/reconcile"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
)

// ledgerURL names a fresh, empty ledger of ledgerDialect.
func ledgerURL(t *testing.T) string {
	return storetest.URL(t, ledgerDialect())
}

// openLedger opens a migrated ledger at url and, beside it, a raw
// connection to the same database for a test to break things with.
func openLedger(t *testing.T, url string) (*store.Store, *sql.DB) {
	t.Helper()
	return storetest.OpenURL(t, url), storetest.OpenRaw(t, url)
}

// act posts an action and requires the given status.
func (s *system) act(t *testing.T, login, id, action string, body any, want int) slipView {
	t.Helper()
	var v slipView
	r := s.must(t, want, "POST", "/api/v1/slips/"+id+"/"+action, body, s.as(login)...)
	if want < 300 {
		r.json(t, &v)
	}
	return v
}

// readyForSignoff issues a slip with title and takes it to 待销号: signed
// for, its co-units' parts done, resolved with evidence, passed review.
func (s *system) readyForSignoff(t *testing.T, title string) slipView {
	t.Helper()
	var sl slipView
	s.must(t, http.StatusCreated, "POST", "/api/v1/slips", draft(title), s.as("office")...).json(t, &sl)
	s.act(t, "zjj", sl.ID, "acknowledge", nil, http.StatusOK)
	s.coUnitsDone(t, sl.ID)
	s.act(t, "zjj", sl.ID, "resolution", map[string]any{"summary": "完成", "evidence": []string{"验收单.pdf"}}, http.StatusOK)
	s.act(t, "office", sl.ID, "review", map[string]any{"passed": true}, http.StatusOK)
	return sl
}

// eventCounts counts the slip's timeline events by type, as the office
// reads the slip.
func (s *system) eventCounts(t *testing.T, id string) map[string]int {
	t.Helper()
	var v slipView
	s.must(t, http.StatusOK, "GET", "/api/v1/slips/"+id, nil, s.as("office")...).json(t, &v)
	count := map[string]int{}
	for _, e := range v.Timeline {
		count[e.Type]++
	}
	return count
}

func seqsOf(t *testing.T, st *store.Store, id string) []int64 {
	t.Helper()
	events, err := st.Timeline(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]int64, len(events))
	for i, e := range events {
		out[i] = e.Seq
	}
	return out
}

func reconcileOnce(t *testing.T, s *system, st *store.Store, repair bool) reconcile.Report {
	t.Helper()
	rep, err := reconcile.Run(context.Background(), reconcile.Options{Temporal: s.temporal, Namespace: s.namespace, Store: st, Repair: repair})
	if err != nil {
		t.Fatalf("reconcile: %v", err)
	}
	return rep
}

// TestReconcileRestoresALostEvent: the ledger lost an accepted action's
// event (what the old projection path did in an outage: timeline 1, 3).
// The dry run reports it and writes nothing; --repair writes it back from
// the workflow's history; a second dry run finds nothing.
func TestReconcileRestoresALostEvent(t *testing.T) {
	st, raw := openLedger(t, storetest.PostgresDatabase(t))
	s := startOnLedger(t, st, nil)
	s.seedDepartments(t)
	var sl slipView
	s.must(t, http.StatusCreated, "POST", "/api/v1/slips", draft("补录测试"), s.as("office")...).json(t, &sl)
	s.act(t, "zjj", sl.ID, "acknowledge", nil, http.StatusOK)
	s.act(t, "zjj", sl.ID, "progress", map[string]any{"text": "已完成一半"}, http.StatusOK)

	// Events are append-only (a trigger refuses DELETE); as the database's
	// owner, switch triggers off for this one session to break it.
	conn, err := raw.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`SET session_replication_role = replica`, `DELETE FROM events WHERE slip_id = $1 AND seq = 2`} {
		args := []any{}
		if strings.Contains(q, "$1") {
			args = append(args, sl.ID)
		}
		if _, err := conn.ExecContext(context.Background(), q, args...); err != nil {
			t.Fatal(err)
		}
	}
	_ = conn.Close()
	before, _ := st.Fingerprint(context.Background())
	rep := reconcileOnce(t, s, st, false)
	if len(rep.Findings) != 1 || rep.Consistent != 0 {
		t.Fatalf("dry run: %+v", rep)
	}
	f := rep.Findings[0]
	if f.SlipID != sl.ID || len(f.MissingEvents) != 1 || f.MissingEvents[0] != 2 || f.Repaired || len(f.Unrecoverable) > 0 {
		t.Fatalf("finding: %+v", f)
	}
	if after, _ := st.Fingerprint(context.Background()); after != before {
		t.Fatalf("a dry run wrote: %s → %s", before, after)
	}

	rep = reconcileOnce(t, s, st, true)
	if rep.Repaired != 1 {
		t.Fatalf("repair: %+v", rep)
	}
	if got := seqsOf(t, st, sl.ID); len(got) != 3 || got[1] != 2 {
		t.Fatalf("timeline after repair: %v", got)
	}
	events, _ := st.Timeline(context.Background(), sl.ID)
	if events[1].Type != slip.ActionAcknowledge || events[1].Actor == "" {
		t.Fatalf("restored event: %+v", events[1])
	}
	if rep := reconcileOnce(t, s, st, false); len(rep.Findings) != 0 || rep.Consistent != 1 {
		t.Fatalf("after repair: %+v", rep)
	}
}

// TestLostLedgerIsRefusedAndRebuilt: the ledger is replaced by an empty one
// (duban.db deleted, a database restored from nothing). Starting on it is
// refused with a message naming `duban reconcile --rebuild`; the rebuild
// puts back every slip under its number, with its status and timeline, and
// numbering continues after the highest; a ledger bound to another
// namespace is refused too.
func TestLostLedgerIsRefusedAndRebuilt(t *testing.T) {
	ctx := context.Background()
	st, _ := openLedger(t, ledgerURL(t))
	s := startOnLedger(t, st, nil)
	s.seedDepartments(t)
	ids := make([]string, 3)
	for i := range ids {
		var sl slipView
		s.must(t, http.StatusCreated, "POST", "/api/v1/slips", draft("重建测试"), s.as("office")...).json(t, &sl)
		ids[i] = sl.ID
	}
	s.act(t, "zjj", ids[0], "acknowledge", nil, http.StatusOK)
	s.coUnitsDone(t, ids[0])
	s.act(t, "zjj", ids[0], "resolution", map[string]any{"summary": "完成", "evidence": []string{"验收单.pdf"}}, http.StatusOK)
	s.act(t, "office", ids[0], "review", map[string]any{"passed": true}, http.StatusOK)
	s.act(t, "office", ids[0], "signoff", map[string]any{"comment": "同意销号"}, http.StatusOK)
	s.act(t, "zjj", ids[1], "acknowledge", nil, http.StatusOK)
	s.act(t, "zjj", ids[1], "progress", map[string]any{"text": "推进中"}, http.StatusOK)
	if err := reconcile.CheckLedger(ctx, s.temporal, s.namespace, st); err != nil {
		t.Fatalf("the live ledger is refused: %v", err)
	}

	lost, _ := openLedger(t, ledgerURL(t))
	err := reconcile.CheckLedger(ctx, s.temporal, s.namespace, lost)
	var mismatch *reconcile.MismatchError
	if !errors.As(err, &mismatch) || !strings.Contains(err.Error(), "duban reconcile --rebuild") {
		t.Fatalf("an empty ledger beside live workflows: %v", err)
	}

	rep := reconcileOnce(t, s, lost, true)
	if rep.Workflows != 3 || rep.Repaired != 3 {
		t.Fatalf("rebuild: %+v", rep)
	}
	if err := reconcile.BindLedger(ctx, s.temporal, s.namespace, lost); err != nil {
		t.Fatal(err)
	}
	if err := reconcile.CheckLedger(ctx, s.temporal, s.namespace, lost); err != nil {
		t.Fatalf("the rebuilt ledger is refused: %v", err)
	}
	for _, id := range ids {
		want, err := st.GetSlip(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		got, err := lost.GetSlip(ctx, id)
		if err != nil {
			t.Fatalf("slip %s not rebuilt: %v", id, err)
		}
		if got.Number != want.Number || got.Status != want.Status || got.Seq != want.Seq ||
			got.EffectiveDeadline() != want.EffectiveDeadline() || got.LatestProgress != want.LatestProgress {
			t.Fatalf("rebuilt %s: %+v, want %+v", id, got, want)
		}
		wantEvents, _ := st.Timeline(ctx, id)
		gotEvents, _ := lost.Timeline(ctx, id)
		if len(gotEvents) != len(wantEvents) {
			t.Fatalf("rebuilt timeline of %s: %v, want %v", id, seqsOf(t, lost, id), seqsOf(t, st, id))
		}
		for i := range wantEvents {
			if gotEvents[i].Type != wantEvents[i].Type || gotEvents[i].Actor != wantEvents[i].Actor || !gotEvents[i].At.Equal(wantEvents[i].At) {
				t.Fatalf("rebuilt event %d of %s: %+v, want %+v", i+1, id, gotEvents[i], wantEvents[i])
			}
		}
	}
	// Statistics rebuilt with the rows: one closed, two open.
	next := slip.Slip{ID: "after-rebuild", Draft: slip.Draft{Title: "t", Content: "c", LeadDepartment: "zjj", Deadline: calendar.MustParseDate("2099-12-31"), Priority: slip.PriorityNormal},
		IssuedAt: time.Now(), IssuedBy: "督查室", Status: slip.StatusIssued, Seq: 1}
	number, err := lost.RecordIssued(ctx, next)
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Replace(mustNumber(t, st, ids[2]), "3号", "4号", 1); number != want {
		t.Fatalf("numbering after rebuild: %s, want %s", number, want)
	}

	if err := st.SetLedgerMeta(ctx, "temporal_namespace_id", "another-installation"); err != nil {
		t.Fatal(err)
	}
	if err := reconcile.CheckLedger(ctx, s.temporal, s.namespace, st); !errors.As(err, &mismatch) {
		t.Fatalf("a ledger of another namespace: %v", err)
	}
}

func mustNumber(t *testing.T, st *store.Store, id string) string {
	t.Helper()
	sl, err := st.GetSlip(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return sl.Number
}

// TestSQLiteLedgerLockedDuringAcknowledge is the embedded default's outage:
// the ledger file is write-locked (for the 40-odd seconds of two attempts)
// while a department acknowledges.
// The clerk gets 503 with Retry-After (never a lie), a retry with the same
// Idempotency-Key gets the real outcome once the ledger is back, the
// timeline has no gap, and reconcile finds nothing to repair.
func TestSQLiteLedgerLockedDuringAcknowledge(t *testing.T) {
	if testing.Short() {
		t.Skip("40 s outage skipped in -short mode")
	}
	url := storetest.URL(t, store.SQLite)
	st, raw := openLedger(t, url)
	s := startOnLedger(t, st, nil)
	s.seedDepartments(t)
	var sl slipView
	s.must(t, http.StatusCreated, "POST", "/api/v1/slips", draft("锁库测试"), s.as("office")...).json(t, &sl)

	// Hold the write lock on one connection of the raw pool.
	conn, err := raw.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	locked := time.Now()
	release := func() {
		_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
		_ = conn.Close()
	}
	defer release()

	key := []string{"Idempotency-Key", "ack-" + sl.ID}
	headers := append(s.as("zjj"), key...)
	r := s.do(t, "POST", "/api/v1/slips/"+sl.ID+"/acknowledge", nil, headers...)
	if r.status != http.StatusServiceUnavailable || r.errorCode(t) != slip.CodeUnavailable {
		t.Fatalf("acknowledge with the ledger locked: %d %s", r.status, r.body)
	}
	if r.header.Get("Retry-After") == "" {
		t.Fatalf("503 without Retry-After")
	}
	// During the outage the ledger and every answer agree: still 待签收.
	var during slipView
	s.must(t, http.StatusOK, "GET", "/api/v1/slips/"+sl.ID, nil, s.as("zjj")...).json(t, &during)
	if during.Status != "issued" {
		t.Fatalf("ledger says %s during the outage (%s after the lock; first answer %s)", during.Status, time.Since(locked), r.body)
	}
	// A retry with the same key while the ledger is still locked: 503 again.
	if r := s.do(t, "POST", "/api/v1/slips/"+sl.ID+"/acknowledge", nil, headers...); r.status != http.StatusServiceUnavailable {
		t.Fatalf("retry with the ledger locked: %d %s", r.status, r.body)
	}
	t.Logf("ledger unlocked after %s", time.Since(locked).Round(time.Second))
	release()
	// The same key, retried as the message says, until the ledger is back.
	var done slipView
	for {
		r = s.do(t, "POST", "/api/v1/slips/"+sl.ID+"/acknowledge", nil, headers...)
		if r.status == http.StatusOK {
			r.json(t, &done)
			break
		}
		if r.status != http.StatusServiceUnavailable {
			t.Fatalf("retry after %s: %d %s", time.Since(locked).Round(time.Second), r.status, r.body)
		}
		if time.Since(locked) > 4*time.Minute {
			t.Fatalf("the acknowledgement never reached the ledger")
		}
	}
	if done.Status != "in_progress" {
		t.Fatalf("after the outage: %s", done.Status)
	}
	t.Logf("acknowledged %s after the lock was taken", time.Since(locked).Round(time.Second))
	s.act(t, "zjj", sl.ID, "progress", map[string]any{"text": "锁库之后的进展"}, http.StatusOK)
	if got := seqsOf(t, st, sl.ID); len(got) != 3 || got[0] != 1 || got[1] != 2 || got[2] != 3 {
		t.Fatalf("timeline %v, want [1 2 3]", got)
	}
	if rep := reconcileOnce(t, s, st, false); len(rep.Findings) != 0 {
		t.Fatalf("reconcile after the outage: %+v", rep.Findings)
	}
}

// projectLost writes into the ledger what a lost workflow task had written
// before it was lost: event ev at the slip's next number, and the slip as
// the ledger has it moved by change. It returns that slip.
func projectLost(t *testing.T, s *system, id string, ev slip.Event, change func(*slip.Slip, time.Time)) slip.Slip {
	t.Helper()
	sl, err := s.store.GetSlip(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	sl.Seq, sl.UpdatedAt = sl.Seq+1, now
	change(&sl, now)
	ev.SlipID, ev.Seq, ev.At = id, sl.Seq, now
	if err := s.store.Project(context.Background(), sl, ev); err != nil {
		t.Fatal(err)
	}
	return sl
}

// TestLedgerAheadOfWorkflowCatchesUpOnRetry: a sign-off was projected into
// the ledger and then its workflow task was lost (a Temporal server killed
// before recording it; the production-shape kill test found it). The
// ledger says 已销号 while the workflow still waits in 待销号. The clerk's
// retry of the sign-off must reach the workflow, which applies it again
// (the projection is a no-op) and ends — not be answered 409 from the
// ledger forever; another action is still refused (409: the ledger holds
// another event under its number).
func TestLedgerAheadOfWorkflowCatchesUpOnRetry(t *testing.T) {
	ctx := context.Background()
	s := start(t)
	s.seedDepartments(t)
	sl := s.readyForSignoff(t, "丢失的销号")

	closed := projectLost(t, s, sl.ID, slip.Event{Type: slip.ActionSignOff, Actor: "督查室", ActorRole: slip.RoleOffice,
		From: slip.StatusPendingSignoff, To: slip.StatusClosed, Payload: map[string]any{"comment": "同意销号"}},
		func(sl *slip.Slip, now time.Time) { sl.Status, sl.ClosedAt = slip.StatusClosed, &now })

	s.act(t, "office", sl.ID, "cancel", map[string]any{"reason": "不是重试"}, http.StatusConflict)
	after := s.act(t, "office", sl.ID, "signoff", map[string]any{"comment": "同意销号"}, http.StatusOK)
	if after.Status != "closed" {
		t.Fatalf("after the retry: %s", after.Status)
	}
	var final slip.Slip
	if err := s.temporal.GetWorkflow(ctx, "slip-"+sl.ID, "").Get(ctx, &final); err != nil {
		t.Fatalf("the workflow did not end: %v", err)
	}
	if final.Status != slip.StatusClosed || final.Seq != closed.Seq {
		t.Fatalf("workflow ended %s at %d, ledger %s at %d", final.Status, final.Seq, closed.Status, closed.Seq)
	}
	if got := seqsOf(t, s.store, sl.ID); len(got) != int(closed.Seq) {
		t.Fatalf("timeline %v", got)
	}
	if rep := reconcileOnce(t, s, s.store, false); len(rep.Findings) != 0 {
		t.Fatalf("reconcile: %+v", rep.Findings)
	}
}

// TestReconcileSendsALostActionToItsWorkflow: a progress report reached the
// ledger but its workflow task was lost, and nobody retried it. Reconcile
// reports the ledger ahead of its workflow and --repair sends the ledger's
// own action to the workflow again, which applies it and is level again.
// Meanwhile another action, which would take the lost one's number, is
// refused (409 ledger_ahead) instead of passing for it.
func TestReconcileSendsALostActionToItsWorkflow(t *testing.T) {
	ctx := context.Background()
	s := start(t)
	s.seedDepartments(t)
	var sl slipView
	s.must(t, http.StatusCreated, "POST", "/api/v1/slips", draft("丢失的进展"), s.as("office")...).json(t, &sl)
	s.act(t, "zjj", sl.ID, "acknowledge", nil, http.StatusOK)
	s.coUnitsDone(t, sl.ID)
	ahead := projectLost(t, s, sl.ID, slip.Event{Type: slip.ActionProgress, Actor: "住建局经办人", ActorRole: slip.RoleDepartment,
		From: slip.StatusInProgress, To: slip.StatusInProgress, Payload: map[string]any{"text": "已完成 60 个"}},
		func(sl *slip.Slip, _ time.Time) { sl.LatestProgress = "已完成 60 个" })

	// Another action now would take the lost one's number in the workflow
	// while the ledger keeps the lost one: refused, and nothing changes.
	r := s.do(t, "POST", "/api/v1/slips/"+sl.ID+"/resolution", map[string]any{"summary": "完成", "evidence": []string{"验收单.pdf"}}, s.as("zjj")...)
	if r.status != http.StatusConflict || r.errorCode(t) != "ledger_ahead" {
		t.Fatalf("an action over a lost one: %d %s", r.status, r.body)
	}
	if got, _ := s.store.GetSlip(ctx, sl.ID); got.Seq != ahead.Seq || got.Status != slip.StatusInProgress {
		t.Fatalf("the ledger moved: %s at %d", got.Status, got.Seq)
	}

	rep := reconcileOnce(t, s, s.store, false)
	if len(rep.Findings) != 1 || len(rep.Findings[0].Ahead) != 1 || rep.Findings[0].Ahead[0] != ahead.Seq || rep.Findings[0].Repaired {
		t.Fatalf("dry run: %+v", rep)
	}
	rep = reconcileOnce(t, s, s.store, true)
	if rep.Repaired != 1 {
		t.Fatalf("repair: %+v", rep)
	}
	v, err := s.temporal.QueryWorkflow(ctx, "slip-"+sl.ID, "", "state")
	if err != nil {
		t.Fatal(err)
	}
	var state slip.Slip
	if err := v.Get(&state); err != nil {
		t.Fatal(err)
	}
	if state.Seq != ahead.Seq || state.LatestProgress != "已完成 60 个" {
		t.Fatalf("workflow after the repair: seq %d, progress %q", state.Seq, state.LatestProgress)
	}
	if rep := reconcileOnce(t, s, s.store, false); len(rep.Findings) != 0 {
		t.Fatalf("after the repair: %+v", rep.Findings)
	}
	// The slip goes on from there: the next action gets the next number.
	s.act(t, "zjj", sl.ID, "progress", map[string]any{"text": "已完成 90 个"}, http.StatusOK)
	if got := seqsOf(t, s.store, sl.ID); len(got) != int(ahead.Seq)+1 {
		t.Fatalf("timeline %v", got)
	}
}
