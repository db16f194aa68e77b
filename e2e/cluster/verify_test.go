package cluster

import (
	"context"
	"fmt"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/duban-gov/duban/internal/loadgen"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/workflows"
)

// lifecycleEvents are the timeline events a driven slip must have, once each.
var lifecycleEvents = []slip.Action{slip.ActionIssue, slip.ActionAcknowledge, slip.ActionProgress,
	slip.ActionResolve, slip.ActionPassReview, slip.ActionSignOff}

// verify proves, after the run: every slip the clients issued exists exactly
// once (in the ledger and in Temporal), every workflow completed with the
// slip closed, the ledger row equals the workflow's final state, and every
// timeline runs 1…n without gap or duplicate, each action recorded once.
func verify(t *testing.T, ctx context.Context, c *cluster, temporalAddr string, rep loadgen.Report) {
	t.Helper()
	st, err := store.Open(ctx, c.pg.url, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tc, err := client.Dial(client.Options{HostPort: temporalAddr})
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()

	// The clients' view: one distinct slip per index.
	issued := map[string]int{}
	for i, s := range rep.Slips {
		if s.ID == "" {
			t.Fatalf("slip %d has no id", i)
		}
		if j, dup := issued[s.ID]; dup {
			t.Fatalf("slips %d and %d got the same id %s", j, i, s.ID)
		}
		issued[s.ID] = i
	}

	// The ledger's view: exactly those slips, no more (a retried issue that
	// was applied twice would be a second slip with the same title).
	var ledger []slip.Slip
	for cursor := ""; ; {
		page, err := st.ListSlips(ctx, store.Filter{Batch: "loadgen", PageSize: store.MaxPageSize, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		ledger = append(ledger, page.Items...)
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if len(ledger) != slips {
		t.Errorf("ledger has %d slips, want %d", len(ledger), slips)
	}
	titles, numbers := map[string]bool{}, map[string]bool{}
	for _, s := range ledger {
		if _, ok := issued[s.ID]; !ok {
			t.Errorf("ledger slip %s %q was not issued by any client (a duplicate?)", s.ID, s.Draft.Title)
		}
		if titles[s.Draft.Title] || numbers[s.Number] {
			t.Errorf("duplicate slip in the ledger: %s %q %s", s.ID, s.Draft.Title, s.Number)
		}
		titles[s.Draft.Title], numbers[s.Number] = true, true
	}

	// Temporal's view: as many slip workflows as slips.
	count, err := tc.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Query: "WorkflowType = '" + workflows.WorkflowName + "'"})
	if err != nil {
		t.Errorf("count workflows: %v", err)
	} else if count.Count != slips {
		t.Errorf("Temporal has %d slip workflows, want %d", count.Count, slips)
	}

	events := 0
	for _, row := range ledger {
		if err := verifySlip(ctx, tc, st, row, &events); err != nil {
			t.Error(err)
		}
	}
	if t.Failed() {
		return
	}
	t.Logf("verified: %d slips issued once each (%d ledger rows, %d workflows completed), %d timeline events, seq 1…n without gap or duplicate, ledger = workflow state",
		len(issued), len(ledger), count.GetCount(), events)
}

func verifySlip(ctx context.Context, tc client.Client, st *store.Store, row slip.Slip, events *int) error {
	wid := workflows.WorkflowID(row.ID)
	desc, err := tc.DescribeWorkflowExecution(ctx, wid, "")
	if err != nil {
		return fmt.Errorf("describe %s: %w", wid, err)
	}
	if got := desc.GetWorkflowExecutionInfo().GetStatus(); got != enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED {
		return fmt.Errorf("workflow %s is %s, want completed", wid, got)
	}
	var final slip.Slip
	if err := tc.GetWorkflow(ctx, wid, "").Get(ctx, &final); err != nil {
		return fmt.Errorf("result of %s: %w", wid, err)
	}
	if final.Status != slip.StatusClosed {
		return fmt.Errorf("workflow %s ended %s, want closed", wid, final.Status)
	}
	if row.Status != final.Status || row.Seq != final.Seq || row.Number != final.Number ||
		row.ReworkCount != final.ReworkCount || row.LatestProgress != final.LatestProgress {
		return fmt.Errorf("slip %s: ledger (status %s, seq %d, number %s, rework %d, progress %q) ≠ workflow (%s, %d, %s, %d, %q)",
			row.ID, row.Status, row.Seq, row.Number, row.ReworkCount, row.LatestProgress,
			final.Status, final.Seq, final.Number, final.ReworkCount, final.LatestProgress)
	}
	timeline, err := st.Timeline(ctx, row.ID)
	if err != nil {
		return err
	}
	*events += len(timeline)
	seen := map[slip.Action]int{}
	for i, e := range timeline {
		if e.Seq != int64(i+1) {
			return fmt.Errorf("slip %s: timeline position %d has seq %d (gap or duplicate)", row.ID, i+1, e.Seq)
		}
		seen[e.Type]++
	}
	if int64(len(timeline)) != final.Seq {
		return fmt.Errorf("slip %s: %d timeline events, workflow seq %d", row.ID, len(timeline), final.Seq)
	}
	for _, a := range lifecycleEvents {
		if seen[a] != 1 {
			return fmt.Errorf("slip %s: %d %s events, want 1", row.ID, seen[a], a)
		}
	}
	for a, n := range seen {
		if !a.System() && !containsAction(lifecycleEvents, a) {
			return fmt.Errorf("slip %s: unexpected %d %s events", row.ID, n, a)
		}
	}
	return nil
}

func containsAction(list []slip.Action, a slip.Action) bool {
	for _, x := range list {
		if x == a {
			return true
		}
	}
	return false
}
