package workflows

import (
	"path/filepath"
	"testing"

	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// TestReplayRecordedProject replays a recorded project history (the
// end-to-end test's: registration, a slip spawned and linked, a 批示,
// every milestone reported and accepted, a refused second acceptance,
// 销号) against ProjectWorkflow as it is now. A change that would make
// running projects non-deterministic fails here; it needs
// workflow.GetVersion and a new recording
// (go test ./e2e -run TestProjectsOverHTTP -record-project, to a new file).
func TestReplayRecordedProject(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "project_v*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no recorded project history in testdata")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			r := worker.NewWorkflowReplayer()
			r.RegisterWorkflowWithOptions(ProjectWorkflow, workflow.RegisterOptions{Name: ProjectWorkflowName})
			if err := r.ReplayWorkflowHistoryFromJSONFile(nil, file); err != nil {
				t.Fatalf("replay %s: %v", file, err)
			}
		})
	}
}
