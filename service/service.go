// Package service is what the API calls to change a slip: it checks input
// against the store, then hands the change to the slip's Temporal workflow
// and returns the ledger's view once the workflow has recorded it.
//
// Reads go straight to the store; the API calls it directly for those.
package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/google/uuid"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/reminder"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/workflows"
)

// TemporalTimeout bounds how long a request waits for the workflow to take
// an action. Past it the caller gets 503 and may retry with the same
// Idempotency-Key: the action is applied at most once either way.
const TemporalTimeout = 20 * time.Second

// Slips issues slips and applies actions to them.
type Slips struct {
	store     *store.Store
	temporal  client.Client
	taskQueue string
	calendar  *calendar.Calendar
	policies  reminder.Policies
	// deadlineYears is the window fixed on each slip issued (0: the default).
	deadlineYears int
	// refuseDays is the 退回 window in working days.
	refuseDays int
	now        func() time.Time
	log        *slog.Logger
}

// Config is what the service needs.
type Config struct {
	Store     *store.Store
	Temporal  client.Client
	TaskQueue string
	// Calendar computes working-day deadlines. Give it the Strict policy: a
	// deadline is a commitment and must not be guessed.
	Calendar *calendar.Calendar
	Policies reminder.Policies
	// DeadlineYears is how many years past its issue date a slip's deadline
	// may lie (DUBAN_DEADLINE_MAX_YEARS; 0: slip.DefaultDeadlineYears).
	DeadlineYears int
	// RefuseWorkingDays is how many working days after receipt a unit may
	// refuse its part (退回; 0: slip.DefaultRefuseWorkingDays).
	RefuseWorkingDays int
	Now               func() time.Time // time.Now in production
	Log               *slog.Logger
}

// New builds the service.
func New(c Config) *Slips {
	return &Slips{store: c.Store, temporal: c.Temporal, taskQueue: c.TaskQueue, calendar: c.Calendar,
		policies: c.Policies, deadlineYears: c.DeadlineYears, refuseDays: c.RefuseWorkingDays, now: c.Now, log: c.Log}
}

// Issued is the outcome of Issue.
type Issued struct {
	Slip slip.Slip
	// Replayed is true when the Idempotency-Key named a slip issued before.
	Replayed bool
}

// Issue hands a new slip to its lead department. With an idempotency key, a
// repeat of the same request returns the slip the first one made and creates
// nothing; the same key with a different request is refused.
func (s *Slips) Issue(ctx context.Context, user identity.User, d slip.Draft, idempotencyKey, requestID string) (Issued, error) {
	if user.Role != slip.RoleOffice {
		return Issued{}, slip.Forbidden("只有督查室可以交办")
	}
	actor := user.Name
	d.Normalize()
	if err := d.Validate(); err != nil {
		return Issued{}, err
	}
	now := s.now()
	today := calendar.DateOf(now)
	if !d.Deadline.IsZero() && d.Deadline.Before(today) {
		return Issued{}, slip.Unprocessable(slip.CodeDeadlinePassed, "deadline", "办结时限 %s 早于今天（%s）", d.Deadline, today)
	}
	missing, err := s.store.MissingDepartments(ctx, d.Departments())
	if err != nil {
		return Issued{}, err
	}
	if len(missing) > 0 {
		return Issued{}, slip.Unprocessable(slip.CodeUnknownDepartment, "lead_department", "单位不存在：%s", strings.Join(missing, "、"))
	}
	if err := user.MayIssueTo("lead_department", d.Departments()...); err != nil {
		return Issued{}, err
	}
	if d.LeaderID != 0 {
		// The 责任领导 as a user: the display name is theirs.
		leader, err := s.store.Leader(ctx, d.LeaderID)
		if err != nil {
			return Issued{}, err
		}
		d.Leader = leader.Name
	}
	// The deadline a count of working days gives is computed here for the
	// window check, and set on the draft only after the idempotency key is
	// claimed (the key's hash is of the draft as sent).
	due := d.Deadline
	if d.DeadlineWorkingDays > 0 {
		if due, err = s.workingDayDeadline(now, d.DeadlineWorkingDays); err != nil {
			return Issued{}, err
		}
	}
	if err := slip.CheckDeadlineWindow("deadline", due, now, s.deadlineYears); err != nil {
		return Issued{}, err
	}
	if err := checkCoDeadlines(d, due, today); err != nil {
		return Issued{}, err
	}

	id, err := newSlipID()
	if err != nil {
		return Issued{}, err
	}
	if idempotencyKey != "" {
		hash, err := requestHash("issue", d)
		if err != nil {
			return Issued{}, err
		}
		held, err := s.store.ClaimIdempotencyKey(ctx, user.ID, idempotencyKey, id, hash)
		if err != nil {
			return Issued{}, err
		}
		if held.RequestHash != hash {
			return Issued{}, keyReused()
		}
		if held.SlipID != id {
			existing, err := s.store.GetSlip(ctx, held.SlipID)
			if err == nil {
				return Issued{Slip: existing, Replayed: true}, nil
			}
			if slip.AsError(err) == nil {
				return Issued{}, err
			}
			// The first request claimed the key but did not get the slip
			// onto the ledger: finish what it started, under its id.
			id = held.SlipID
		}
	}

	d.Deadline = due
	if d.LeaderID == 0 && d.Leader != "" {
		// A 责任领导 typed as text is the leader of exactly that name, if
		// there is one; otherwise it stays text (and statistics list it as
		// 未关联领导). After the key's hash: it enriches, never refuses.
		if d.LeaderID, err = s.store.LeaderNamed(ctx, d.Leader); err != nil {
			return Issued{}, err
		}
	}
	sl := slip.Slip{ID: id, Draft: d, IssuedAt: now, IssuedBy: actor, IssuedByID: user.ID, IssueRequestID: requestID,
		Deadline: d.Deadline, Policy: s.policies.For(d), DeadlineYears: s.deadlineYears}
	sl.Tracks = slip.NewTracks(d, now, s.refuseBy(ctx, now))
	registered, err := s.start(ctx, sl)
	if err != nil {
		return Issued{}, err
	}
	s.log.InfoContext(ctx, "slip issued", "slip_id", id, "number", registered.Number, "workflow_id", workflows.WorkflowID(id))
	// The workflow answers once the ledger holds the slip, with the slip it
	// recorded: no need to read it back.
	return Issued{Slip: registered}, nil
}

// start starts the slip's workflow (or joins it, if a first attempt already
// did) and waits until the ledger holds the slip.
func (s *Slips) start(ctx context.Context, sl slip.Slip) (slip.Slip, error) {
	ctx, cancel := context.WithTimeout(ctx, TemporalTimeout)
	defer cancel()
	wid := workflows.WorkflowID(sl.ID)
	op := s.temporal.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID:                       wid,
		TaskQueue:                s.taskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}, workflows.WorkflowName, workflows.Input{Slip: sl})
	handle, err := s.temporal.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: op,
		UpdateOptions: client.UpdateWorkflowOptions{
			WorkflowID:   wid,
			UpdateName:   workflows.UpdateRegistered,
			UpdateID:     workflows.UpdateRegistered,
			WaitForStage: client.WorkflowUpdateStageCompleted,
		},
	})
	if err != nil {
		var started *serviceerror.WorkflowExecutionAlreadyStarted
		if errors.As(err, &started) {
			// The workflow ran to its end already: the ledger has the slip.
			return s.store.GetSlip(ctx, sl.ID)
		}
		return slip.Slip{}, unavailable(fmt.Errorf("start workflow %s: %w", wid, err))
	}
	var registered slip.Slip
	if err := handle.Get(ctx, &registered); err != nil {
		return slip.Slip{}, unavailable(fmt.Errorf("wait for workflow %s to register: %w", wid, err))
	}
	return registered, nil
}

// Acted is the outcome of Act.
type Acted struct {
	// Slip is the slip as the ledger shows it after the action.
	Slip slip.Slip
	// Replayed is true when the Idempotency-Key named an action applied
	// before: Slip is then what that first request was answered.
	Replayed bool
}

// Act applies one action of user to a slip and returns the slip as the
// ledger shows it afterwards. A slip the user may not see is not found; an
// action beyond the user's rights is forbidden; neither changes anything.
//
// idempotencyKey, when set, is the user's own (another user's same key is
// another key) and binds to this request: a retry of the same request gets
// the first answer again, even when the action ended the slip (a retried
// sign-off is 200, not 409); the same key with a different request is 422.
// requestID goes on the timeline.
func (s *Slips) Act(ctx context.Context, user identity.User, id string, cmd slip.Command, idempotencyKey, requestID string) (Acted, error) {
	current, err := s.store.GetSlip(ctx, id)
	if err != nil {
		return Acted{}, err
	}
	if !user.CanSee(current) {
		return Acted{}, slip.NotFound("交办单", id)
	}
	if err := user.MayAct(current, cmd.Action); err != nil {
		return Acted{}, err
	}
	hash, err := requestHash(id, cmd) // before the actor's stamp: the body alone
	if err != nil {
		return Acted{}, err
	}
	cmd.Actor, cmd.ActorID, cmd.ActorRole, cmd.RequestID = user.Name, user.ID, user.Role, requestID
	if err := cmd.Validate(); err != nil {
		return Acted{}, err
	}
	// The ledger does not keep the slip's window; this service's is the one
	// it was issued with unless the operator has changed it since, and the
	// workflow's validator checks the slip's own again.
	current.DeadlineYears = s.deadlineYears
	if err := current.CheckDates(cmd); err != nil {
		return Acted{}, err
	}
	if err := s.prepareTrackAction(ctx, user, current, &cmd); err != nil {
		return Acted{}, err
	}
	if idempotencyKey == "" {
		after, err := s.apply(ctx, user, current, cmd, uuid.NewString())
		return Acted{Slip: after}, err
	}
	held, err := s.store.ClaimIdempotencyKey(ctx, user.ID, idempotencyKey, id, hash)
	if err != nil {
		return Acted{}, err
	}
	if held.RequestHash != hash {
		return Acted{}, keyReused()
	}
	if held.Answer != nil {
		return Acted{Slip: *held.Answer, Replayed: true}, nil
	}
	if !held.Fresh && current.Status.Terminal() {
		// An earlier request with this key may have ended the slip and not
		// lived to store its answer (the API killed between the workflow's
		// acceptance and the answer), or be storing it now. Once the
		// workflow has ended the update cannot be asked again: the timeline
		// says whether the slip ended with this very request. (A workflow
		// still running is a step behind the ledger — its task lost with a
		// Temporal server that died — and the update below catches it up.)
		ended, err := s.endedWith(ctx, current, user.ID, hash)
		if err != nil {
			return Acted{}, err
		}
		if ended {
			return s.replayEnd(ctx, user, id, idempotencyKey, hash)
		}
	}
	after, err := s.apply(ctx, user, current, cmd, idempotencyKey)
	if err != nil {
		if de := slip.AsError(err); de != nil && de.Kind != slip.KindUnavailable {
			// Refused, nothing changed: the key is free again. (After an
			// outage the action may have been applied; the key stays.)
			if rerr := s.store.ReleaseIdempotencyKey(ctx, user.ID, idempotencyKey, hash); rerr != nil {
				s.log.WarnContext(ctx, "release idempotency key", "slip_id", id, "error", rerr)
			}
		}
		return Acted{}, err
	}
	// Only now, with the update completed, is the action Temporal's for
	// good: a stored answer is replayed without asking the workflow again.
	// Not in the projection's transaction, cheaper as that would be: the
	// ledger takes the action before Temporal records the workflow task
	// that accepted it, and a task lost with its server (or its database)
	// would leave an answer for an action the workflow never kept — the
	// kill test found exactly that, a retried 签收 answered while the slip
	// stayed 待签收 in its workflow.
	if err := s.store.AnswerIdempotencyKey(ctx, user.ID, idempotencyKey, hash, after); err != nil {
		return Acted{}, err
	}
	return Acted{Slip: after}, nil
}

// endedWith reports whether terminal slip sl's workflow has ended and the
// slip's last event is the action of user whose request hashes to hash: the
// same action with the same words, by the same person.
func (s *Slips) endedWith(ctx context.Context, sl slip.Slip, userID int64, hash string) (bool, error) {
	described, cancel := context.WithTimeout(ctx, TemporalTimeout)
	defer cancel()
	running, err := s.workflowRunning(described, workflows.WorkflowID(sl.ID))
	if err != nil {
		return false, unavailable(err)
	}
	if running {
		return false, nil
	}
	events, err := s.store.Timeline(ctx, sl.ID)
	if err != nil {
		return false, err
	}
	if len(events) == 0 || events[len(events)-1].ActorID != userID {
		return false, nil
	}
	cmd, err := slip.CommandOf(events[len(events)-1])
	if err != nil {
		return false, err
	}
	cmd.Actor, cmd.ActorID, cmd.ActorRole, cmd.RequestID = "", 0, "", "" // as hashed: the body alone
	h, err := requestHash(sl.ID, cmd)
	return h == hash, err
}

// replayEnd answers a request whose action ended slip id before its answer
// was stored: the slip as the ledger shows it, stored as the key's answer
// for the retries after this one.
func (s *Slips) replayEnd(ctx context.Context, user identity.User, id, idempotencyKey, hash string) (Acted, error) {
	ended, err := s.store.GetSlip(ctx, id)
	if err != nil {
		return Acted{}, err
	}
	if err := s.store.AnswerIdempotencyKey(ctx, user.ID, idempotencyKey, hash, ended); err != nil {
		return Acted{}, err
	}
	return Acted{Slip: ended, Replayed: true}, nil
}

// apply hands the command to the slip's workflow as the update updateID
// (retries with the same id are applied once) and returns the ledger's view.
func (s *Slips) apply(ctx context.Context, user identity.User, current slip.Slip, cmd slip.Command, updateID string) (slip.Slip, error) {
	id := current.ID
	ctx, cancel := context.WithTimeout(ctx, TemporalTimeout)
	defer cancel()
	wid := workflows.WorkflowID(id)
	if current.Status.Terminal() {
		// Usually the workflow has ended and the table has the answer. But
		// the ledger may be one action ahead of a running workflow: the
		// action was projected and then its workflow task was lost (a
		// Temporal server that died before recording it). Then the request
		// goes to the workflow: a retry of that action is applied again
		// (its projection is a no-op) and the workflow catches up; any
		// other action is refused by the ledger, which holds another event
		// under its number (409 ledger_ahead).
		running, err := s.workflowRunning(ctx, wid)
		if err != nil {
			return slip.Slip{}, unavailable(err)
		}
		if !running {
			_, err := slip.Next(current.Status, cmd.Action)
			return slip.Slip{}, slip.AsError(err)
		}
	}
	handle, err := s.temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID:   wid,
		UpdateID:     fmt.Sprintf("%s:%d:%s", cmd.Action, user.ID, updateID),
		UpdateName:   workflows.UpdateName(cmd.Action),
		Args:         []any{cmd},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	var after slip.Slip
	if err == nil {
		err = handle.Get(ctx, &after)
	}
	if err != nil {
		if de := workflows.DecodeError(err); de != nil {
			return slip.Slip{}, de
		}
		var nf *serviceerror.NotFound
		if errors.As(err, &nf) {
			if latest, gerr := s.store.GetSlip(ctx, id); gerr == nil {
				if latest.Status.Terminal() {
					// The workflow ended between our read and the update.
					_, terr := slip.Next(latest.Status, cmd.Action)
					return slip.Slip{}, slip.AsError(terr)
				}
				// An open slip whose workflow Temporal does not have (a
				// ledger filled by `duban seed`, or Temporal data lost or
				// replaced): asking again will not help.
				s.log.ErrorContext(ctx, "open slip without a workflow", "slip_id", id, "number", latest.Number, "workflow_id", wid, "error", err)
				return slip.Slip{}, workflowMissing(latest)
			}
		}
		return slip.Slip{}, unavailable(fmt.Errorf("%s slip %s: %w", cmd.Action, id, err))
	}
	s.log.InfoContext(ctx, "slip action", "slip_id", id, "action", cmd.Action, "workflow_id", wid)
	// The update returns the slip the ledger was given before the update
	// completed (the workflow changes its state only once projected), so
	// it is the ledger's view without reading it back.
	return after, nil
}

// workflowRunning reports whether the slip workflow wid is still running.
func (s *Slips) workflowRunning(ctx context.Context, wid string) (bool, error) {
	desc, err := s.temporal.DescribeWorkflowExecution(ctx, wid, "")
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("describe workflow %s: %w", wid, err)
	}
	return desc.GetWorkflowExecutionInfo().GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING, nil
}

// workingDayDeadline is the date n working days after the day of now.
func (s *Slips) workingDayDeadline(now time.Time, n int) (calendar.Date, error) {
	due, err := s.calendar.AddWorkingDays(calendar.DateOf(now), n)
	var missing *calendar.NoDataError
	if errors.As(err, &missing) {
		return calendar.Date{}, slip.Unprocessable(slip.CodeNoCalendarData, "deadline_working_days",
			"%d年节假日安排尚未载入，无法按工作日计算办结时限；请直接填写日期，或由管理员载入该年安排", missing.Year)
	}
	if err != nil {
		return calendar.Date{}, fmt.Errorf("working-day deadline: %w", err)
	}
	return due, nil
}

// workflowMissing is the answer to an action on open slip sl whose workflow
// Temporal does not have: nothing was applied, and a retry cannot succeed
// until an operator has looked at it.
func workflowMissing(sl slip.Slip) error {
	return &slip.Error{Kind: slip.KindConflict, Code: slip.CodeWorkflowNotRunning, Message: fmt.Sprintf(
		"交办单 %s 的督办流程不在运行，暂时无法办理；请联系督查室系统管理员核查（已记录）", sl.Number)}
}

// unavailable marks err as a failure of a dependency, not of the request.
func unavailable(err error) error {
	return fmt.Errorf("%w: %w", &slip.Error{Kind: slip.KindUnavailable, Code: slip.CodeUnavailable, Message: "督办引擎暂时不可用，请稍后用同一 Idempotency-Key 重试"}, err)
}

func newSlipID() (string, error) {
	u, err := uuid.NewV7()
	if err != nil {
		return "", fmt.Errorf("new slip id: %w", err)
	}
	return u.String(), nil
}

// keyReused is the answer to an Idempotency-Key sent again with a request
// other than the one it was first used for.
func keyReused() error {
	return slip.Unprocessable(slip.CodeIdempotencyReused, "Idempotency-Key", "该 Idempotency-Key 已用于另一个不同的请求，请换用新的 Idempotency-Key")
}

// requestHash is the hash of a request's canonical body: what it targets
// (a slip id, or "issue") and the decoded, normalised request, encoded
// again, so spacing and field order do not matter and nothing about the
// sender (a display name can change) is part of it. Keys are per user.
func requestHash(target string, body any) (string, error) {
	b, err := json.Marshal(struct {
		Target string `json:"target"`
		Body   any    `json:"body"`
	}{target, body})
	if err != nil {
		return "", fmt.Errorf("hash request: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}
