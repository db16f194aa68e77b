package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/project"
	"github.com/duban-gov/duban/reminder"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/workflows"
)

// Membership says whether a unit may own a milestone of a project owned by
// team (a department, or a 专班 modelled as a department). The 专班 members
// table implements it through TeamOrMembers (the default of a running
// installation); SameUnit and StaticMembership serve tests.
type Membership interface {
	IsMember(ctx context.Context, team, unit string) (bool, error)
}

// SameUnit is the Membership that knows no 专班: a project's milestones
// belong to its owner unit only.
type SameUnit struct{}

// IsMember reports whether unit is team itself.
func (SameUnit) IsMember(_ context.Context, team, unit string) (bool, error) {
	return team == unit, nil
}

// TeamOrMembers is the Membership of the 专班 members table: a unit may own
// a project's milestones when it is the owner itself or, for a 专班, one of
// its members (Members answers for 专班 only).
type TeamOrMembers struct{ Members Membership }

// IsMember reports whether unit is team or one of its members.
func (m TeamOrMembers) IsMember(ctx context.Context, team, unit string) (bool, error) {
	if team == unit {
		return true, nil
	}
	return m.Members.IsMember(ctx, team, unit)
}

// StaticMembership lists, by team, the units that may own its milestones
// besides the team itself (a fixed configuration, and what tests use).
type StaticMembership map[string][]string

// IsMember reports whether unit is team or one of its listed members.
func (m StaticMembership) IsMember(_ context.Context, team, unit string) (bool, error) {
	return team == unit || slices.Contains(m[team], unit), nil
}

// Projects creates projects, plans them backwards and acts on them through
// their workflows; reads go to the store.
type Projects struct {
	slips   *Slips
	members Membership
}

// NewProjects builds the project service on the slips service (its store,
// Temporal client, calendar, policies and issue path). A nil members is
// SameUnit.
func NewProjects(s *Slips, members Membership) *Projects {
	if members == nil {
		members = SameUnit{}
	}
	return &Projects{slips: s, members: members}
}

// PutCategory creates or replaces a category and its template (admin or
// office). A template with a dependency cycle is 422 template_cycle.
func (p *Projects) PutCategory(ctx context.Context, user identity.User, c project.Category) (project.Category, error) {
	if user.Role != slip.RoleAdmin && user.Role != slip.RoleOffice {
		return project.Category{}, slip.Forbidden("只有管理员或督查室可以设置项目类别")
	}
	if err := c.Validate(); err != nil {
		return project.Category{}, err
	}
	if err := p.slips.store.PutProjectCategory(ctx, c, p.slips.now()); err != nil {
		return project.Category{}, err
	}
	return c, nil
}

// category reads a category, answering an unknown one with 422.
func (p *Projects) category(ctx context.Context, code string) (project.Category, error) {
	c, err := p.slips.store.ProjectCategory(ctx, code)
	if de := slip.AsError(err); de != nil && de.Kind == slip.KindNotFound {
		return project.Category{}, slip.Unprocessable(project.CodeUnknownCategory, "category", "项目类别不存在：%s", code)
	}
	return c, err
}

// PlanBackwards proposes milestone dates for a category and an end date.
func (p *Projects) PlanBackwards(ctx context.Context, code string, end calendar.Date) ([]project.PlannedNode, error) {
	c, err := p.category(ctx, code)
	if err != nil {
		return nil, err
	}
	plan, err := project.PlanBackwards(p.slips.calendar, c, end)
	var missing *calendar.NoDataError
	if errors.As(err, &missing) {
		return nil, slip.Unprocessable(slip.CodeNoCalendarData, "end_date",
			"%d年节假日安排尚未载入，无法按工作日倒排；请逐个填写节点日期，或由管理员载入该年安排", missing.Year)
	}
	return plan, err
}

// Create registers a project (office): its category must exist, its
// milestones follow the template (planned backwards from the end date when
// the draft names none), every unit must exist and belong to the owner, and
// the leader must be a user with the leader role. With an idempotency key a
// repeat returns the project the first request made.
func (p *Projects) Create(ctx context.Context, user identity.User, d project.Draft, idempotencyKey string) (project.Project, error) {
	if user.Role != slip.RoleOffice {
		return project.Project{}, slip.Forbidden("只有督查室可以登记重点项目")
	}
	pr, err := p.prepare(ctx, user, d)
	if err != nil {
		return project.Project{}, err
	}
	id, err := newSlipID()
	if err != nil {
		return project.Project{}, err
	}
	if idempotencyKey != "" {
		hash, err := requestHash("project", d)
		if err != nil {
			return project.Project{}, err
		}
		held, err := p.slips.store.ClaimIdempotencyKey(ctx, user.ID, "project:"+idempotencyKey, id, hash)
		if err != nil {
			return project.Project{}, err
		}
		if held.RequestHash != hash {
			return project.Project{}, keyReused()
		}
		id = held.SlipID // a repeat finishes (or returns) what the first started
	}
	pr.ID = id
	return p.start(ctx, pr)
}

// prepare checks a draft against the category, the units, the 专班's
// members, the leader and the calendar, and returns the project to start
// (without its id). It changes nothing: the import's preview uses it too.
func (p *Projects) prepare(ctx context.Context, user identity.User, d project.Draft) (project.Project, error) {
	d.Normalize()
	c, err := p.category(ctx, d.Category)
	if err != nil {
		return project.Project{}, err
	}
	if len(d.Milestones) == 0 && !d.EndDate.IsZero() {
		plan, err := p.PlanBackwards(ctx, d.Category, d.EndDate)
		if err != nil {
			return project.Project{}, err
		}
		for _, n := range plan {
			d.Milestones = append(d.Milestones, project.MilestoneDraft{Key: n.Key, OwnerUnit: d.OwnerUnit, Planned: n.Planned})
		}
	}
	milestones, err := d.Build(c)
	if err != nil {
		return project.Project{}, err
	}
	units := []string{d.OwnerUnit}
	for _, m := range milestones {
		if !slices.Contains(units, m.OwnerUnit) {
			units = append(units, m.OwnerUnit)
		}
	}
	missing, err := p.slips.store.MissingDepartments(ctx, units)
	if err != nil {
		return project.Project{}, err
	}
	if len(missing) > 0 {
		return project.Project{}, slip.Unprocessable(slip.CodeUnknownDepartment, "owner_unit", "单位不存在：%s", strings.Join(missing, "、"))
	}
	for i, m := range milestones {
		ok, err := p.members.IsMember(ctx, d.OwnerUnit, m.OwnerUnit)
		if err != nil {
			return project.Project{}, fmt.Errorf("membership of %s in %s: %w", m.OwnerUnit, d.OwnerUnit, err)
		}
		if !ok {
			return project.Project{}, slip.Unprocessable(project.CodeNotMember, fmt.Sprintf("milestones[%d].owner_unit", i),
				"节点“%s”的责任单位 %s 不属于项目责任单位（专班）%s", m.Name, m.OwnerUnit, d.OwnerUnit)
		}
	}
	leader, err := p.leader(ctx, d.LeaderID)
	if err != nil {
		return project.Project{}, err
	}
	if d.EndDate.Before(calendar.DateOf(p.slips.now())) {
		return project.Project{}, slip.Unprocessable(slip.CodeDeadlinePassed, "end_date", "项目完成日期 %s 早于今天", d.EndDate)
	}
	return project.Project{Name: d.Name, Category: c.Code, Batch: d.Batch, OwnerUnit: d.OwnerUnit, LeaderID: leader.ID,
		LeaderName: leader.Name, Investment: d.Investment, Attributes: d.Attributes, EndDate: d.EndDate, Milestones: milestones,
		Status: project.StatusActive, CreatedAt: p.slips.now(), CreatedBy: user.Name, Policy: p.slips.policies.For(slip.Draft{Category: c.Name})}, nil
}

// leader finds the responsible leader among the users.
func (p *Projects) leader(ctx context.Context, id int64) (identity.User, error) {
	users, err := p.slips.store.ListUsers(ctx)
	if err != nil {
		return identity.User{}, err
	}
	for _, u := range users {
		if u.ID == id && u.Role == slip.RoleLeader && !u.Disabled {
			return u, nil
		}
	}
	return identity.User{}, slip.Unprocessable(project.CodeUnknownLeader, "leader_id", "责任领导须为启用的领导账号（收到 %d）", id)
}

// start starts the project's workflow (or joins it) and waits until the
// ledger holds the project.
func (p *Projects) start(ctx context.Context, pr project.Project) (project.Project, error) {
	ctx, cancel := context.WithTimeout(ctx, TemporalTimeout)
	defer cancel()
	wid := workflows.ProjectWorkflowID(pr.ID)
	op := p.slips.temporal.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID: wid, TaskQueue: p.slips.taskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}, workflows.ProjectWorkflowName, workflows.ProjectInput{Project: pr})
	handle, err := p.slips.temporal.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: op,
		UpdateOptions: client.UpdateWorkflowOptions{WorkflowID: wid, UpdateName: workflows.ProjectUpdateRegistered,
			UpdateID: workflows.ProjectUpdateRegistered, WaitForStage: client.WorkflowUpdateStageCompleted},
	})
	if err != nil {
		var started *serviceerror.WorkflowExecutionAlreadyStarted
		if errors.As(err, &started) {
			return p.slips.store.GetProject(ctx, pr.ID)
		}
		return project.Project{}, unavailable(fmt.Errorf("start workflow %s: %w", wid, err))
	}
	if err := handle.Get(ctx, nil); err != nil {
		return project.Project{}, unavailable(fmt.Errorf("wait for workflow %s to register: %w", wid, err))
	}
	p.slips.log.InfoContext(ctx, "project registered", "project_id", pr.ID, "workflow_id", wid)
	return p.slips.store.GetProject(ctx, pr.ID)
}

// Get returns a project the user may see; any other is not found.
func (p *Projects) Get(ctx context.Context, user identity.User, id string) (project.Project, error) {
	pr, err := p.slips.store.GetProject(ctx, id)
	if err != nil {
		return project.Project{}, err
	}
	if !user.CanSeeProject(pr.OwnerUnit, pr.Units()) {
		return project.Project{}, slip.NotFound("项目", id)
	}
	return pr, nil
}

// Scope narrows a filter to what the user may see; ok is false when the
// user sees no project at all.
func Scope(user identity.User, f store.ProjectFilter) (store.ProjectFilter, bool) {
	units, all, ok := user.ProjectScope()
	if !ok {
		return f, false
	}
	if !all {
		f.Units = append([]string{}, units...)
	}
	return f, true
}

// Colours fills the filter's dates for 三色 on the service's today.
func (p *Projects) Colours(f store.ProjectFilter) store.ProjectFilter {
	f.Today = calendar.DateOf(p.slips.now())
	by, err := reminder.YellowBy(p.slips.calendar, f.Today)
	if err != nil {
		by = f.Today.AddDays(reminder.YellowWithin + 2) // a year without data: about 3 working days
	}
	f.YellowBy = by
	return f
}

// AllowedActions lists what user may do now on milestone key of pr (key
// "" for the project's own actions): what the project allows and the
// user's role may do. The pages show these as buttons.
func AllowedActions(user identity.User, pr project.Project, key string) []project.Action {
	out := []project.Action{}
	for _, a := range pr.Allowed(key) {
		if mayAct(user, pr, project.Command{Action: a, Milestone: key}) == nil {
			out = append(out, a)
		}
	}
	return out
}

// mayAct checks who may take which action on a project the user sees.
func mayAct(user identity.User, pr project.Project, cmd project.Command) error {
	switch cmd.Action {
	case project.ActionReport, project.ActionRequestExtension:
		m := pr.Milestone(cmd.Milestone)
		if m == nil {
			return slip.NotFound("节点", cmd.Milestone)
		}
		if user.Role != slip.RoleDepartment || user.Department != m.OwnerUnit {
			return slip.Forbidden("只有节点责任单位可以%s", cmd.Action.Label())
		}
	case project.ActionInstruct:
		if user.Role != slip.RoleLeader && user.Role != slip.RoleOffice {
			return slip.Forbidden("只有领导或督查室可以批示")
		}
	default:
		if user.Role != slip.RoleOffice {
			return slip.Forbidden("只有督查室可以%s", cmd.Action.Label())
		}
	}
	return nil
}

// Act applies a person's action to a project through its workflow and
// returns the project as the ledger shows it afterwards. The update id is
// the idempotency key (or the request id), so a retry is applied once.
func (p *Projects) Act(ctx context.Context, user identity.User, id string, cmd project.Command, updateKey string) (project.Project, error) {
	pr, err := p.Get(ctx, user, id)
	if err != nil {
		return project.Project{}, err
	}
	if err := mayAct(user, pr, cmd); err != nil {
		return project.Project{}, err
	}
	cmd.Actor, cmd.ActorID = user.Name, user.ID
	if pr.Status == project.StatusSignedOff {
		return project.Project{}, slip.AsError(pr.ApplyErr(cmd, p.slips.now()))
	}
	tctx, cancel := context.WithTimeout(ctx, TemporalTimeout)
	defer cancel()
	wid := workflows.ProjectWorkflowID(id)
	handle, err := p.slips.temporal.UpdateWorkflow(tctx, client.UpdateWorkflowOptions{
		WorkflowID: wid, UpdateID: fmt.Sprintf("%s:%d:%s", cmd.Action, user.ID, updateKey),
		UpdateName: workflows.ProjectUpdateName(cmd.Action), Args: []any{cmd}, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = handle.Get(tctx, nil)
	}
	if err != nil {
		if de := workflows.DecodeError(err); de != nil {
			return project.Project{}, de
		}
		return project.Project{}, unavailable(fmt.Errorf("%s project %s: %w", cmd.Action, id, err))
	}
	p.slips.log.InfoContext(ctx, "project action", "project_id", id, "action", cmd.Action, "workflow_id", wid)
	return p.slips.store.GetProject(ctx, id)
}

// Spawn issues a slip (交办) to a unit to clear a blocked milestone's
// obstacle, through the ordinary issue path, and links it to the
// milestone. The idempotency key makes a retry issue and link one slip.
func (p *Projects) Spawn(ctx context.Context, user identity.User, id, milestone string, d slip.Draft, idempotencyKey, requestID string) (slip.Slip, project.Project, error) {
	pr, err := p.Get(ctx, user, id)
	if err != nil {
		return slip.Slip{}, project.Project{}, err
	}
	if err := mayAct(user, pr, project.Command{Action: project.ActionLinkSlip}); err != nil {
		return slip.Slip{}, project.Project{}, err
	}
	// Whether the milestone may have a slip linked is the project's rule
	// (Apply), asked before the slip is issued.
	if err := pr.ApplyErr(project.Command{Action: project.ActionLinkSlip, Milestone: milestone, SlipID: "-"}, p.slips.now()); err != nil {
		return slip.Slip{}, project.Project{}, err
	}
	m := pr.Milestone(milestone)
	if idempotencyKey == "" {
		idempotencyKey = requestID
	}
	if d.Source == "" {
		d.Source = "重点项目：" + pr.Name + "（节点：" + m.Name + "）"
	}
	if d.Batch == "" {
		d.Batch = pr.Batch
	}
	if d.Leader == "" {
		d.Leader = pr.LeaderName
	}
	issued, err := p.slips.Issue(ctx, user, d, "project-spawn/"+id+"/"+milestone+"/"+idempotencyKey, requestID)
	if err != nil {
		return slip.Slip{}, project.Project{}, err
	}
	after, err := p.Act(ctx, user, id, project.Command{Action: project.ActionLinkSlip, Milestone: milestone, SlipID: issued.Slip.ID}, "link-"+issued.Slip.ID)
	if de := slip.AsError(err); de != nil && de.Code == slip.CodeDuplicate {
		after, err = p.slips.store.GetProject(ctx, id) // linked by the first attempt
	}
	if err != nil {
		return slip.Slip{}, project.Project{}, err
	}
	return issued.Slip, after, nil
}
