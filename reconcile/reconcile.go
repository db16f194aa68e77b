// Package reconcile compares each slip workflow with its ledger row and
// timeline and, when asked, writes what the ledger is missing.
//
// The workflow is the source of truth; the ledger is its projection. A
// projection that never landed (a bug, an operator's mistake, a ledger
// restored from an old backup, or one deleted outright) shows up here as a
// missing row, missing timeline events or a row behind its workflow. The
// workflow's current state comes from a query (a running slip: a worker must
// be polling) or its result (a finished one); the events come from the
// workflow's history, where every ledger write left its event (the Project
// activity returns the event it wrote, and Temporal keeps a local activity's
// result in its history marker).
package reconcile

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/duban-gov/duban/activities"
	"github.com/duban-gov/duban/internal/temporalwait"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/workflows"
)

// Options say what to compare and whether to repair.
type Options struct {
	Temporal  client.Client
	Namespace string
	Store     *store.Store
	// Repair writes what the ledger is missing; without it Run only reports.
	Repair bool
	// Concurrency is how many slips are compared at once (default 8).
	Concurrency int
	Log         *slog.Logger
}

// Finding is one slip whose ledger does not match its workflow.
type Finding struct {
	SlipID string `json:"slip_id"`
	Number string `json:"number,omitempty"`
	// Workflow is the workflow's execution status (Running, Completed, …).
	Workflow       string      `json:"workflow"`
	WorkflowStatus slip.Status `json:"workflow_status,omitempty"`
	WorkflowSeq    int64       `json:"workflow_seq"`
	LedgerStatus   slip.Status `json:"ledger_status,omitempty"`
	LedgerSeq      int64       `json:"ledger_seq"`
	// MissingRow is true when the ledger has no row for the slip.
	MissingRow bool `json:"missing_row,omitempty"`
	// MissingEvents are the timeline numbers the ledger lacks.
	MissingEvents []int64 `json:"missing_events,omitempty"`
	// Unrecoverable are missing events the workflow's history does not
	// hold (written by workflows from before Project returned its event).
	Unrecoverable []int64 `json:"unrecoverable,omitempty"`
	// Problem says what is wrong, for a person.
	Problem string `json:"problem"`
	// Repaired is true when a repair brought the ledger level with the
	// workflow (the recoverable part of it).
	Repaired bool `json:"repaired,omitempty"`
	// Ahead lists the timeline numbers the ledger has beyond its workflow:
	// actions projected whose workflow task was then lost.
	Ahead []int64 `json:"ahead,omitempty"`
	// DepartmentsCreated are departments the repair had to create.
	DepartmentsCreated []string `json:"departments_created,omitempty"`
}

// Report is the outcome of Run.
type Report struct {
	Workflows  int       `json:"workflows"`
	Consistent int       `json:"consistent"`
	Findings   []Finding `json:"findings"`
	Repaired   int       `json:"repaired"`
	// Departments lists department codes the ledger lacked and a repair
	// created (named by their code until an admin names them).
	Departments []string `json:"departments_created,omitempty"`
}

// Run compares every slip workflow of the namespace with the ledger.
func Run(ctx context.Context, o Options) (Report, error) {
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	slips, err := listSlipWorkflows(ctx, o.Temporal, o.Namespace)
	if err != nil {
		return Report{}, err
	}
	rep := Report{Workflows: len(slips)}
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	work := make(chan *slipRuns)
	for range o.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for w := range work {
				f, ok, err := check(ctx, o, w)
				mu.Lock()
				switch {
				case err != nil:
					if firstErr == nil {
						firstErr = fmt.Errorf("slip workflow %s: %w", w.id, err)
					}
				case ok:
					rep.Consistent++
				default:
					rep.Findings = append(rep.Findings, f)
					rep.Departments = append(rep.Departments, f.DepartmentsCreated...)
					if f.Repaired {
						rep.Repaired++
					}
				}
				mu.Unlock()
			}
		}()
	}
	for _, w := range slips {
		work <- w
	}
	close(work)
	wg.Wait()
	sort.Slice(rep.Findings, func(i, j int) bool { return rep.Findings[i].SlipID < rep.Findings[j].SlipID })
	return rep, firstErr
}

// slipRuns are the runs of one slip's workflow (more than one after
// continue-as-new), oldest first.
type slipRuns struct {
	id   string
	runs []*commonpb.WorkflowExecution
	// latest is the run that is or was last: running, or closed otherwise
	// than by continuing as new.
	latest       *commonpb.WorkflowExecution
	latestStatus enumspb.WorkflowExecutionStatus
}

// listSlipWorkflows lists every run of every slip workflow in the namespace.
func listSlipWorkflows(ctx context.Context, tc client.Client, namespace string) ([]*slipRuns, error) {
	byID := map[string]*slipRuns{}
	type run struct {
		exec   *commonpb.WorkflowExecution
		status enumspb.WorkflowExecutionStatus
		start  int64
	}
	runs := map[string][]run{}
	var token []byte
	for {
		var resp *workflowservice.ListWorkflowExecutionsResponse
		err := temporalwait.WhileStarting(ctx, func() (err error) {
			resp, err = tc.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
				Namespace: namespace, PageSize: 1000, NextPageToken: token,
				Query: workflows.VisibilityQuery,
			})
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("list slip workflows: %w", err)
		}
		for _, e := range resp.GetExecutions() {
			id := e.GetExecution().GetWorkflowId()
			runs[id] = append(runs[id], run{e.GetExecution(), e.GetStatus(), e.GetStartTime().AsTime().UnixNano()})
		}
		token = resp.GetNextPageToken()
		if len(token) == 0 {
			break
		}
	}
	out := make([]*slipRuns, 0, len(runs))
	for id, rs := range runs {
		sort.Slice(rs, func(i, j int) bool { return rs[i].start < rs[j].start })
		w := &slipRuns{id: id}
		for _, r := range rs {
			w.runs = append(w.runs, r.exec)
			if r.status != enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW {
				w.latest, w.latestStatus = r.exec, r.status
			}
		}
		if w.latest == nil { // every run continued: the next is not listed yet
			last := rs[len(rs)-1]
			w.latest, w.latestStatus = last.exec, last.status
		}
		byID[id] = w
		out = append(out, w)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out, nil
}

// check compares one slip; ok is true when the ledger matches.
func check(ctx context.Context, o Options, w *slipRuns) (Finding, bool, error) {
	slipID := strings.TrimPrefix(w.id, "slip-")
	f := Finding{SlipID: slipID, Workflow: statusName(w.latestStatus)}
	state, known, err := workflowState(ctx, o.Temporal, w)
	if err != nil {
		return f, false, err
	}
	if !known {
		f.Problem = "工作流已异常结束（" + f.Workflow + "），台账不能据此核对；请查看告警列表"
		return f, false, nil
	}
	if state.Number == "" {
		// Not yet registered: its RecordIssued is still to run.
		return f, true, nil
	}
	f.Number, f.WorkflowStatus, f.WorkflowSeq = state.Number, state.Status, state.Seq

	ledger, err := o.Store.GetSlip(ctx, slipID)
	switch {
	case err == nil:
		f.LedgerStatus, f.LedgerSeq = ledger.Status, ledger.Seq
	case slip.AsError(err) != nil && slip.AsError(err).Kind == slip.KindNotFound:
		f.MissingRow = true
	default:
		return f, false, err
	}
	have := map[int64]bool{}
	if !f.MissingRow {
		timeline, err := o.Store.Timeline(ctx, slipID)
		if err != nil {
			return f, false, err
		}
		for _, e := range timeline {
			have[e.Seq] = true
		}
	}
	for seq := int64(1); seq <= state.Seq; seq++ {
		if !have[seq] {
			f.MissingEvents = append(f.MissingEvents, seq)
		}
	}
	if !f.MissingRow && f.LedgerSeq > state.Seq {
		return ledgerAhead(ctx, o, w, f, state)
	}
	behind := f.LedgerSeq < state.Seq || (f.LedgerSeq == state.Seq && f.LedgerStatus != state.Status)
	if !f.MissingRow && len(f.MissingEvents) == 0 && !behind {
		return f, true, nil
	}
	events, err := historyEvents(ctx, o.Temporal, w)
	if err != nil {
		return f, false, err
	}
	recoverable := map[int64]bool{1: true} // the issue event is rebuilt from the slip
	for _, e := range events {
		recoverable[e.Seq] = true
	}
	for _, seq := range f.MissingEvents {
		if !recoverable[seq] {
			f.Unrecoverable = append(f.Unrecoverable, seq)
		}
	}
	f.Problem = describe(f)
	if !o.Repair {
		return f, false, nil
	}
	if f.DepartmentsCreated, err = ensureDepartments(ctx, o.Store, state.Draft.Departments()); err != nil {
		return f, false, err
	}
	if _, err := o.Store.Restore(ctx, state, events); err != nil {
		return f, false, err
	}
	after, err := o.Store.GetSlip(ctx, slipID)
	if err != nil {
		return f, false, err
	}
	f.Repaired = after.Seq == state.Seq && after.Status == state.Status
	o.Log.Info("slip reconciled", "slip_id", slipID, "number", state.Number, "missing_row", f.MissingRow,
		"missing_events", f.MissingEvents, "unrecoverable", f.Unrecoverable, "repaired", f.Repaired)
	return f, false, nil
}

// inFlight is how long an action may sit projected but not yet part of its
// workflow's state (the workflow takes it as its state right after the
// ledger has it); a ledger still ahead after it lost the workflow's task.
const inFlight = 5 * time.Second

// ledgerAhead handles a ledger that holds actions its workflow does not: an
// action in flight (the workflow commits it once projected), or one whose
// workflow task was lost after the projection (a Temporal server that died
// before recording the task). The second is a finding; its repair sends
// the ledger's own actions to the workflow again, in order, as updates with
// ids of their own: the workflow applies each (the projection is a no-op,
// the ledger keeps its event) and is level with the ledger again. Reminders
// need nothing: their timers fire again and write the same numbers.
func ledgerAhead(ctx context.Context, o Options, w *slipRuns, f Finding, state slip.Slip) (Finding, bool, error) {
	if w.latestStatus == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		select {
		case <-ctx.Done():
			return f, false, ctx.Err()
		case <-time.After(inFlight):
		}
		again, known, err := workflowState(ctx, o.Temporal, w)
		if err != nil || !known {
			return f, false, err
		}
		if again.Seq >= f.LedgerSeq {
			return f, true, nil // it was in flight
		}
		state = again
		f.WorkflowStatus, f.WorkflowSeq = state.Status, state.Seq
	}
	timeline, err := o.Store.Timeline(ctx, f.SlipID)
	if err != nil {
		return f, false, err
	}
	var extra []slip.Event
	for _, e := range timeline {
		if e.Seq > state.Seq {
			extra = append(extra, e)
			f.Ahead = append(f.Ahead, e.Seq)
		}
	}
	f.Problem = fmt.Sprintf("台账比工作流多出第 %v 步（台账 %s，工作流 %s）：这些操作已记入台账，但其工作流任务已丢失",
		f.Ahead, f.LedgerStatus.Label(), f.WorkflowStatus.Label())
	if !o.Repair || w.latestStatus != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		return f, false, nil
	}
	for _, e := range extra {
		if e.Type.System() {
			continue
		}
		cmd, err := slip.CommandOf(e)
		if err != nil {
			return f, false, err
		}
		handle, err := o.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
			WorkflowID: w.id, UpdateID: fmt.Sprintf("reconcile:%s:%d", f.SlipID, e.Seq),
			UpdateName: workflows.UpdateName(e.Type), Args: []any{cmd}, WaitForStage: client.WorkflowUpdateStageCompleted,
		})
		if err == nil {
			err = handle.Get(ctx, nil)
		}
		if err != nil {
			return f, false, fmt.Errorf("send event %d (%s) to the workflow again: %w", e.Seq, e.Type, err)
		}
	}
	after, known, err := workflowState(ctx, o.Temporal, w)
	if err != nil || !known {
		return f, false, err
	}
	f.Repaired = after.Seq == f.LedgerSeq
	o.Log.Info("slip reconciled", "slip_id", f.SlipID, "number", f.Number, "ahead", f.Ahead, "repaired", f.Repaired)
	return f, false, nil
}

// describe says in Chinese what is wrong with a slip's ledger.
func describe(f Finding) string {
	var parts []string
	if f.MissingRow {
		parts = append(parts, "台账中没有这份交办单")
	}
	if len(f.MissingEvents) > 0 && !f.MissingRow {
		parts = append(parts, fmt.Sprintf("时间线缺少第 %v 条", f.MissingEvents))
	}
	if !f.MissingRow && (f.LedgerSeq != f.WorkflowSeq || f.LedgerStatus != f.WorkflowStatus) {
		parts = append(parts, fmt.Sprintf("台账停在第 %d 步（%s），工作流已到第 %d 步（%s）", f.LedgerSeq, f.LedgerStatus.Label(), f.WorkflowSeq, f.WorkflowStatus.Label()))
	}
	if len(f.Unrecoverable) > 0 {
		parts = append(parts, fmt.Sprintf("第 %v 条在工作流历史中没有留存，无法补录", f.Unrecoverable))
	}
	return strings.Join(parts, "；")
}

// workflowState is the slip as its workflow holds it: a running workflow
// answers a query, a completed one has its result. known is false for a
// workflow that failed, was terminated or timed out.
func workflowState(ctx context.Context, tc client.Client, w *slipRuns) (s slip.Slip, known bool, err error) {
	switch w.latestStatus {
	case enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING:
		var v converter.EncodedValue
		err := temporalwait.WhileStarting(ctx, func() (err error) {
			v, err = tc.QueryWorkflow(ctx, w.id, w.latest.GetRunId(), workflows.QueryState)
			return err
		})
		if err != nil {
			return s, false, fmt.Errorf("query state (is a worker running?): %w", err)
		}
		if err := v.Get(&s); err != nil {
			return s, false, fmt.Errorf("decode state: %w", err)
		}
		return s, true, nil
	case enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED:
		if err := tc.GetWorkflow(ctx, w.id, w.latest.GetRunId()).Get(ctx, &s); err != nil {
			return s, false, fmt.Errorf("read result: %w", err)
		}
		return s, true, nil
	}
	return s, false, nil
}

// historyEvents collects the timeline events that the slip's ledger writes
// left in its workflow's history, over all its runs.
func historyEvents(ctx context.Context, tc client.Client, w *slipRuns) ([]slip.Event, error) {
	dc := converter.GetDefaultDataConverter()
	var out []slip.Event
	for _, run := range w.runs {
		it := tc.GetWorkflowHistory(ctx, w.id, run.GetRunId(), false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for it.HasNext() {
			ev, err := it.Next()
			if err != nil {
				return nil, fmt.Errorf("read history of run %s: %w", run.GetRunId(), err)
			}
			e, ok, err := projectedEvent(dc, ev)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, e)
			}
		}
	}
	return out, nil
}

// projectedEvent reads the timeline event of a ledger write from a history
// event: the result of a local Project activity, or the input of a Project
// activity task (workflows from before local activities).
func projectedEvent(dc converter.DataConverter, ev *historypb.HistoryEvent) (slip.Event, bool, error) {
	if m := ev.GetMarkerRecordedEventAttributes(); m != nil {
		if m.GetMarkerName() != "LocalActivity" || m.GetFailure() != nil {
			return slip.Event{}, false, nil
		}
		var data struct{ ActivityType string }
		if err := dc.FromPayloads(m.GetDetails()["data"], &data); err != nil {
			return slip.Event{}, false, fmt.Errorf("decode local activity marker %d: %w", ev.GetEventId(), err)
		}
		result := m.GetDetails()["result"]
		if data.ActivityType != "Project" || len(result.GetPayloads()) == 0 {
			return slip.Event{}, false, nil
		}
		var e slip.Event
		if err := dc.FromPayloads(result, &e); err != nil {
			return slip.Event{}, false, fmt.Errorf("decode projected event in marker %d: %w", ev.GetEventId(), err)
		}
		return e, e.Seq > 0, nil
	}
	if a := ev.GetActivityTaskScheduledEventAttributes(); a != nil && a.GetActivityType().GetName() == "Project" {
		var p activities.Projection
		if err := dc.FromPayloads(a.GetInput(), &p); err != nil {
			return slip.Event{}, false, fmt.Errorf("decode projection input %d: %w", ev.GetEventId(), err)
		}
		return p.Event, p.Event.Seq > 0, nil
	}
	return slip.Event{}, false, nil
}

// ensureDepartments creates the departments a slip names that the ledger
// lacks (a rebuilt ledger starts without any), named by their code until an
// admin names them, and returns their codes.
func ensureDepartments(ctx context.Context, st *store.Store, codes []string) ([]string, error) {
	missing, err := st.MissingDepartments(ctx, codes)
	if err != nil {
		return nil, err
	}
	for _, code := range missing {
		if _, err := st.CreateDepartment(ctx, slip.Department{Code: code, Name: code}); err != nil {
			var de *slip.Error
			if errors.As(err, &de) && de.Kind == slip.KindConflict {
				continue // another slip's repair made it
			}
			return nil, fmt.Errorf("create department %s: %w", code, err)
		}
	}
	return missing, nil
}

func statusName(s enumspb.WorkflowExecutionStatus) string {
	return strings.TrimPrefix(s.String(), "WORKFLOW_EXECUTION_STATUS_")
}
