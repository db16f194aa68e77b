package workflows_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/duban-gov/duban/activities"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/workflows"
)

// ledgerOutage makes the real Project write fail, as a locked, full or
// unreachable ledger does, for the first `failures` calls whose event
// matches; every other call goes to the real store. Each failure is
// non-retryable, so the SDK's own retries give up at once, as they do when a
// write's retry budget runs out during a long outage.
func ledgerOutage(h *harness, failures int, match func(slip.Event) bool) *int {
	acts := newActivities(h.t, h.store)
	failed := 0
	h.env.OnActivity("Project", mock.Anything, mock.Anything).Return(func(ctx context.Context, p activities.Projection) (slip.Event, error) {
		if failed < failures && match(p.Event) {
			failed++
			return slip.Event{}, temporal.NewNonRetryableApplicationError("database is locked", "outage", errors.New("SQLITE_BUSY"))
		}
		return acts.Project(ctx, p)
	})
	return &failed
}

// requireGapless checks that the ledger's timeline numbers run 1..n without
// a hole and that the ledger row is at the last of them.
func requireGapless(t *testing.T, h *harness) (slip.Slip, []slip.Event) {
	t.Helper()
	sl, events := h.ledger()
	for i, e := range events {
		require.Equal(t, int64(i+1), e.Seq, "timeline has a gap: %v", seqs(events))
	}
	require.Equal(t, int64(len(events)), sl.Seq, "ledger row behind its timeline")
	return sl, events
}

func seqs(events []slip.Event) []int64 {
	out := make([]int64, len(events))
	for i, e := range events {
		out[i] = e.Seq
	}
	return out
}

// TestLedgerOutageDuringActionIsWaitedOut: the ledger refuses the
// acknowledgement's write (twice). The action is not lost and not half
// done: the update completes once the ledger takes it, the next action gets
// the next number, and the timeline reads 1, 2, 3 — never 1, 3.
func TestLedgerOutageDuringActionIsWaitedOut(t *testing.T) {
	h := newHarness(t)
	failed := ledgerOutage(h, 2, func(e slip.Event) bool { return e.Type == slip.ActionAcknowledge })
	ack := h.send(slip.ActionAcknowledge, slip.Command{})
	// Sent long after the outage is over (the workflow waits a minute, then
	// two, between rounds).
	prog := h.sendAfter(2*time.Hour, slip.ActionProgress, slip.Command{Text: "已完成 12 部"})
	cancel := h.sendAfter(3*time.Hour, slip.ActionCancel, slip.Command{Reason: "测试结束"})
	final := h.run()

	require.NoError(t, h.env.GetWorkflowError())
	assert.Equal(t, 2, *failed)
	requireAccepted(t, ack, slip.StatusInProgress)
	requireAccepted(t, prog, slip.StatusInProgress)
	requireAccepted(t, cancel, slip.StatusCancelled)
	assert.Equal(t, int64(2), ack.result.Seq)
	assert.Equal(t, int64(3), prog.result.Seq)

	sl, events := requireGapless(t, h)
	require.Len(t, events, 4)
	assert.Equal(t, slip.ActionAcknowledge, events[1].Type)
	assert.Equal(t, final.Status, sl.Status)
	assert.Equal(t, final.Seq, sl.Seq)
}

// TestActionDuringOutageSeesTheLedgersStatus: while the acknowledgement
// waits for the ledger, the workflow's state is still what the ledger says
// (待签收): a progress report sent then is refused as the ledger would
// explain it, and a second acknowledgement waits its turn and is then
// refused because the first one was recorded.
func TestActionDuringOutageSeesTheLedgersStatus(t *testing.T) {
	h := newHarness(t)
	ledgerOutage(h, 1, func(e slip.Event) bool { return e.Type == slip.ActionAcknowledge })
	ack := h.sendAfter(time.Hour, slip.ActionAcknowledge, slip.Command{})
	early := h.sendAfter(time.Hour+10*time.Second, slip.ActionProgress, slip.Command{Text: "抢先报送"})
	again := h.sendAfter(time.Hour+20*time.Second, slip.ActionAcknowledge, slip.Command{})
	h.sendAfter(3*time.Hour, slip.ActionCancel, slip.Command{Reason: "测试结束"})
	h.run()

	requireAccepted(t, ack, slip.StatusInProgress)
	requireRejected(t, early, slip.CodeInvalidTransition)
	require.True(t, again.done)
	require.Error(t, again.failed, "the second acknowledgement must not be recorded")
	_, events := requireGapless(t, h)
	require.Len(t, events, 3) // issue, acknowledge, cancel
}

// TestLedgerOutageAtReminderDoesNotEndTheWorkflow: a reminder whose write
// fails is written later; the workflow does not fail (which would leave an
// open slip on the ledger that no action can reach).
func TestLedgerOutageAtReminderDoesNotEndTheWorkflow(t *testing.T) {
	h := newHarnessAt(t, at(issuedDay, 10, 0))
	failed := ledgerOutage(h, 3, func(e slip.Event) bool { return e.Type == slip.EventAckReminder })
	h.sendAt(at("2026-09-23", 15, 0), slip.ActionAcknowledge, slip.Command{})
	cancel := h.sendAt(at("2026-09-24", 8, 0), slip.ActionCancel, slip.Command{Reason: "测试结束"})
	final := h.runSlip(reminderSlip())

	require.NoError(t, h.env.GetWorkflowError())
	assert.Equal(t, 3, *failed)
	requireAccepted(t, cancel, slip.StatusCancelled)
	assert.Equal(t, slip.StatusCancelled, final.Status)
	_, events := requireGapless(t, h)
	assert.Equal(t, []slip.Action{slip.ActionIssue, slip.EventAckReminder, slip.ActionAcknowledge, slip.ActionCancel},
		[]slip.Action{events[0].Type, events[1].Type, events[2].Type, events[3].Type})
}

// TestUpdateInFirstTaskSeesAnIssuedSlip: an action delivered together with
// the workflow's first task (a first task retried after its worker died, or
// an update sent with the start) is validated against the issued slip, not
// an uninitialised one whose status is empty.
func TestUpdateInFirstTaskSeesAnIssuedSlip(t *testing.T) {
	h := newHarness(t)
	ack := h.sendAfter(0, slip.ActionAcknowledge, slip.Command{})
	h.send(slip.ActionCancel, slip.Command{Reason: "测试结束"})
	h.run()
	requireAccepted(t, ack, slip.StatusInProgress)
	requireGapless(t, h)
}

// sendWithID schedules an update with the given update id.
func (h *harness) sendWithID(delay time.Duration, id string, action slip.Action, cmd slip.Command) *outcome {
	o := &outcome{}
	if cmd.Actor == "" {
		cmd.Actor = "测试员"
	}
	h.env.RegisterDelayedCallback(func() {
		h.env.UpdateWorkflow(workflows.UpdateName(action), id, &testsuite.TestUpdateCallback{
			OnAccept: func() {},
			OnReject: func(err error) { o.rejected = err; o.done = true },
			OnComplete: func(v any, err error) {
				o.done, o.failed = true, err
				if err == nil {
					o.result = v.(slip.Slip)
				}
			},
		}, cmd)
	}, delay)
	return o
}

// TestUpdateAppliedBeforeContinueAsNewIsNotAppliedAgain: Temporal
// deduplicates update ids within one run only. A request retried with the
// same id after the workflow continued as new is answered with the slip as
// it stands, not applied a second time.
func TestUpdateAppliedBeforeContinueAsNewIsNotAppliedAgain(t *testing.T) {
	h := newHarness(t)
	h.sendWithID(time.Hour, "ack-key", slip.ActionAcknowledge, slip.Command{})
	h.sendWithID(2*time.Hour, "progress-key", slip.ActionProgress, slip.Command{Text: "第一次进展"})
	h.env.RegisterDelayedCallback(func() { h.env.SetContinueAsNewSuggested(true) }, 3*time.Hour)
	h.run()
	var can *workflow.ContinueAsNewError
	require.ErrorAs(t, h.env.GetWorkflowError(), &can)
	var carried workflows.Input
	require.NoError(t, converter.GetDefaultDataConverter().FromPayloads(can.Input, &carried))
	assert.Equal(t, []string{"ack-key", "progress-key"}, carried.Applied)

	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(issuedAt.Add(24 * time.Hour))
	workflows.Register(env, newActivities(t, h.store))
	h2 := &harness{t: t, env: env, store: h.store}
	ackAgain := h2.sendWithID(time.Hour, "ack-key", slip.ActionAcknowledge, slip.Command{})
	progressAgain := h2.sendWithID(2*time.Hour, "progress-key", slip.ActionProgress, slip.Command{Text: "第一次进展"})
	fresh := h2.sendWithID(3*time.Hour, "progress-key-2", slip.ActionProgress, slip.Command{Text: "第二次进展"})
	h2.sendWithID(4*time.Hour, "cancel-key", slip.ActionCancel, slip.Command{Reason: "测试结束"})
	env.ExecuteWorkflow(workflows.WorkflowName, carried)
	require.NoError(t, env.GetWorkflowError())

	requireAccepted(t, ackAgain, slip.StatusInProgress)
	assert.Equal(t, int64(3), ackAgain.result.Seq, "the acknowledgement is not applied again")
	requireAccepted(t, progressAgain, slip.StatusInProgress)
	assert.Equal(t, int64(3), progressAgain.result.Seq, "the progress report is not applied again")
	requireAccepted(t, fresh, slip.StatusInProgress)
	assert.Equal(t, int64(4), fresh.result.Seq)
	_, events := requireGapless(t, h)
	require.Len(t, events, 5) // issue, acknowledge, progress, progress, cancel
}
