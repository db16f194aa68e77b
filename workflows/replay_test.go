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
//   - lifecycle_v0.json: before reminders (issue, acknowledge, progress,
//     resolution, send back, progress, resolution, review, sign-off);
//   - lifecycle_v1.json: the same walk with reminders planned, an extension
//     requested and approved, and notifications;
//   - lifecycle_v2.json: the same walk with the ledger writes and reminder
//     planning as local activities (versionLocalActivities);
//   - lifecycle_v3.json: the same walk with serialised ledger writes that
//     change the state only once written (versionDurableWrites), Project
//     returning its event;
//   - lifecycle_v4.json: the same walk on a slip with units' parts (issue
//     13): the co-unit's own reminder clock beside the slip's, its 签收 and
//     协办完成 before the lead resolves.
//
// A change that would make running slips non-deterministic fails here; such
// a change needs workflow.GetVersion and a new recording
// (go test ./e2e -run TestLifecycleOverHTTP -record).
func TestReplayRecordedLifecycles(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "lifecycle_v*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 2 {
		t.Fatalf("want at least two recorded histories in testdata, found %v", files)
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
