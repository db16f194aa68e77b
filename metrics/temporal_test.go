package metrics_test

import (
	"context"
	"io"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/duban-gov/duban/internal/testtemporal"
	"github.com/duban-gov/duban/metrics"
)

func scrape(t *testing.T, m *metrics.Registry) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	if rec.Code != 200 {
		t.Fatalf("/metrics: %d %s", rec.Code, body)
	}
	return string(body)
}

// TestSDKMetricsWithDifferentTagSets: the SDK emits one name with different
// tag sets; the scrape must still succeed, each series under the union of
// the keys.
func TestSDKMetricsWithDifferentTagSets(t *testing.T) {
	m := metrics.New()
	h := m.Temporal().WithTags(map[string]string{"namespace": "default"})
	h.Counter("temporal_request").Inc(2)
	h.WithTags(map[string]string{"operation": "PollWorkflowTaskQueue"}).Counter("temporal_request").Inc(1)
	h.Timer("temporal_activity_execution_latency").Record(30 * time.Millisecond)
	h.Gauge("temporal_sticky_cache_size").Update(7)

	body := scrape(t, m)
	for _, want := range []string{
		`temporal_request_total{namespace="default",operation=""} 2`,
		`temporal_request_total{namespace="default",operation="PollWorkflowTaskQueue"} 1`,
		`temporal_activity_execution_latency_seconds_bucket{namespace="default",le="0.05"} 1`,
		`temporal_activity_execution_latency_seconds_bucket{namespace="default",le="0.025"} 0`,
		`temporal_activity_execution_latency_seconds_count{namespace="default"} 1`,
		`temporal_sticky_cache_size{namespace="default"} 7`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// TestSDKMetricsTaggedAgain: the SDK tags a handler anew for every task.
// The same tags on the same parent count into one series; the same tags on
// another parent, or a metric of another kind, into their own.
func TestSDKMetricsTaggedAgain(t *testing.T) {
	m := metrics.New()
	a := m.Temporal().WithTags(map[string]string{"namespace": "a"})
	b := m.Temporal().WithTags(map[string]string{"namespace": "b"})
	for range 3 {
		a.WithTags(map[string]string{"operation": "Poll", "task_queue": "duban"}).Counter("temporal_request").Inc(1)
	}
	b.WithTags(map[string]string{"task_queue": "duban", "operation": "Poll"}).Counter("temporal_request").Inc(5)
	a.WithTags(map[string]string{"operation": "Poll", "task_queue": "duban"}).Gauge("temporal_request").Update(9)

	body := scrape(t, m)
	for _, want := range []string{
		`temporal_request_total{namespace="a",operation="Poll",task_queue="duban"} 3`,
		`temporal_request_total{namespace="b",operation="Poll",task_queue="duban"} 5`,
		`temporal_request{namespace="a",operation="Poll",task_queue="duban"} 9`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s:\n%s", want, body)
		}
	}
}

func greet(ctx workflow.Context, name string) (string, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second})
	var out string
	err := workflow.ExecuteActivity(ctx, shout, name).Get(ctx, &out)
	return out, err
}

func shout(_ context.Context, name string) (string, error) { return strings.ToUpper(name), nil }

// TestSDKMetricsAfterAWorkflow runs a workflow with an activity through a
// real (in-process) Temporal server on a client carrying the handler, and
// finds the SDK's metrics on /metrics.
func TestSDKMetricsAfterAWorkflow(t *testing.T) {
	m := metrics.New()
	_, c := testtemporal.Start(t, client.Options{MetricsHandler: m.Temporal()})
	w := worker.New(c, "metrics-test", worker.Options{})
	w.RegisterWorkflow(greet)
	w.RegisterActivity(shout)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: "metrics-test"}, greet, "duban")
	if err != nil {
		t.Fatal(err)
	}
	var out string
	if err := run.Get(ctx, &out); err != nil || out != "DUBAN" {
		t.Fatalf("workflow: %q %v", out, err)
	}

	wants := []*regexp.Regexp{
		regexp.MustCompile(`(?m)^temporal_workflow_completed_total\{.*workflow_type="greet".*\} 1$`),
		regexp.MustCompile(`(?m)^temporal_activity_execution_latency_seconds_count\{.*activity_type="shout".*\} 1$`),
		regexp.MustCompile(`(?m)^temporal_workflow_task_execution_latency_seconds_count\{.*\} [1-9]`),
		regexp.MustCompile(`(?m)^temporal_request_total\{.*operation="StartWorkflowExecution".*\} 1$`),
	}
	// The worker counts the completion as it finishes the last workflow
	// task, which may be just after the client has seen the result.
	var body string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		body = scrape(t, m)
		missing := 0
		for _, want := range wants {
			if !want.MatchString(body) {
				missing++
			}
		}
		if missing == 0 || time.Now().After(deadline) {
			break
		}
	}
	for _, want := range wants {
		if !want.MatchString(body) {
			t.Errorf("/metrics has no line matching %s", want)
		}
	}
	if t.Failed() {
		for _, line := range strings.Split(body, "\n") {
			if strings.HasPrefix(line, "temporal_") {
				t.Log(line)
			}
		}
	}
}

// BenchmarkSDKHandler is what the SDK does on every task: tag the handler
// with where it is, then count and time under those tags.
func BenchmarkSDKHandler(b *testing.B) {
	m := metrics.New()
	base := m.Temporal().WithTags(map[string]string{"namespace": "default", "client_name": "temporal-go"})
	b.ReportAllocs()
	for b.Loop() {
		h := base.WithTags(map[string]string{"task_queue": "duban", "workflow_type": "SlipWorkflow"})
		h.Counter("temporal_workflow_task_queue_poll_succeed").Inc(1)
		h.Timer("temporal_workflow_task_execution_latency").Record(3 * time.Millisecond)
		h.WithTags(map[string]string{"operation": "RespondWorkflowTaskCompleted"}).Counter("temporal_request").Inc(1)
	}
}
