package workflows_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/duban-gov/duban/activities"
	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/notify"
	"github.com/duban-gov/duban/reminder"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
	"github.com/duban-gov/duban/workflows"
)

// issuedAt is a Monday morning in Beijing.
var issuedAt = time.Date(2026, 11, 2, 9, 0, 0, 0, calendar.Zone)

// harness runs the slip workflow in the SDK's time-skipping test environment
// with the real activities writing to a real (SQLite) ledger.
type harness struct {
	t     *testing.T
	env   *testsuite.TestWorkflowEnvironment
	store *store.Store
	next  time.Duration
	start time.Time
}

func newHarness(t *testing.T) *harness { return newHarnessAt(t, issuedAt) }

// newHarnessAt starts the test clock at start.
func newHarnessAt(t *testing.T, start time.Time) *harness {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(start)
	st := storetest.Open(t, store.SQLite)
	for _, code := range []string{"fgw", "zjj"} {
		_, err := st.CreateDepartment(context.Background(), slip.Department{Code: code, Name: code})
		require.NoError(t, err)
	}
	workflows.Register(env, newActivities(t, st))
	return &harness{t: t, env: env, store: st, start: start}
}

// newActivities builds the real activities on st with the shipped calendar.
func newActivities(t *testing.T, st *store.Store) *activities.Activities {
	cal, err := calendar.New(calendar.Options{MissingYear: calendar.WeekendsOnly})
	require.NoError(t, err)
	return &activities.Activities{Store: st, Planner: &reminder.Planner{Calendar: cal}, Sender: &notify.Sender{}, Now: time.Now}
}

func draft() slip.Draft {
	return slip.Draft{
		Title: "老旧小区加装电梯", Content: "年底前完成 30 部", Source: "2026新春第一会", Batch: "2026新春第一会",
		Category: "民生实事", Priority: slip.PriorityUrgent, LeadDepartment: "zjj", CoDepartments: []string{"fgw"},
		Leader: "王副市长", Deadline: calendar.MustParseDate("2026-11-30"),
	}
}

// outcome is what happened to one update.
type outcome struct {
	rejected error
	failed   error
	result   slip.Slip
	done     bool
}

// send schedules an update one hour after the previous one and returns where
// its outcome will be recorded.
func (h *harness) send(action slip.Action, cmd slip.Command) *outcome {
	h.next += time.Hour
	return h.sendAfter(h.next, action, cmd)
}

// sendAt schedules an update at instant at of the test clock.
func (h *harness) sendAt(at time.Time, action slip.Action, cmd slip.Command) *outcome {
	return h.sendAfter(at.Sub(h.start), action, cmd)
}

func (h *harness) sendAfter(delay time.Duration, action slip.Action, cmd slip.Command) *outcome {
	return h.sendWithID(delay, "", action, cmd)
}

func (h *harness) run() slip.Slip {
	return h.runSlip(slip.Slip{ID: "s1", Draft: draft(), IssuedAt: issuedAt, IssuedBy: "督查室"})
}

// runSlip runs the workflow of sl to its end.
func (h *harness) runSlip(sl slip.Slip) slip.Slip {
	h.env.ExecuteWorkflow(workflows.WorkflowName, workflows.Input{Slip: sl})
	require.True(h.t, h.env.IsWorkflowCompleted())
	var final slip.Slip
	if err := h.env.GetWorkflowError(); err == nil {
		require.NoError(h.t, h.env.GetWorkflowResult(&final))
	}
	return final
}

func (h *harness) ledger() (slip.Slip, []slip.Event) {
	sl, err := h.store.GetSlip(context.Background(), "s1")
	require.NoError(h.t, err)
	ev, err := h.store.Timeline(context.Background(), "s1")
	require.NoError(h.t, err)
	return sl, ev
}

func requireAccepted(t *testing.T, o *outcome, want slip.Status) {
	t.Helper()
	require.True(t, o.done, "update never finished")
	require.NoError(t, o.rejected)
	require.NoError(t, o.failed)
	assert.Equal(t, want, o.result.Status)
}

func requireRejected(t *testing.T, o *outcome, code string) {
	t.Helper()
	require.True(t, o.done, "update never finished")
	require.Error(t, o.rejected, "expected a rejection")
	de := workflows.DecodeError(o.rejected)
	require.NotNil(t, de, "rejection should carry a domain error: %v", o.rejected)
	assert.Equal(t, code, de.Code)
}

func TestFullLifecycleWithRework(t *testing.T) {
	h := newHarness(t)
	ack := h.send(slip.ActionAcknowledge, slip.Command{})
	prog := h.send(slip.ActionProgress, slip.Command{Text: "已完成 12 部"})
	res1 := h.send(slip.ActionResolve, slip.Command{Summary: "完成 30 部", Evidence: []string{"验收单.pdf"}})
	back := h.send(slip.ActionSendBack, slip.Command{Comment: "回头看发现 3 部未通过验收", Actor: "督查室"})
	res2 := h.send(slip.ActionResolve, slip.Command{Summary: "整改完毕", Evidence: []string{"复验单.pdf", "照片.zip"}})
	pass := h.send(slip.ActionPassReview, slip.Command{Actor: "督查室"})
	sign := h.send(slip.ActionSignOff, slip.Command{Comment: "同意销号", Actor: "督查室"})
	final := h.run()

	requireAccepted(t, ack, slip.StatusInProgress)
	requireAccepted(t, prog, slip.StatusInProgress)
	requireAccepted(t, res1, slip.StatusPendingReview)
	requireAccepted(t, back, slip.StatusInProgress)
	assert.Equal(t, 1, back.result.ReworkCount)
	requireAccepted(t, res2, slip.StatusPendingReview)
	requireAccepted(t, pass, slip.StatusPendingSignoff)
	requireAccepted(t, sign, slip.StatusClosed)

	assert.Equal(t, slip.StatusClosed, final.Status)
	assert.Equal(t, "督〔2026〕1号", final.Number)
	assert.Equal(t, 1, final.ReworkCount)
	assert.Equal(t, int64(8), final.Seq)
	require.NotNil(t, final.ClosedAt)
	assert.True(t, final.ClosedAt.Equal(issuedAt.Add(7*time.Hour)), "closed at %v", final.ClosedAt)
	assert.True(t, final.ResolvedAt.Equal(issuedAt.Add(5*time.Hour)), "latest resolution counts")

	sl, events := h.ledger()
	assert.Equal(t, slip.StatusClosed, sl.Status)
	assert.Equal(t, "已完成 12 部", sl.LatestProgress)
	assert.Equal(t, 1, sl.ReworkCount)
	want := []slip.Action{slip.ActionIssue, slip.ActionAcknowledge, slip.ActionProgress, slip.ActionResolve,
		slip.ActionSendBack, slip.ActionResolve, slip.ActionPassReview, slip.ActionSignOff}
	require.Len(t, events, len(want))
	for i, e := range events {
		assert.Equal(t, int64(i+1), e.Seq)
		assert.Equal(t, want[i], e.Type)
		assert.True(t, e.At.Equal(issuedAt.Add(time.Duration(i)*time.Hour)), "event %d at %v", i+1, e.At)
	}
	assert.Equal(t, "回头看发现 3 部未通过验收", events[4].Payload["comment"])
	assert.Equal(t, slip.StatusPendingReview, events[4].From)
	assert.Equal(t, "督查室", events[4].Actor)
}

// reach lists, for every non-initial status, the actions that lead there.
var reach = map[slip.Status][]slip.Command{
	slip.StatusIssued:         nil,
	slip.StatusInProgress:     {{Action: slip.ActionAcknowledge}},
	slip.StatusPendingReview:  {{Action: slip.ActionAcknowledge}, {Action: slip.ActionResolve, Summary: "s", Evidence: []string{"e"}}},
	slip.StatusPendingSignoff: {{Action: slip.ActionAcknowledge}, {Action: slip.ActionResolve, Summary: "s", Evidence: []string{"e"}}, {Action: slip.ActionPassReview}},
}

// validCommand fills in what action needs so that only the status decides.
func validCommand(a slip.Action) slip.Command {
	return slip.Command{Action: a, Text: "t", Summary: "s", Evidence: []string{"e"}, Comment: "c", Reason: "r"}
}

func TestEveryInvalidTransitionIsRejectedAndChangesNothing(t *testing.T) {
	for status, path := range reach {
		allowed := map[slip.Action]bool{}
		for _, a := range slip.Allowed(status) {
			allowed[a] = true
		}
		for _, action := range []slip.Action{slip.ActionAcknowledge, slip.ActionProgress, slip.ActionResolve,
			slip.ActionPassReview, slip.ActionSendBack, slip.ActionSignOff, slip.ActionCancel} {
			if allowed[action] {
				continue
			}
			t.Run(string(status)+"/"+string(action), func(t *testing.T) {
				h := newHarness(t)
				for _, c := range path {
					h.send(c.Action, c)
				}
				bad := h.send(action, validCommand(action))
				h.send(slip.ActionCancel, slip.Command{Reason: "结束测试"})
				h.run()
				requireRejected(t, bad, slip.CodeInvalidTransition)
				_, events := h.ledger()
				require.Len(t, events, 1+len(path)+1, "rejected action left a trace")
				assert.Equal(t, slip.ActionCancel, events[len(events)-1].Type, "the cancel follows the path directly")
				assert.Equal(t, status, events[len(events)-1].From, "the rejected action did not move the slip")
			})
		}
	}
}

func TestValidatorRejectsIncompleteCommands(t *testing.T) {
	h := newHarness(t)
	h.send(slip.ActionAcknowledge, slip.Command{})
	noEvidence := h.send(slip.ActionResolve, slip.Command{Summary: "完成"})
	noText := h.send(slip.ActionProgress, slip.Command{Text: "  "})
	h.send(slip.ActionCancel, slip.Command{Reason: "结束"})
	h.run()
	requireRejected(t, noEvidence, slip.CodeInvalidField)
	requireRejected(t, noText, slip.CodeInvalidField)
}

func TestCancelFromEveryOpenStatus(t *testing.T) {
	for status, path := range reach {
		t.Run(string(status), func(t *testing.T) {
			h := newHarness(t)
			for _, c := range path {
				h.send(c.Action, c)
			}
			cancel := h.send(slip.ActionCancel, slip.Command{Reason: "情况变化，撤销交办", Actor: "督查室"})
			after := h.send(slip.ActionProgress, slip.Command{Text: "too late"})
			final := h.run()
			requireAccepted(t, cancel, slip.StatusCancelled)
			assert.Equal(t, slip.StatusCancelled, final.Status)
			// The workflow has completed: a later update finds no running workflow.
			assert.False(t, after.done && after.rejected == nil && after.failed == nil, "no action after cancel")
			sl, events := h.ledger()
			assert.Equal(t, slip.StatusCancelled, sl.Status)
			assert.Equal(t, slip.ActionCancel, events[len(events)-1].Type)
			assert.Equal(t, "情况变化，撤销交办", events[len(events)-1].Payload["reason"])
		})
	}
}

func TestContinueAsNewCarriesState(t *testing.T) {
	h := newHarness(t)
	h.send(slip.ActionAcknowledge, slip.Command{})
	h.send(slip.ActionProgress, slip.Command{Text: "第一次进展"})
	h.env.RegisterDelayedCallback(func() { h.env.SetContinueAsNewSuggested(true) }, h.next+time.Minute)
	h.run()

	err := h.env.GetWorkflowError()
	var can *workflow.ContinueAsNewError
	require.ErrorAs(t, err, &can)
	assert.Equal(t, workflows.WorkflowName, can.WorkflowType.Name)
	var carried workflows.Input
	require.NoError(t, converter.GetDefaultDataConverter().FromPayloads(can.Input, &carried))
	assert.Equal(t, slip.StatusInProgress, carried.Slip.Status)
	assert.Equal(t, int64(3), carried.Slip.Seq)
	assert.Equal(t, "督〔2026〕1号", carried.Slip.Number)
	assert.Equal(t, "第一次进展", carried.Slip.LatestProgress)

	// The next run picks up where the last one stopped: no second issue
	// record, sequence numbers continue.
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(issuedAt.Add(24 * time.Hour))
	workflows.Register(env, newActivities(t, h.store))
	h2 := &harness{t: t, env: env, store: h.store}
	res := h2.send(slip.ActionResolve, slip.Command{Summary: "完成", Evidence: []string{"e"}})
	h2.send(slip.ActionPassReview, slip.Command{})
	h2.send(slip.ActionSignOff, slip.Command{})
	env.ExecuteWorkflow(workflows.WorkflowName, carried)
	require.NoError(t, env.GetWorkflowError())
	requireAccepted(t, res, slip.StatusPendingReview)
	assert.Equal(t, int64(4), res.result.Seq)

	sl, events := h.ledger()
	assert.Equal(t, slip.StatusClosed, sl.Status)
	assert.Equal(t, "督〔2026〕1号", sl.Number)
	require.Len(t, events, 6)
	for i, e := range events {
		assert.Equal(t, int64(i+1), e.Seq)
	}
}

func TestQueryState(t *testing.T) {
	h := newHarness(t)
	h.send(slip.ActionAcknowledge, slip.Command{})
	h.env.RegisterDelayedCallback(func() {
		v, err := h.env.QueryWorkflow(workflows.QueryState)
		require.NoError(t, err)
		var s slip.Slip
		require.NoError(t, v.Get(&s))
		assert.Equal(t, slip.StatusInProgress, s.Status)
		assert.Equal(t, "督〔2026〕1号", s.Number)
	}, 90*time.Minute)
	h.send(slip.ActionCancel, slip.Command{Reason: "r"})
	h.run()
}
