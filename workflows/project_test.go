package workflows_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/duban-gov/duban/activities"
	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/project"
	"github.com/duban-gov/duban/reminder"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
	"github.com/duban-gov/duban/workflows"
)

// projectHarness runs one project workflow on the test clock against a real
// SQLite ledger.
type projectHarness struct {
	t     *testing.T
	env   *testsuite.TestWorkflowEnvironment
	store *store.Store
	start time.Time
}

func newProjectHarness(t *testing.T, start time.Time) *projectHarness {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(start)
	st := storetest.Open(t, store.SQLite)
	cal, err := calendar.New(calendar.Options{MissingYear: calendar.WeekendsOnly})
	require.NoError(t, err)
	workflows.RegisterProjects(env, &activities.Projects{Store: st, Planner: &reminder.Planner{Calendar: cal}})
	return &projectHarness{t: t, env: env, store: st, start: start}
}

type projectOutcome struct {
	rejected error
	failed   error
	done     bool
}

func (h *projectHarness) sendAt(at time.Time, cmd project.Command) *projectOutcome {
	o := &projectOutcome{}
	h.env.RegisterDelayedCallback(func() {
		h.env.UpdateWorkflow(workflows.ProjectUpdateName(cmd.Action), "", &testsuite.TestUpdateCallback{
			OnAccept:   func() {},
			OnReject:   func(err error) { o.rejected, o.done = err, true },
			OnComplete: func(_ any, err error) { o.failed, o.done = err, true },
		}, cmd)
	}, at.Sub(h.start))
	return o
}

// at runs fn at instant at of the test clock.
func (h *projectHarness) at(at time.Time, fn func()) {
	h.env.RegisterDelayedCallback(fn, at.Sub(h.start))
}

func twoMilestoneProject(created time.Time) project.Project {
	d := calendar.MustParseDate
	return project.Project{ID: "p1", Name: "新能源电池产业园", Category: "industry", Batch: "第一批", OwnerUnit: "fgw",
		LeaderID: 3, LeaderName: "王副市长", EndDate: d("2026-09-30"), Status: project.StatusActive,
		CreatedAt: created, CreatedBy: "督查室", Policy: slip.DefaultReminderPolicy(),
		Milestones: []project.Milestone{
			{Key: "lixiang", Name: "立项", OwnerUnit: "fgw", Planned: d("2026-09-14"), Due: d("2026-09-14"), Status: project.MilestoneOpen},
			{Key: "kaigong", Name: "开工", OwnerUnit: "zjj", Planned: d("2026-09-28"), Due: d("2026-09-28"), Status: project.MilestoneOpen},
		}}
}

// TestMissedMilestoneEscalatesAndTurnsProjectRed walks a project through
// its milestones' clocks on the test clock: 立项 (fgw, due Monday
// 2026-09-14) is missed, so after the 叮 reminders (3 and 1 working days
// before, and the due day) it is chased with 催办 at +1 working day and 督办
// at +3, and the ledger shows the project 红 until fgw reports it met; 开工
// (zjj, due 2026-09-28, after 中秋 09-25..27) gets its 叮 3 working days
// before on 09-22 and 1 before on 09-24. Accepting a milestone twice is
// refused; when both are accepted the office signs the project off (销号).
func TestMissedMilestoneEscalatesAndTurnsProjectRed(t *testing.T) {
	start := at("2026-09-01", 10, 0)
	h := newProjectHarness(t, start)
	ctx := context.Background()
	colourOn := func(day string) string {
		today := calendar.MustParseDate(day)
		for _, c := range []string{"red", "yellow", "green"} {
			ps, err := h.store.ListProjects(ctx, store.ProjectFilter{Colour: c, Today: today, YellowBy: today.AddDays(5)})
			require.NoError(t, err)
			if len(ps) == 1 {
				return c
			}
		}
		return "none"
	}
	var redOn16, levelOn16, greenOn18 any
	h.at(at("2026-09-16", 12, 0), func() {
		redOn16 = colourOn("2026-09-16")
		p, err := h.store.GetProject(ctx, "p1")
		require.NoError(t, err)
		levelOn16 = p.Milestones[0].EscalationLevel
	})
	h.sendAt(at("2026-09-18", 10, 0), project.Command{Action: project.ActionReport, Milestone: "lixiang",
		Actual: calendar.MustParseDate("2026-09-18"), Evidence: []string{"立项批复.pdf"}, Actor: "发改委"})
	h.at(at("2026-09-18", 10, 30), func() { greenOn18 = colourOn("2026-09-18") })
	h.sendAt(at("2026-09-18", 11, 0), project.Command{Action: project.ActionAccept, Milestone: "lixiang", Actor: "督查室"})
	twice := h.sendAt(at("2026-09-18", 11, 30), project.Command{Action: project.ActionAccept, Milestone: "lixiang", Actor: "督查室"})
	early := h.sendAt(at("2026-09-18", 11, 45), project.Command{Action: project.ActionSignOff, Actor: "督查室"})
	h.sendAt(at("2026-09-24", 10, 0), project.Command{Action: project.ActionReport, Milestone: "kaigong",
		Actual: calendar.MustParseDate("2026-09-24"), Evidence: []string{"施工许可证.pdf"}, Actor: "住建局"})
	h.sendAt(at("2026-09-24", 11, 0), project.Command{Action: project.ActionAccept, Milestone: "kaigong", Actor: "督查室"})
	h.sendAt(at("2026-09-24", 12, 0), project.Command{Action: project.ActionSignOff, Actor: "督查室", Comment: "同意销号"})

	h.env.ExecuteWorkflow(workflows.ProjectWorkflowName, workflows.ProjectInput{Project: twoMilestoneProject(start)})
	require.True(t, h.env.IsWorkflowCompleted())
	require.NoError(t, h.env.GetWorkflowError())
	var final project.Project
	require.NoError(t, h.env.GetWorkflowResult(&final))
	assert.Equal(t, project.StatusSignedOff, final.Status)

	assert.Equal(t, "red", redOn16, "a missed milestone turns the project red")
	assert.Equal(t, slip.LevelUrge, levelOn16)
	assert.Equal(t, "green", greenOn18, "met: the worst open milestone is now 开工, due 09-28")
	require.NotNil(t, workflows.DecodeError(twice.rejected))
	assert.Equal(t, project.CodeAlreadyAccepted, workflows.DecodeError(twice.rejected).Code)
	require.NotNil(t, workflows.DecodeError(early.rejected))
	assert.Equal(t, project.CodeNotReady, workflows.DecodeError(early.rejected).Code)

	type step struct {
		Type      project.Action
		Milestone string
		At        string
	}
	events, err := h.store.ProjectTimeline(ctx, "p1")
	require.NoError(t, err)
	var got []step
	for i, e := range events {
		require.Equal(t, int64(i+1), e.Seq, "timeline numbered 1…n")
		got = append(got, step{e.Type, e.Milestone, e.At.In(calendar.Zone).Format("2006-01-02 15:04")})
	}
	due, urge, supervise := project.Action(slip.EventDueReminder), project.Action(slip.EventUrge), project.Action(slip.EventSupervise)
	assert.Equal(t, []step{
		{project.ActionCreate, "", "2026-09-01 10:00"},
		{due, "lixiang", "2026-09-09 09:00"},       // 3 working days before 09-14
		{due, "lixiang", "2026-09-11 09:00"},       // 1 working day before
		{due, "lixiang", "2026-09-14 09:00"},       // the due day
		{urge, "lixiang", "2026-09-15 09:00"},      // 催办 +1 working day
		{supervise, "lixiang", "2026-09-17 09:00"}, // 督办 +3
		{project.ActionReport, "lixiang", "2026-09-18 10:00"},
		{project.ActionAccept, "lixiang", "2026-09-18 11:00"},
		{due, "kaigong", "2026-09-22 09:00"}, // 3 working days before 09-28: 09-24, 09-23, 09-22 (中秋 09-25..27 off)
		{due, "kaigong", "2026-09-24 09:00"}, // 1 working day before
		{project.ActionReport, "kaigong", "2026-09-24 10:00"},
		{project.ActionAccept, "kaigong", "2026-09-24 11:00"},
		{project.ActionSignOff, "", "2026-09-24 12:00"},
	}, got)

	p, err := h.store.GetProject(ctx, "p1")
	require.NoError(t, err)
	assert.Equal(t, project.StatusSignedOff, p.Status)
	assert.Equal(t, int64(13), p.Seq)
	// 督办 reached the responsible leader's inbox.
	ns, err := h.store.ListNotifications(ctx, store.NotificationFilter{RecipientKind: store.RecipientLeader, Recipient: "王副市长"})
	require.NoError(t, err)
	require.Len(t, ns, 1)
	assert.Contains(t, ns[0].Title, "督办")
}

// TestApprovedExtensionMovesTheMilestoneClock: 立项 due Monday 2026-09-14
// gets its first 叮 on 09-09; fgw asks on 09-10 for 09-21 and the office
// approves, so the ladder runs afresh from the new date: 叮 3 working days
// before on 09-17, 1 before on Sunday 09-20 (调休, worked), on the day, then
// 催办 on 09-22. The planned date stays 09-14 beside the new due date.
func TestApprovedExtensionMovesTheMilestoneClock(t *testing.T) {
	start := at("2026-09-01", 10, 0)
	h := newProjectHarness(t, start)
	pr := twoMilestoneProject(start)
	pr.Milestones = pr.Milestones[:1]
	tooLate := h.sendAt(at("2026-09-10", 9, 30), project.Command{Action: project.ActionRequestExtension, Milestone: "lixiang",
		Date: calendar.MustParseDate("2026-10-09"), Comment: "用地审批未完成", Actor: "发改委"})
	h.sendAt(at("2026-09-10", 10, 0), project.Command{Action: project.ActionRequestExtension, Milestone: "lixiang",
		Date: calendar.MustParseDate("2026-09-21"), Comment: "用地审批未完成", Actor: "发改委"})
	h.sendAt(at("2026-09-10", 11, 0), project.Command{Action: project.ActionDecideExtension, Milestone: "lixiang", Approved: true, Actor: "督查室"})
	h.sendAt(at("2026-09-22", 10, 0), project.Command{Action: project.ActionReport, Milestone: "lixiang",
		Actual: calendar.MustParseDate("2026-09-22"), Evidence: []string{"立项批复.pdf"}, Actor: "发改委"})
	h.sendAt(at("2026-09-22", 11, 0), project.Command{Action: project.ActionAccept, Milestone: "lixiang", Actor: "督查室"})
	h.sendAt(at("2026-09-22", 12, 0), project.Command{Action: project.ActionSignOff, Actor: "督查室"})

	h.env.ExecuteWorkflow(workflows.ProjectWorkflowName, workflows.ProjectInput{Project: pr})
	require.True(t, h.env.IsWorkflowCompleted())
	require.NoError(t, h.env.GetWorkflowError())
	require.NotNil(t, workflows.DecodeError(tooLate.rejected), "an extension past the end date is refused")
	assert.Equal(t, project.CodeMilestoneAfterEnd, workflows.DecodeError(tooLate.rejected).Code)

	events, err := h.store.ProjectTimeline(context.Background(), "p1")
	require.NoError(t, err)
	var got []string
	for _, e := range events {
		got = append(got, string(e.Type)+" "+e.At.In(calendar.Zone).Format("2006-01-02 15:04"))
	}
	assert.Equal(t, []string{
		"create 2026-09-01 10:00",
		"due_reminder 2026-09-09 09:00",
		"request_extension 2026-09-10 10:00",
		"decide_extension 2026-09-10 11:00",
		"due_reminder 2026-09-17 09:00",
		"due_reminder 2026-09-20 09:00",
		"due_reminder 2026-09-21 09:00",
		"urge 2026-09-22 09:00",
		"report 2026-09-22 10:00",
		"accept 2026-09-22 11:00",
		"sign_off 2026-09-22 12:00",
	}, got)
	p, err := h.store.GetProject(context.Background(), "p1")
	require.NoError(t, err)
	m := p.Milestones[0]
	assert.Equal(t, "2026-09-14", m.Planned.String())
	assert.Equal(t, "2026-09-21", m.Due.String())
	assert.Equal(t, 1, m.Extensions)
	assert.Equal(t, slip.LevelUrge, m.EscalationLevel)
	assert.Equal(t, "2026-09-22", m.Actual.String(), "met a day late")
}

// TestProjectLedgerOutageIsWaitedOut: the ledger refuses the report's write
// twice (as a locked or unreachable database does). The report is neither
// lost nor half done: it completes once the ledger takes it (after pauses
// of one and two minutes), the next action gets the next number, and the
// timeline reads 1, 2, 3.
func TestProjectLedgerOutageIsWaitedOut(t *testing.T) {
	start := at("2026-09-01", 10, 0)
	h := newProjectHarness(t, start)
	cal, err := calendar.New(calendar.Options{MissingYear: calendar.WeekendsOnly})
	require.NoError(t, err)
	acts := &activities.Projects{Store: h.store, Planner: &reminder.Planner{Calendar: cal}}
	failed := 0
	h.env.OnActivity("RecordProject", mock.Anything, mock.Anything).Return(func(ctx context.Context, w activities.ProjectWrite) error {
		if w.Event.Type == project.ActionReport && failed < 2 {
			failed++
			return temporal.NewNonRetryableApplicationError("database is locked", "outage", errors.New("SQLITE_BUSY"))
		}
		return acts.RecordProject(ctx, w)
	})
	pr := twoMilestoneProject(start)
	pr.Milestones = pr.Milestones[:1]
	report := h.sendAt(at("2026-09-03", 10, 0), project.Command{Action: project.ActionReport, Milestone: "lixiang",
		Actual: calendar.MustParseDate("2026-09-03"), Evidence: []string{"立项批复.pdf"}, Actor: "发改委"})
	accept := h.sendAt(at("2026-09-03", 12, 0), project.Command{Action: project.ActionAccept, Milestone: "lixiang", Actor: "督查室"})
	h.sendAt(at("2026-09-03", 13, 0), project.Command{Action: project.ActionSignOff, Actor: "督查室"})
	h.env.ExecuteWorkflow(workflows.ProjectWorkflowName, workflows.ProjectInput{Project: pr})
	require.True(t, h.env.IsWorkflowCompleted())
	require.NoError(t, h.env.GetWorkflowError())
	assert.Equal(t, 2, failed)
	require.True(t, report.done)
	require.NoError(t, report.rejected)
	require.NoError(t, report.failed)
	require.NoError(t, accept.failed)

	events, err := h.store.ProjectTimeline(context.Background(), "p1")
	require.NoError(t, err)
	var got []string
	for i, e := range events {
		require.Equal(t, int64(i+1), e.Seq)
		got = append(got, string(e.Type)+" "+e.At.In(calendar.Zone).Format("2006-01-02 15:04"))
	}
	assert.Equal(t, []string{"create 2026-09-01 10:00", "report 2026-09-03 10:00", "accept 2026-09-03 12:00", "sign_off 2026-09-03 13:00"}, got)
}

// TestProjectLedgerAheadRefusesAnotherAction: the ledger holds an action
// (an extension request as event 2) whose workflow task was lost. A
// different action proposed under that number is refused with
// ledger_ahead, never written over it.
func TestProjectLedgerAheadRefusesAnotherAction(t *testing.T) {
	start := at("2026-09-01", 10, 0)
	h := newProjectHarness(t, start)
	pr := twoMilestoneProject(start)
	h.at(at("2026-09-02", 10, 0), func() {
		held, err := h.store.GetProject(context.Background(), "p1")
		require.NoError(t, err)
		ev, err := held.Apply(project.Command{Action: project.ActionRequestExtension, Milestone: "lixiang",
			Date: calendar.MustParseDate("2026-09-18"), Comment: "用地审批未完成", Actor: "发改委"}, at("2026-09-02", 10, 0))
		require.NoError(t, err)
		require.NoError(t, h.store.ProjectProject(context.Background(), held, ev))
	})
	report := h.sendAt(at("2026-09-02", 11, 0), project.Command{Action: project.ActionReport, Milestone: "lixiang",
		Actual: calendar.MustParseDate("2026-09-02"), Evidence: []string{"立项批复.pdf"}, Actor: "发改委"})
	h.at(at("2026-09-02", 12, 0), func() { h.env.CancelWorkflow() })
	h.env.ExecuteWorkflow(workflows.ProjectWorkflowName, workflows.ProjectInput{Project: pr})
	require.True(t, report.done)
	de := workflows.DecodeError(report.failed)
	require.NotNil(t, de, "want ledger_ahead, got %v", report.failed)
	assert.Equal(t, "ledger_ahead", de.Code)
	events, err := h.store.ProjectTimeline(context.Background(), "p1")
	require.NoError(t, err)
	require.Len(t, events, 2)
	assert.Equal(t, project.ActionRequestExtension, events[1].Type, "the held action stays")
}
