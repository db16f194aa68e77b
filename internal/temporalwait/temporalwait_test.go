package temporalwait_test

import (
	"context"
	"net"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/duban-gov/duban/internal/temporalwait"
	"github.com/duban-gov/duban/workflows"
)

// TestEnsureScheduleWaitsForAStartingServer: creating the schedules against a
// Temporal that does not answer yet (Unavailable, as a server still starting
// says "Frontend is not healthy yet"), as the worker does at start, keeps
// trying until the caller's deadline instead of failing at the first refusal.
func TestEnsureScheduleWaitsForAStartingServer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close() // nothing listens there: every call is Unavailable
	c, err := client.NewLazyClient(client.Options{HostPort: addr})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const wait = 1500 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	began := time.Now()
	err = temporalwait.WhileStarting(ctx, func() error { return workflows.EnsureDigestSchedule(ctx, c, "q") })
	if err == nil {
		t.Fatal("a schedule was created on no server")
	}
	if waited := time.Since(began); waited < wait-100*time.Millisecond {
		t.Fatalf("gave up after %s (%v); want it to keep trying until the deadline", waited, err)
	}
}
