package workflows

import (
	"path/filepath"
	"testing"

	"go.temporal.io/sdk/worker"
)

// TestReplayRecordedLifecycle replays a full lifecycle's history, recorded
// from the end-to-end test (issue, acknowledge, progress, resolution, send
// back, progress, resolution, review, sign-off), against the workflow code as
// it is now. A change that would make running slips non-deterministic fails
// here; such a change needs workflow.GetVersion and a new recording
// (go test ./e2e -run TestLifecycleOverHTTP -record).
func TestReplayRecordedLifecycle(t *testing.T) {
	r := worker.NewWorkflowReplayer()
	r.RegisterWorkflowWithOptions(SlipWorkflow, workflowRegisterOptions())
	file := filepath.Join("testdata", "lifecycle_history.json")
	if err := r.ReplayWorkflowHistoryFromJSONFile(nil, file); err != nil {
		t.Fatalf("replay %s: %v", file, err)
	}
}
