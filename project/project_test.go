package project_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/project"
	"github.com/duban-gov/duban/reminder"
	"github.com/duban-gov/duban/slip"
)

// industrial is an 产业项目 template: 立项 20 working days before the end,
// 开工 10, 主体完工 5, 投产 on the end date.
func industrial() project.Category {
	return project.Category{Code: "industry", Name: "产业项目", Nodes: []project.Node{
		{Key: "lixiang", Name: "立项", OffsetWorkingDays: 20},
		{Key: "kaigong", Name: "开工", OffsetWorkingDays: 10, DependsOn: []string{"lixiang"}},
		{Key: "zhuti", Name: "主体完工", OffsetWorkingDays: 5, DependsOn: []string{"kaigong"}},
		{Key: "touchan", Name: "投产", OffsetWorkingDays: 0, DependsOn: []string{"zhuti"}},
	}, Attributes: []project.Attribute{{Name: "用地面积", Type: project.AttrNumber, Required: true}, {Name: "备案日期", Type: project.AttrDate}}}
}

func d(s string) calendar.Date { return calendar.MustParseDate(s) }

// TestPlanBackwardsAcrossNationalDay plans a project due Friday 2026-10-16
// back across 国庆 2026 (10-01..10-07 off, Saturday 10-10 worked) and 中秋
// (09-25..27 off, Sunday 09-20 worked). Counting back from 10-16: 10-15 (1),
// 10-14, 10-13, 10-12, Saturday 10-10 (5), 10-09, 10-08, then over the
// holiday 09-30 (8), 09-29, 09-28 (10), over 中秋 09-24 (11), 09-23, 09-22,
// 09-21, Sunday 09-20 (15), 09-18, 09-17, 09-16, 09-15, 09-14 (20).
func TestPlanBackwardsAcrossNationalDay(t *testing.T) {
	cal, err := calendar.Default()
	require.NoError(t, err)
	c := industrial()
	require.NoError(t, c.Validate())
	plan, err := project.PlanBackwards(cal, c, d("2026-10-16"))
	require.NoError(t, err)
	got := map[string]string{}
	for _, n := range plan {
		got[n.Name] = n.Planned.String()
	}
	assert.Equal(t, map[string]string{"立项": "2026-09-14", "开工": "2026-09-28", "主体完工": "2026-10-10", "投产": "2026-10-16"}, got)

	// A year without holiday data is refused rather than guessed.
	_, err = project.PlanBackwards(cal, c, d("2027-03-01"))
	var noData *calendar.NoDataError
	require.ErrorAs(t, err, &noData)
}

func code(t *testing.T, err error) string {
	t.Helper()
	de := slip.AsError(err)
	require.NotNil(t, de, "want a domain error, got %v", err)
	return de.Code
}

func TestTemplateRefusals(t *testing.T) {
	cyc := industrial()
	cyc.Nodes[0].DependsOn = []string{"touchan"}
	err := cyc.Validate()
	assert.Equal(t, project.CodeTemplateCycle, code(t, err))
	assert.Contains(t, err.Error(), "成环")
	assert.Equal(t, slip.KindUnprocessable, slip.AsError(err).Kind)

	self := industrial()
	self.Nodes[1].DependsOn = []string{"kaigong"}
	assert.Equal(t, project.CodeTemplateCycle, code(t, self.Validate()))

	order := industrial()
	order.Nodes[1].OffsetWorkingDays = 30 // 开工 before 立项 in time but after it in order
	assert.Equal(t, project.CodeTemplateInvalid, code(t, order.Validate()))

	missing := industrial()
	missing.Nodes[2].DependsOn = []string{"nope"}
	assert.Equal(t, project.CodeTemplateInvalid, code(t, missing.Validate()))
}

func draft() project.Draft {
	return project.Draft{Name: "新能源电池产业园", Category: "industry", Batch: "第一批", OwnerUnit: "fgw", LeaderID: 7,
		Investment: 1250000, Attributes: map[string]string{"用地面积": "320.5"}, EndDate: d("2026-10-16"),
		Milestones: []project.MilestoneDraft{
			{Key: "lixiang", Planned: d("2026-09-14")}, {Key: "kaigong", Planned: d("2026-09-28"), OwnerUnit: "zjj"},
			{Key: "zhuti", Planned: d("2026-10-10")}, {Key: "touchan", Planned: d("2026-10-16")},
		}}
}

func TestDraftRefusals(t *testing.T) {
	c := industrial()
	require.NoError(t, c.Validate())
	ok := draft()
	ok.Normalize()
	ms, err := ok.Build(c)
	require.NoError(t, err)
	require.Len(t, ms, 4)
	assert.Equal(t, "fgw", ms[0].OwnerUnit)
	assert.Equal(t, "zjj", ms[1].OwnerUnit)

	for name, tc := range map[string]struct {
		edit func(*project.Draft)
		code string
	}{
		"after the end":      {func(d0 *project.Draft) { d0.Milestones[3].Planned = d("2026-10-19") }, project.CodeMilestoneAfterEnd},
		"dates out of order": {func(d0 *project.Draft) { d0.Milestones[2].Planned = d("2026-09-20") }, project.CodeMilestoneOrder},
		"nodes out of order": {func(d0 *project.Draft) { d0.Milestones[0], d0.Milestones[1] = d0.Milestones[1], d0.Milestones[0] }, project.CodeMilestoneOrder},
		"unknown node":       {func(d0 *project.Draft) { d0.Milestones[0].Key = "x" }, project.CodeMilestoneOrder},
		"missing attribute":  {func(d0 *project.Draft) { d0.Attributes = nil }, project.CodeAttribute},
		"number attribute":   {func(d0 *project.Draft) { d0.Attributes["用地面积"] = "很大" }, project.CodeAttribute},
		"unknown attribute":  {func(d0 *project.Draft) { d0.Attributes["颜色"] = "红" }, project.CodeAttribute},
	} {
		t.Run(name, func(t *testing.T) {
			dr := draft()
			tc.edit(&dr)
			dr.Normalize()
			_, err := dr.Build(c)
			assert.Equal(t, tc.code, code(t, err))
		})
	}
}

func newProject(t *testing.T) project.Project {
	c := industrial()
	require.NoError(t, c.Validate())
	dr := draft()
	dr.Normalize()
	ms, err := dr.Build(c)
	require.NoError(t, err)
	p := project.Project{ID: "p1", Name: dr.Name, Category: c.Code, OwnerUnit: dr.OwnerUnit, EndDate: dr.EndDate, Milestones: ms,
		Status: project.StatusActive, CreatedAt: time.Date(2026, 9, 1, 2, 0, 0, 0, time.UTC)}
	p.Created()
	return p
}

func TestAcceptTwiceAndSignOff(t *testing.T) {
	p := newProject(t)
	now := time.Date(2026, 10, 20, 2, 0, 0, 0, time.UTC)
	_, err := p.Apply(project.Command{Action: project.ActionSignOff}, now)
	assert.Equal(t, project.CodeNotReady, code(t, err))
	_, err = p.Apply(project.Command{Action: project.ActionAccept, Milestone: "lixiang"}, now)
	assert.Equal(t, project.CodeMilestoneState, code(t, err), "an open milestone is not accepted")
	for _, m := range p.Milestones {
		_, err := p.Apply(project.Command{Action: project.ActionReport, Milestone: m.Key, Actual: d("2026-10-15"), Evidence: []string{"验收报告.pdf"}}, now)
		require.NoError(t, err)
		_, err = p.Apply(project.Command{Action: project.ActionAccept, Milestone: m.Key, Actor: "督查室"}, now)
		require.NoError(t, err)
	}
	before := p.Clone()
	_, err = p.Apply(project.Command{Action: project.ActionAccept, Milestone: "kaigong"}, now)
	assert.Equal(t, project.CodeAlreadyAccepted, code(t, err))
	assert.Equal(t, slip.KindConflict, slip.AsError(err).Kind)
	assert.Equal(t, before, p, "a refused action changes nothing")
	ev, err := p.Apply(project.Command{Action: project.ActionSignOff}, now)
	require.NoError(t, err)
	assert.Equal(t, project.StatusSignedOff, p.Status)
	assert.Equal(t, int64(10), ev.Seq)
}

// TestColourFollowsWorstOpenMilestone: a milestone past its date turns the
// project red until it is met.
func TestColourFollowsWorstOpenMilestone(t *testing.T) {
	p := newProject(t)
	cal, err := calendar.Default()
	require.NoError(t, err)
	colour := func(day string) reminder.Colour {
		by, err := reminder.YellowBy(cal, d(day))
		require.NoError(t, err)
		return p.Colour(d(day), by)
	}
	assert.Equal(t, reminder.Green, colour("2026-09-01"))
	assert.Equal(t, reminder.Yellow, colour("2026-09-10"))
	assert.Equal(t, reminder.Red, colour("2026-09-15"))
	_, err = p.Apply(project.Command{Action: project.ActionReport, Milestone: "lixiang", Actual: d("2026-09-15"), Evidence: []string{"批复"}},
		time.Date(2026, 9, 15, 3, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	assert.Equal(t, reminder.Green, colour("2026-09-15"))
	assert.Equal(t, d("2026-09-28"), p.WorstDue())
}

// TestAllowedAgreesWithApply: every action Allowed offers on a milestone (or
// the project) is one Apply takes, and every other is one it refuses.
func TestAllowedAgreesWithApply(t *testing.T) {
	now := time.Date(2026, 9, 10, 2, 0, 0, 0, time.UTC)
	cmd := func(a project.Action, key string) project.Command {
		return project.Command{Action: a, Milestone: key, Actual: d("2026-09-10"), Evidence: []string{"x"}, Comment: "理由",
			Date: d("2026-09-15"), Approved: true, SlipID: "s1"}
	}
	check := func(p project.Project, key string) {
		allowed := map[project.Action]bool{}
		for _, a := range p.Allowed(key) {
			allowed[a] = true
		}
		actions := project.Actions
		for _, a := range actions {
			if (key == "") != (a == project.ActionInstruct || a == project.ActionSignOff) {
				continue
			}
			err := p.ApplyErr(cmd(a, key), now)
			assert.Equal(t, allowed[a], err == nil, "%s on %q: allowed %v, Apply says %v", a, key, allowed[a], err)
		}
	}
	p := newProject(t)
	check(p, "")
	check(p, "lixiang")
	_, err := p.Apply(cmd(project.ActionRequestExtension, "lixiang"), now)
	require.NoError(t, err)
	check(p, "lixiang")
	for _, m := range p.Milestones {
		_, err := p.Apply(cmd(project.ActionReport, m.Key), now)
		require.NoError(t, err)
		check(p, m.Key)
		_, err = p.Apply(cmd(project.ActionAccept, m.Key), now)
		require.NoError(t, err)
		check(p, m.Key)
	}
	check(p, "")
	_, err = p.Apply(cmd(project.ActionSignOff, ""), now)
	require.NoError(t, err)
	check(p, "")
	check(p, "kaigong")
}
