package testtemporal

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/server/temporaltest"
)

// TestStartTriesAgainAfterAFailedStart: the first two servers fail as
// temporaltest fails on a taken port (a panic inside NewServer); the third
// starts, and its client reaches it.
func TestStartTriesAgainAfterAFailedStart(t *testing.T) {
	built := 0
	newServer = func(opts ...temporaltest.TestServerOption) *temporaltest.TestServer {
		built++
		if built <= 2 {
			panic(errors.New("listen tcp 127.0.0.1:40000: bind: address already in use"))
		}
		return temporaltest.NewServer(opts...)
	}
	t.Cleanup(func() { newServer = temporaltest.NewServer })

	ts, c := Start(t, client.Options{})
	if built != 3 {
		t.Fatalf("servers built = %d, want 3 (two failed, one started)", built)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := c.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		t.Fatalf("the started server does not answer: %v", err)
	}
	if ts.GetDefaultNamespace() == "" {
		t.Fatal("no namespace")
	}
}
