package workflows

import (
	"path/filepath"
	"testing"

	"go.temporal.io/sdk/worker"
)

// TestReplayRecordedLifecycles replays recorded histories of full
// lifecycles against the workflow code as it is now. Each file was recorded
// by the end-to-end test from the code of its time:
//
//   - lifecycle_v3.json: issue, acknowledge, an extension requested and
//     approved, progress, resolution, send back, progress, resolution,
//     review, sign-off, with ledger writes and reminder planning as local
//     activities and serialised writes that change the state only once
//     written (then behind GetVersion markers);
//   - lifecycle_v4.json: the same walk on a slip with units' parts (issue
//     13): the co-unit's own reminder clock beside the slip's, its 签收 and
//     协办完成 before the lead resolves;
//   - lifecycle_v5.json: the walk of v4 from the workflow without version
//     markers (issue 16).
//
// Histories v0–v2 (before reminders, before local activities, before
// durable writes) were dropped with their GetVersion branches in issue 16:
// no duban installation had been deployed, so no running workflow had such
// a history, and each marker cost a search-attribute upsert per slip.
//
// A change that would make running slips non-deterministic fails here; such
// a change needs workflow.GetVersion and a new recording
// (go test ./e2e -run TestLifecycleOverHTTP -record).
func TestReplayRecordedLifecycles(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "lifecycle_v*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 3 {
		t.Fatalf("want at least three recorded histories in testdata, found %v", files)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			r := worker.NewWorkflowReplayer()
			r.RegisterWorkflowWithOptions(SlipWorkflow, workflowRegisterOptions())
			if err := r.ReplayWorkflowHistoryFromJSONFile(nil, file); err != nil {
				t.Fatalf("replay %s: %v", file, err)
			}
		})
	}
}
