package logctx_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/duban-gov/duban/internal/logctx"
)

func TestRequestIDOnRecordsLoggedWithTheContext(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(logctx.Handler{Handler: slog.NewJSONHandler(&buf, nil)}).With("process", "api")
	ctx := logctx.WithRequestID(context.Background(), "req-42")
	log.InfoContext(ctx, "slip issued", "slip_id", "s1", "workflow_id", "slip-s1")
	log.InfoContext(ctx, "http", "request_id", "req-42") // already there: not twice
	log.Info("no context")

	raw := bytes.Clone(buf.Bytes())
	dec := json.NewDecoder(&buf)
	var lines []map[string]any
	for dec.More() {
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, m)
	}
	if len(lines) != 3 {
		t.Fatalf("%d lines", len(lines))
	}
	if lines[0]["request_id"] != "req-42" || lines[0]["workflow_id"] != "slip-s1" || lines[0]["process"] != "api" {
		t.Errorf("first line: %v", lines[0])
	}
	if bytes.Count(raw, []byte(`"request_id"`)) != 2 {
		t.Errorf("request_id should appear once on each of the two lines with a context:\n%s", raw)
	}
	if _, ok := lines[2]["request_id"]; ok {
		t.Errorf("line without context has a request id: %v", lines[2])
	}
}
