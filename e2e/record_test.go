package e2e

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	historypb "go.temporal.io/api/history/v1"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/duban-gov/duban/workflows"
)

// record makes TestLifecycleOverHTTP write the workflow history it produced
// to workflows/testdata, where the replay test checks that today's workflow
// code still replays it. Run it when a deliberate, versioned change to the
// workflow needs a new recording:
//
//	go test ./e2e -run TestLifecycleOverHTTP -record
//
// recording is the file the current workflow version's history goes to.
const recording = "lifecycle_v5.json"

var record = flag.Bool("record", false, "write the lifecycle workflow history to workflows/testdata")

// recordHistory writes the full history of the slip's workflow as JSON (the
// format of `temporal workflow show --output json`).
func recordHistory(t *testing.T, s *system, slipID string) {
	t.Helper()
	if !*record {
		return
	}
	writeHistory(t, s, workflows.WorkflowID(slipID), recording)
}

// writeHistory writes the full history of workflow wid to
// workflows/testdata/file.
func writeHistory(t *testing.T, s *system, wid, file string) {
	t.Helper()
	ctx := context.Background()
	it := s.temporal.GetWorkflowHistory(ctx, wid, "", false, 0)
	var h historypb.History
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatalf("read history: %v", err)
		}
		h.Events = append(h.Events, e)
	}
	raw, err := protojson.MarshalOptions{Multiline: true, Indent: "  "}.Marshal(&h)
	if err != nil {
		t.Fatalf("encode history: %v", err)
	}
	out := filepath.Join("..", "workflows", "testdata", file)
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, raw, 0o644); err != nil {
		t.Fatalf("write %s: %v", out, err)
	}
	t.Logf("recorded %d history events to %s", len(h.Events), out)
}
