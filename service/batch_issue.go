package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/slip"
)

// BatchConcurrency is how many slips of one batch are handed to Temporal at
// once: enough to issue a 313-row table in a few seconds on the embedded
// default, few enough not to starve other users' requests.
const BatchConcurrency = 32

// BatchItem is one slip of a batch under the id it must have. The id is
// derived from what the row is (see BatchSlipID), so issuing the same row
// again — a retried confirm, the same table uploaded twice — names the same
// slip and workflow and issues nothing new.
type BatchItem struct {
	ID    string
	Draft slip.Draft
}

// The outcomes of one row of a batch.
const (
	BatchIssued   = "issued"   // issued now
	BatchExisting = "existing" // issued before under the same id: nothing done
	BatchFailed   = "failed"   // refused or failed; the others stand
)

// BatchResult is what became of one item.
type BatchResult struct {
	ID     string      `json:"slip_id"`
	Number string      `json:"number,omitempty"`
	Status string      `json:"status"`
	Error  *slip.Error `json:"error,omitempty"`
}

// batchNamespace seeds the ids of slips issued in batches.
var batchNamespace = uuid.MustParse("6d1b5f3e-4c1a-4f0e-9a57-2f6b0e1d6c31")

// BatchSlipID is the id of the slip a row of a meeting's table makes: the
// same meeting, problem, item and lead unit give the same id.
func BatchSlipID(meetingID, problem, title, lead string) string {
	return uuid.NewSHA1(batchNamespace, []byte(strings.Join([]string{"slip", meetingID, problem, title, lead}, "\x00"))).String()
}

// IssueBatch issues every item once, BatchConcurrency at a time, and
// reports each item's outcome in order; progress (if not nil) hears of each
// item handled. A row that fails does not stop the others. Only the office
// issues.
func (s *Slips) IssueBatch(ctx context.Context, user identity.User, items []BatchItem, requestID string, progress func(done int)) ([]BatchResult, error) {
	if user.Role != slip.RoleOffice {
		return nil, slip.Forbidden("只有督查室可以交办")
	}
	ids := make([]string, len(items))
	var codes []string
	for i, it := range items {
		ids[i] = it.ID
		codes = append(codes, it.Draft.Departments()...)
	}
	existing, err := s.store.ExistingSlips(ctx, ids)
	if err != nil {
		return nil, err
	}
	missing, err := s.store.MissingDepartments(ctx, codes)
	if err != nil {
		return nil, err
	}
	unknown := map[string]bool{}
	for _, c := range missing {
		unknown[c] = true
	}
	results := make([]BatchResult, len(items))
	sem := make(chan struct{}, BatchConcurrency)
	var wg sync.WaitGroup
	for i, it := range items {
		if number, ok := existing[it.ID]; ok {
			results[i] = BatchResult{ID: it.ID, Number: number, Status: BatchExisting}
			if progress != nil {
				progress(1)
			}
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			results[i] = s.issueOne(ctx, user, it, unknown, requestID)
			if progress != nil {
				progress(1)
			}
		}()
	}
	wg.Wait()
	// A row that timed out waiting for Temporal may well have been issued
	// meanwhile, and one that found Temporal or the ledger overloaded may
	// pass a moment later: ask again under the same id (which joins its
	// workflow), a few times with a growing pause, before reporting it
	// failed. (Once was not always enough: a 568-row table on a machine
	// running a test suite beside it lost a row.)
	for _, pause := range batchRetryPauses {
		again := false
		for i, r := range results {
			if r.Status != BatchFailed || r.Error.Kind != slip.KindUnavailable || ctx.Err() != nil {
				continue
			}
			if !again {
				again = true
				select {
				case <-time.After(pause):
				case <-ctx.Done():
					return results, nil
				}
			}
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				results[i] = s.issueOne(ctx, user, items[i], unknown, requestID)
			}()
		}
		wg.Wait()
		if !again {
			break
		}
	}
	return results, nil
}

// batchRetryPauses are the pauses before each round of asking again for
// the rows of a batch that failed for want of Temporal or the ledger.
var batchRetryPauses = []time.Duration{0, time.Second, 3 * time.Second}

// issueOne checks one item as Issue checks a single slip and starts its
// workflow under the item's id.
func (s *Slips) issueOne(ctx context.Context, user identity.User, it BatchItem, unknown map[string]bool, requestID string) BatchResult {
	fail := func(err error) BatchResult {
		de := slip.AsError(err)
		if de == nil {
			s.log.ErrorContext(ctx, "batch issue", "slip_id", it.ID, "error", err)
			de = &slip.Error{Kind: slip.KindUnavailable, Code: slip.CodeUnavailable, Message: "交办失败，请稍后重新确认（已交办的不会重复）"}
		}
		return BatchResult{ID: it.ID, Status: BatchFailed, Error: de}
	}
	d := it.Draft
	d.Normalize()
	if err := d.Validate(); err != nil {
		return fail(err)
	}
	var gone []string
	for _, c := range d.Departments() {
		if unknown[c] {
			gone = append(gone, c)
		}
	}
	if len(gone) > 0 {
		return fail(slip.Unprocessable(slip.CodeUnknownDepartment, "lead_department", "单位不存在：%s", strings.Join(gone, "、")))
	}
	if err := user.MayIssueTo("lead_department", d.Departments()...); err != nil {
		return fail(err)
	}
	now := s.now()
	today := calendar.DateOf(now)
	if !d.Deadline.IsZero() && d.Deadline.Before(today) {
		return fail(slip.Unprocessable(slip.CodeDeadlinePassed, "deadline", "办结时限 %s 早于今天（%s）", d.Deadline, today))
	}
	if d.DeadlineWorkingDays > 0 {
		due, err := s.workingDayDeadline(now, d.DeadlineWorkingDays)
		if err != nil {
			return fail(err)
		}
		d.Deadline = due
	}
	if err := slip.CheckDeadlineWindow("deadline", d.Deadline, now, s.deadlineYears); err != nil {
		return fail(err)
	}
	if err := s.resolveLeader(ctx, &d); err != nil {
		return fail(err)
	}
	sl := slip.Slip{ID: it.ID, Draft: d, IssuedAt: now, IssuedBy: user.Name, IssuedByID: user.ID, IssueRequestID: requestID,
		Deadline: d.Deadline, Policy: s.policies.For(d), DeadlineYears: s.deadlineYears}
	registered, err := s.start(ctx, sl)
	if err != nil {
		return fail(err)
	}
	if registered.Number == "" {
		return fail(errors.New("registered without a number"))
	}
	return BatchResult{ID: it.ID, Number: registered.Number, Status: BatchIssued}
}

// resolveLeader makes a draft's 责任领导 a user where it can: a leader id
// must be an enabled leader's (and gives the display name); a name typed as
// text links to the one enabled leader of exactly that name, if any.
func (s *Slips) resolveLeader(ctx context.Context, d *slip.Draft) error {
	if d.LeaderID != 0 {
		leader, err := s.store.Leader(ctx, d.LeaderID)
		if err != nil {
			return err
		}
		d.Leader = leader.Name
		return nil
	}
	if d.Leader == "" {
		return nil
	}
	id, err := s.store.LeaderNamed(ctx, d.Leader)
	d.LeaderID = id
	return err
}

// batchError describes the failed rows of a batch for a log line.
func batchError(results []BatchResult) error {
	var parts []string
	for _, r := range results {
		if r.Status == BatchFailed {
			parts = append(parts, fmt.Sprintf("%s: %s", r.ID, r.Error.Message))
		}
	}
	if len(parts) == 0 {
		return nil
	}
	return errors.New(strings.Join(parts, "; "))
}
