package service

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/client"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/reinspection"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/workflows"
)

// Defaults and bounds of 回头看 scheduling.
const (
	DefaultVisitWorkingDays = 5              // from the visit opening to its due day
	MaxAfterWorkingDays     = 250            // about a year after 销号
	ReinspectionRemindEvery = 48 * time.Hour // between escalations once overdue
	ReworkDays              = 14             // calendar days a rework slip is given
	maxSeed                 = 1<<53 - 1      // seeds stay exact as JSON numbers in a browser
)

// CodeReinspectionOpen refuses a second 回头看 of one slip while one runs.
const CodeReinspectionOpen = "reinspection_open"

// ScheduleRequest asks for 回头看 of one slip, of every signed-off slip of a
// batch, or of a seeded random sample of them.
type ScheduleRequest struct {
	Scope   reinspection.Scope `json:"scope"`
	SlipID  string             `json:"slip_id"`
	Batch   string             `json:"batch"`
	Percent int                `json:"percent"`
	// Seed draws the sample; nil: a random one, recorded with the draw.
	Seed *uint64 `json:"seed"`
	// AfterWorkingDays (M) is how long after 销号 the visit opens;
	// VisitWorkingDays how long the inspector then has (0: the default).
	AfterWorkingDays int    `json:"after_working_days"`
	VisitWorkingDays int    `json:"visit_working_days"`
	Inspector        string `json:"inspector"`
}

// Scheduled is a draw and the re-inspections it made.
type Scheduled struct {
	Draw          store.Draw           `json:"draw"`
	Reinspections []store.Reinspection `json:"reinspections"`
}

func (r ScheduleRequest) validate() error {
	switch r.Scope {
	case reinspection.ScopeSlip:
		if r.SlipID == "" {
			return slip.Invalid("slip_id", "请指定回头看的交办单")
		}
	case reinspection.ScopeBatch, reinspection.ScopeSample:
		if strings.TrimSpace(r.Batch) == "" {
			return slip.Invalid("batch", "请指定批次（会议）")
		}
	default:
		return slip.Invalid("scope", "范围只能是 slip（单件）、batch（整批）或 sample（抽查）")
	}
	if r.Scope == reinspection.ScopeSample && (r.Percent < 1 || r.Percent > 100) {
		return slip.Invalid("percent", "抽查比例须为 1–100")
	}
	if r.Scope != reinspection.ScopeSample && r.Percent != 0 {
		return slip.Invalid("percent", "只有抽查可以指定比例")
	}
	if r.Seed != nil && (r.Scope != reinspection.ScopeSample || *r.Seed > maxSeed) {
		return slip.Invalid("seed", "只有抽查可以指定随机种子（0 到 2^53−1）")
	}
	if r.AfterWorkingDays < 0 || r.AfterWorkingDays > MaxAfterWorkingDays {
		return slip.Invalid("after_working_days", "销号后间隔须为 0–%d 个工作日", MaxAfterWorkingDays)
	}
	if r.VisitWorkingDays < 0 || r.VisitWorkingDays > 60 {
		return slip.Invalid("visit_working_days", "检查期限须为 1–60 个工作日")
	}
	if strings.TrimSpace(r.Inspector) == "" {
		return slip.Invalid("inspector", "请指定督查员或市民监督员")
	}
	return nil
}

// ScheduleReinspection draws the slips req names, records the draw and
// starts one 回头看 workflow per slip. Only the office schedules; a slip not
// yet signed off is refused (409), a batch without a signed-off slip too.
func (s *Slips) ScheduleReinspection(ctx context.Context, user identity.User, req ScheduleRequest) (Scheduled, error) {
	if user.Role != slip.RoleOffice {
		return Scheduled{}, slip.Forbidden("只有督查室可以安排回头看")
	}
	req.Batch = strings.TrimSpace(req.Batch)
	if err := req.validate(); err != nil {
		return Scheduled{}, err
	}
	if req.VisitWorkingDays == 0 {
		req.VisitWorkingDays = DefaultVisitWorkingDays
	}
	inspector, _, err := s.store.UserByLogin(ctx, strings.TrimSpace(req.Inspector))
	if slip.AsError(err) != nil {
		return Scheduled{}, slip.Unprocessable("unknown_inspector", "inspector", "没有这个用户：%s", req.Inspector)
	}
	if err != nil {
		return Scheduled{}, err
	}
	if !inspector.Inspects() || inspector.Disabled {
		return Scheduled{}, slip.Unprocessable("unknown_inspector", "inspector", "%s 不是在岗的督查员或市民监督员", inspector.Name)
	}

	var population, drawn []string
	var seed uint64
	switch req.Scope {
	case reinspection.ScopeSlip:
		sl, err := s.store.GetSlip(ctx, req.SlipID)
		if err != nil {
			return Scheduled{}, err
		}
		if sl.Status != slip.StatusClosed {
			return Scheduled{}, &slip.Error{Kind: slip.KindConflict, Code: reinspection.CodeSlipNotClosed, Field: "slip_id",
				Message: "交办单" + sl.Status.Label() + "，回头看须在销号之后安排"}
		}
		open, err := s.store.ListReinspections(ctx, store.ReinspectionFilter{SlipID: sl.ID})
		if err != nil {
			return Scheduled{}, err
		}
		for _, r := range open {
			if !r.Status.Final() {
				return Scheduled{}, &slip.Error{Kind: slip.KindConflict, Code: CodeReinspectionOpen, Field: "slip_id",
					Message: "该交办单已有进行中的回头看（" + r.InspectorName + "，" + r.DueOn.String() + " 前）"}
			}
		}
		population, drawn = []string{sl.ID}, []string{sl.ID}
	default:
		if population, err = s.store.ClosedSlipIDs(ctx, req.Batch); err != nil {
			return Scheduled{}, err
		}
		if len(population) == 0 {
			return Scheduled{}, slip.Unprocessable(reinspection.CodeEmptyDraw, "batch", "批次“%s”没有已销号的交办单", req.Batch)
		}
		drawn = population
		if req.Scope == reinspection.ScopeSample {
			if req.Seed != nil {
				seed = *req.Seed
			} else if seed, err = randomSeed(); err != nil {
				return Scheduled{}, err
			}
			drawn = reinspection.Sample(population, req.Percent, seed)
		}
	}

	now := s.now()
	drawID, err := uuid.NewV7()
	if err != nil {
		return Scheduled{}, fmt.Errorf("new draw id: %w", err)
	}
	percent := req.Percent
	if percent == 0 {
		percent = 100
	}
	draw := store.Draw{ID: drawID.String(), Scope: req.Scope, Batch: req.Batch, Percent: percent, Seed: seed,
		Population: len(population), Drawn: len(drawn), AfterWorkingDays: req.AfterWorkingDays, InspectorID: inspector.ID,
		CreatedBy: user.Name, CreatedAt: now.UTC()}
	rs := make([]reinspection.Reinspection, 0, len(drawn))
	for _, id := range drawn {
		r, err := s.planReinspection(ctx, id, draw, inspector, user, req, now)
		if err != nil {
			return Scheduled{}, err
		}
		rs = append(rs, r)
	}
	if err := s.store.RecordDraw(ctx, draw, rs); err != nil {
		return Scheduled{}, err
	}
	for _, r := range rs {
		_, err := s.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.ReinspectionWorkflowID(r.ID), TaskQueue: s.taskQueue},
			workflows.ReinspectionWorkflowName, r)
		if err != nil {
			return Scheduled{}, unavailable(fmt.Errorf("start reinspection %s: %w", r.ID, err))
		}
	}
	s.log.InfoContext(ctx, "reinspection scheduled", "draw_id", draw.ID, "scope", draw.Scope, "seed", seed, "drawn", len(rs), "population", len(population))
	list, err := s.store.ListReinspections(ctx, store.ReinspectionFilter{DrawID: draw.ID})
	if err != nil {
		return Scheduled{}, err
	}
	return Scheduled{Draw: draw, Reinspections: list}, nil
}

// planReinspection is the first state of slip id's 回头看: the visit opens
// M working days after its 销号 at 09:00 Beijing (at once if that day is
// today or past) and is due VisitWorkingDays working days later.
func (s *Slips) planReinspection(ctx context.Context, id string, d store.Draw, inspector, by identity.User, req ScheduleRequest, now time.Time) (reinspection.Reinspection, error) {
	sl, err := s.store.GetSlip(ctx, id)
	if err != nil {
		return reinspection.Reinspection{}, err
	}
	if sl.ClosedAt == nil {
		return reinspection.Reinspection{}, fmt.Errorf("plan reinspection of slip %s: closed without a sign-off time", id)
	}
	start, err := s.calendar.AddWorkingDays(calendar.DateOf(*sl.ClosedAt), req.AfterWorkingDays)
	if err != nil {
		return reinspection.Reinspection{}, err
	}
	today := calendar.DateOf(now)
	if start.Before(today) {
		start = today
	}
	due, err := s.calendar.AddWorkingDays(start, req.VisitWorkingDays)
	if err != nil {
		return reinspection.Reinspection{}, err
	}
	rid, err := uuid.NewV7()
	if err != nil {
		return reinspection.Reinspection{}, fmt.Errorf("new reinspection id: %w", err)
	}
	startAt := start.At(9, 0)
	if start == today {
		startAt = now // due today: the visit opens at once
	}
	return reinspection.Reinspection{ID: rid.String(), DrawID: d.ID, SlipID: sl.ID, SlipNumber: sl.Number, SlipTitle: sl.Draft.Title,
		LeadDepartment: sl.Draft.LeadDepartment, InspectorID: inspector.ID, InspectorName: inspector.Name,
		ScheduledBy: by.Name, ScheduledByID: by.ID, StartOn: start, DueOn: due, StartAt: startAt, DueAt: due.At(9, 0),
		RemindEvery: ReinspectionRemindEvery, Status: reinspection.StatusScheduled, Seq: 1, CreatedAt: now.UTC(), UpdatedAt: now.UTC()}, nil
}

func randomSeed() (uint64, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return 0, fmt.Errorf("random seed: %w", err)
	}
	return binary.BigEndian.Uint64(b[:]) & maxSeed, nil
}

// RecordReinspection takes an inspector's finding. A re-inspection not
// assigned to the caller is not found, like another unit's slip.
func (s *Slips) RecordReinspection(ctx context.Context, user identity.User, id string, rec reinspection.Record, requestID string) (store.Reinspection, error) {
	r, err := s.store.GetReinspection(ctx, id)
	if err != nil {
		return store.Reinspection{}, err
	}
	if !user.MayInspect(r.InspectorID) {
		return store.Reinspection{}, slip.NotFound("回头看", id)
	}
	if rec.Passed == nil {
		return store.Reinspection{}, slip.Invalid("passed", "请注明回头看是否合格（passed: true/false）")
	}
	rec.InspectorID = user.ID
	ctx, cancel := context.WithTimeout(ctx, TemporalTimeout)
	defer cancel()
	handle, err := s.temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: workflows.ReinspectionWorkflowID(id), UpdateID: "record:" + requestID,
		UpdateName: workflows.ReinspectionRecordUpdate, Args: []any{rec}, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		var after reinspection.Reinspection
		err = handle.Get(ctx, &after)
	}
	if err != nil {
		if de := workflows.DecodeError(err); de != nil {
			return store.Reinspection{}, de
		}
		if r.Status.Final() {
			return store.Reinspection{}, &slip.Error{Kind: slip.KindConflict, Code: reinspection.CodeRecorded, Message: "回头看结果已记录（" + r.Status.Label() + "）"}
		}
		return store.Reinspection{}, unavailable(fmt.Errorf("record reinspection %s: %w", id, err))
	}
	return s.store.GetReinspection(ctx, id)
}

// IssueRework issues the rework slip (重办) of a failed 回头看 through the
// ordinary issue path, in the name of the office user who scheduled it,
// with the original's departments and a new deadline. The idempotency key
// is the re-inspection's, so a retried activity gets the same slip.
func (s *Slips) IssueRework(ctx context.Context, r reinspection.Reinspection) (string, error) {
	orig, err := s.store.GetSlip(ctx, r.SlipID)
	if err != nil {
		return "", err
	}
	d := orig.Draft
	d.Title = truncateRunes("【重办】"+d.Title, slip.MaxTitle)
	d.Content = truncateRunes(d.Content+"\n\n回头看不合格（"+r.InspectorName+"，"+r.DueOn.String()+" 前检查）："+r.Notes, slip.MaxLongText)
	d.ReworkOf = orig.ID
	d.Priority = slip.PriorityUrgent
	d.DeadlineWorkingDays, d.ReminderPolicy = 0, nil
	d.Deadline = calendar.DateOf(s.now()).AddDays(ReworkDays)
	office := identity.User{ID: r.ScheduledByID, Name: r.ScheduledBy, Role: slip.RoleOffice}
	issued, err := s.Issue(ctx, office, d, "reinspection-rework/"+r.ID, "reinspection-"+r.ID)
	if err != nil {
		var de *slip.Error
		if errors.As(err, &de) && de.Kind != slip.KindUnavailable {
			return "", fmt.Errorf("rework of slip %s refused: %w", r.SlipID, err)
		}
		return "", err
	}
	return issued.Slip.ID, nil
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
