package workflows_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/duban-gov/duban/activities"
	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/reinspection"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
	"github.com/duban-gov/duban/workflows"
)

// reworkLog stands in for the service's issue path, which the e2e suite
// runs for real; here it records what the workflow asked for.
type reworkLog struct {
	mu    sync.Mutex
	asked []string
}

func (l *reworkLog) IssueRework(_ context.Context, r reinspection.Reinspection) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.asked = append(l.asked, r.ID)
	return "rework-of-" + r.SlipID, nil
}

type reinspectionHarness struct {
	t      *testing.T
	env    *testsuite.TestWorkflowEnvironment
	store  *store.Store
	rework *reworkLog
	r      reinspection.Reinspection
}

// closedAt is when the slip was signed off: a Monday, 10:00 Beijing.
var closedAt = time.Date(2026, 11, 2, 10, 0, 0, 0, calendar.Zone)

func newReinspectionHarness(t *testing.T) *reinspectionHarness {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(closedAt)
	st := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	_, err := st.CreateDepartment(ctx, slip.Department{Code: "zjj", Name: "住建局"})
	require.NoError(t, err)
	sl := slip.Slip{ID: "s1", Draft: draft(), IssuedAt: issuedAt, IssuedBy: "督查室", Status: slip.StatusIssued, Seq: 1, UpdatedAt: issuedAt}
	sl.Draft.CoDepartments = nil
	_, err = st.RecordIssued(ctx, sl)
	require.NoError(t, err)
	start := time.Date(2026, 11, 5, 9, 0, 0, 0, calendar.Zone) // 3 working days later
	r := reinspection.Reinspection{ID: "r1", DrawID: "d1", SlipID: "s1", SlipNumber: "督〔2026〕1号", SlipTitle: "老旧小区加装电梯",
		LeadDepartment: "zjj", InspectorID: 42, InspectorName: "市民监督员刘", ScheduledBy: "督查室", ScheduledByID: 1,
		StartOn: calendar.DateOf(start), DueOn: calendar.MustParseDate("2026-11-12"), StartAt: start,
		DueAt: time.Date(2026, 11, 12, 9, 0, 0, 0, calendar.Zone), RemindEvery: 48 * time.Hour,
		Status: reinspection.StatusScheduled, Seq: 1, CreatedAt: closedAt, UpdatedAt: closedAt}
	require.NoError(t, st.RecordDraw(ctx, store.Draw{ID: "d1", Scope: reinspection.ScopeSlip, Percent: 100, Population: 1, Drawn: 1,
		AfterWorkingDays: 3, InspectorID: 42, CreatedBy: "督查室", CreatedAt: closedAt}, []reinspection.Reinspection{r}))
	h := &reinspectionHarness{t: t, env: env, store: st, rework: &reworkLog{}, r: r}
	workflows.RegisterReinspections(env, &activities.Reinspections{Store: st, Rework: h.rework})
	return h
}

type recordOutcome struct {
	rejected, failed error
	result           reinspection.Reinspection
	done             bool
}

// recordAt sends a finding at instant at of the test clock.
func (h *reinspectionHarness) recordAt(at time.Time, rec reinspection.Record) *recordOutcome {
	o := &recordOutcome{}
	h.env.RegisterDelayedCallback(func() {
		h.env.UpdateWorkflow(workflows.ReinspectionRecordUpdate, "", &testsuite.TestUpdateCallback{
			OnAccept: func() {},
			OnReject: func(err error) { o.rejected, o.done = err, true },
			OnComplete: func(v any, err error) {
				o.done, o.failed = true, err
				if err == nil {
					o.result = v.(reinspection.Reinspection)
				}
			},
		}, rec)
	}, at.Sub(closedAt))
	return o
}

func (h *reinspectionHarness) run() reinspection.Reinspection {
	h.env.ExecuteWorkflow(workflows.ReinspectionWorkflowName, h.r)
	require.True(h.t, h.env.IsWorkflowCompleted())
	require.NoError(h.t, h.env.GetWorkflowError())
	var final reinspection.Reinspection
	require.NoError(h.t, h.env.GetWorkflowResult(&final))
	return final
}

// TestReinspectionFailsLateAndOpensRework: a finding before the visit
// opens is refused; the overdue visit is escalated at exact instants (催办
// on the due day, 督办 two days later); the failure opens one rework slip.
func TestReinspectionFailsLateAndOpensRework(t *testing.T) {
	h := newReinspectionHarness(t)
	no := false
	early := h.recordAt(closedAt.Add(time.Hour), reinspection.Record{Passed: &no, Notes: "太早", InspectorID: 42})
	stranger := h.recordAt(time.Date(2026, 11, 6, 9, 0, 0, 0, calendar.Zone), reinspection.Record{Passed: &no, Notes: "不是我的", InspectorID: 7})
	late := h.recordAt(time.Date(2026, 11, 14, 15, 0, 0, 0, calendar.Zone), reinspection.Record{Passed: &no, Notes: "电梯停用，整改反弹", InspectorID: 42})
	final := h.run()

	require.True(t, early.done && stranger.done && late.done)
	de := workflows.DecodeError(early.rejected)
	require.NotNil(t, de, "early finding: %v", early.rejected)
	assert.Equal(t, reinspection.CodeNotStarted, de.Code)
	de = workflows.DecodeError(stranger.rejected)
	require.NotNil(t, de)
	assert.Equal(t, slip.KindNotFound, de.Kind)
	require.NoError(t, late.rejected)
	require.NoError(t, late.failed)
	assert.Equal(t, reinspection.StatusFailed, late.result.Status)

	assert.Equal(t, reinspection.StatusFailed, final.Status)
	assert.Equal(t, reinspection.LevelSupervise, final.EscalationLevel)
	assert.Equal(t, "rework-of-s1", final.ReworkSlipID)
	assert.Equal(t, []string{"r1"}, h.rework.asked)

	got, err := h.store.GetReinspection(context.Background(), "r1")
	require.NoError(t, err)
	assert.Equal(t, reinspection.StatusFailed, got.Status)
	assert.Equal(t, "rework-of-s1", got.ReworkSlipID)
	assert.Equal(t, "电梯停用，整改反弹", got.Notes)

	inbox, err := h.store.ListNotifications(context.Background(), store.NotificationFilter{RecipientKind: store.RecipientOffice, Recipient: "office"})
	require.NoError(t, err)
	at := map[string]time.Time{}
	for _, n := range inbox {
		at[n.Kind+"/"+string(rune('0'+n.Level))] = n.CreatedAt.In(calendar.Zone)
	}
	assert.Equal(t, h.r.StartAt, at["reinspection_assigned/0"], "assigned when the visit opens")
	assert.Equal(t, h.r.DueAt, at["reinspection_assigned/1"], "催办 on the due day")
	assert.Equal(t, h.r.DueAt.Add(48*time.Hour), at["reinspection_assigned/2"], "督办 two days later")
	assert.Contains(t, at, "reinspection_failed/2")
	dept, err := h.store.ListNotifications(context.Background(), store.NotificationFilter{RecipientKind: store.RecipientDepartment, Recipient: "zjj"})
	require.NoError(t, err)
	require.Len(t, dept, 1, "the department hears of the failure")
}

// TestReinspectionPassesInTime: a pass before the due day ends it with no
// escalation and no rework.
func TestReinspectionPassesInTime(t *testing.T) {
	h := newReinspectionHarness(t)
	yes := true
	ok := h.recordAt(time.Date(2026, 11, 9, 11, 0, 0, 0, calendar.Zone), reinspection.Record{Passed: &yes, InspectorID: 42})
	again := h.recordAt(time.Date(2026, 11, 9, 12, 0, 0, 0, calendar.Zone), reinspection.Record{Passed: &yes, InspectorID: 42})
	final := h.run()
	require.NoError(t, ok.rejected)
	assert.Equal(t, reinspection.StatusPassed, final.Status)
	assert.Equal(t, reinspection.LevelNone, final.EscalationLevel)
	assert.Empty(t, final.ReworkSlipID)
	assert.Empty(t, h.rework.asked)
	if again.done {
		assert.Error(t, again.rejected, "a second finding must be refused")
	}
	assert.Equal(t, time.Date(2026, 11, 9, 11, 0, 0, 0, calendar.Zone), final.RecordedAt.In(calendar.Zone))
}
