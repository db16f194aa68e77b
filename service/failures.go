package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/duban-gov/duban/metrics"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/workflows"
)

// FailedSlip is a slip whose workflow stopped without finishing the slip:
// its run failed, was terminated, timed out or was cancelled in Temporal, or
// it is still running but Temporal reports that its workflow tasks keep
// failing. Nothing will move such a slip any more, so the office must hear
// of it — above all when the ledger still counts it open.
type FailedSlip struct {
	SlipID     string `json:"slip_id"`
	Number     string `json:"number"`
	WorkflowID string `json:"workflow_id"`
	RunID      string `json:"run_id"`
	// WorkflowStatus is failed, terminated, timed_out, canceled, or running
	// (with Problem saying what Temporal reports).
	WorkflowStatus string     `json:"workflow_status"`
	Problem        string     `json:"problem,omitempty"`
	ClosedAt       *time.Time `json:"closed_at"`
	// LedgerStatus is the slip's status on the ledger ("" when the ledger
	// never recorded it); CountedOpen is true when that status is open, so
	// the ledger and statistics count as open a slip nothing will move.
	LedgerStatus slip.Status `json:"ledger_status"`
	CountedOpen  bool        `json:"counted_open"`
}

// CountedOpen is how many of failed the ledger still counts as open.
func CountedOpen(failed []FailedSlip) int {
	n := 0
	for _, f := range failed {
		if f.CountedOpen {
			n++
		}
	}
	return n
}

// stoppedQuery finds slip workflows whose last run ended without completing.
// A run that continued as new is not among them; the run it started is.
var stoppedQuery = workflows.VisibilityQuery + " AND ExecutionStatus IN ('Failed', 'Terminated', 'TimedOut', 'Canceled')"

// troubledQuery finds running slip workflows whose workflow tasks Temporal
// has seen fail repeatedly (a panic, a non-deterministic change): alive in
// name only.
var troubledQuery = workflows.VisibilityQuery + " AND ExecutionStatus = 'Running' AND TemporalReportedProblems IS NOT NULL"

// maxFailedListed bounds one listing: past it something is wrong at scale,
// and the first ones say what.
const maxFailedListed = 1000

// FailedWorkflows lists the slips whose workflows stopped without finishing
// them (see FailedSlip), from Temporal's visibility store, each with its
// ledger status. A workflow reset or restarted since (its latest run is
// running or completed) is not listed.
func (s *Slips) FailedWorkflows(ctx context.Context) ([]FailedSlip, error) {
	ctx, cancel := context.WithTimeout(ctx, TemporalTimeout)
	defer cancel()
	stopped, err := s.listWorkflows(ctx, stoppedQuery)
	if err != nil {
		return nil, unavailable(fmt.Errorf("list stopped slip workflows: %w", err))
	}
	troubled, err := s.listWorkflows(ctx, troubledQuery)
	if err != nil {
		// Older servers and some visibility stores know no such attribute:
		// the stopped ones are still worth listing.
		s.log.WarnContext(ctx, "cannot list slip workflows with reported problems", "error", err)
	}
	out := []FailedSlip{}
	for _, info := range append(stopped, troubled...) {
		wid := info.GetExecution().GetWorkflowId()
		if info.GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
			latest, err := s.temporal.DescribeWorkflowExecution(ctx, wid, "")
			if err != nil {
				return nil, unavailable(fmt.Errorf("describe workflow %s: %w", wid, err))
			}
			if latest.GetWorkflowExecutionInfo().GetExecution().GetRunId() != info.GetExecution().GetRunId() {
				continue // a later run carries the slip on
			}
		}
		f := FailedSlip{
			SlipID:         strings.TrimPrefix(wid, workflows.WorkflowID("")),
			WorkflowID:     wid,
			RunID:          info.GetExecution().GetRunId(),
			WorkflowStatus: statusName(info.GetStatus()),
		}
		if info.GetCloseTime() != nil {
			at := info.GetCloseTime().AsTime()
			f.ClosedAt = &at
		}
		if p := info.GetSearchAttributes().GetIndexedFields()["TemporalReportedProblems"]; p != nil {
			f.Problem = strings.Trim(string(p.GetData()), "[]\"")
		}
		sl, err := s.store.GetSlip(ctx, f.SlipID)
		switch {
		case err == nil:
			f.Number, f.LedgerStatus, f.CountedOpen = sl.Number, sl.Status, sl.Status.Open()
		case slip.AsError(err) != nil && slip.AsError(err).Kind == slip.KindNotFound:
		default:
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// listWorkflows pages through a visibility query, up to maxFailedListed.
func (s *Slips) listWorkflows(ctx context.Context, query string) ([]*workflowpb.WorkflowExecutionInfo, error) {
	var out []*workflowpb.WorkflowExecutionInfo
	var token []byte
	for {
		resp, err := s.temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: query, PageSize: 200, NextPageToken: token,
		})
		if err != nil {
			return nil, err
		}
		out = append(out, resp.GetExecutions()...)
		token = resp.GetNextPageToken()
		if len(token) == 0 || len(out) >= maxFailedListed {
			return out, nil
		}
	}
}

// statusName is a workflow status as the alert list names it.
func statusName(st enumspb.WorkflowExecutionStatus) string {
	switch st {
	case enumspb.WORKFLOW_EXECUTION_STATUS_FAILED:
		return "failed"
	case enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED:
		return "terminated"
	case enumspb.WORKFLOW_EXECUTION_STATUS_TIMED_OUT:
		return "timed_out"
	case enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED:
		return "canceled"
	case enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING:
		return "running"
	}
	return strings.ToLower(strings.TrimPrefix(st.String(), "WORKFLOW_EXECUTION_STATUS_"))
}

// WatchFailures lists failed slip workflows every interval until ctx ends:
// it sets the metrics' gauge (duban_failed_slip_workflows) and logs each
// newly seen one at error level, so an operator learns of a stopped slip
// without anybody opening the alert list. /readyz does not depend on it: a
// failed slip is a fault in one slip, not in the process.
func (s *Slips) WatchFailures(ctx context.Context, interval time.Duration, m *metrics.Registry) {
	seen := map[string]bool{}
	for {
		if failed, err := s.FailedWorkflows(ctx); err != nil {
			if !errors.Is(ctx.Err(), context.Canceled) {
				s.log.WarnContext(ctx, "cannot list failed slip workflows", "error", err)
			}
		} else {
			s.reportFailures(ctx, failed, seen, m)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}

// reportFailures sets the gauge and logs the failures not seen before.
func (s *Slips) reportFailures(ctx context.Context, failed []FailedSlip, seen map[string]bool, m *metrics.Registry) {
	open := CountedOpen(failed)
	for _, f := range failed {
		key := f.WorkflowID + "/" + f.RunID
		if seen[key] {
			continue
		}
		seen[key] = true
		s.log.ErrorContext(ctx, "slip workflow stopped without finishing the slip", "slip_id", f.SlipID, "number", f.Number,
			"workflow_id", f.WorkflowID, "run_id", f.RunID, "workflow_status", f.WorkflowStatus, "problem", f.Problem,
			"ledger_status", f.LedgerStatus, "counted_open", f.CountedOpen)
	}
	m.SetFailedSlipWorkflows(len(failed)-open, open)
}
