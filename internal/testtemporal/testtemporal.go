// Package testtemporal starts the SDK's in-process Temporal server
// (temporaltest) for a test, and starts it again when the first try loses
// a race for a port.
//
// temporaltest picks its ports (frontend, membership, metrics, pprof) by
// binding :0 and closing the socket, and binds them again moments later.
// Those ports are in the kernel's ephemeral range, which every outgoing
// connection draws its local port from; on a busy machine (the whole suite
// at once, each package its own servers and PostgreSQL connections) one is
// sometimes taken in between. The server then cannot listen and panics
// inside NewServer (ringpop serves a nil listener), failing whichever test
// was starting: one full run in two or three on a 2-core machine. Each try
// picks new ports. (internal/devserver avoids the race by reserving ports
// below that range.)
package testtemporal

import (
	"fmt"
	"testing"

	"go.temporal.io/sdk/client"
	"go.temporal.io/server/temporaltest"
)

// tries is how many servers Start builds before it gives up.
const tries = 5

// newServer builds a server; a test of the retries replaces it.
var newServer = temporaltest.NewServer

// Start starts a server for tb with base as its clients' options (a nil
// Logger logs to tb) and returns it with its default client. The server
// stops when tb ends. tb fails if no try starts a server.
func Start(tb testing.TB, base client.Options) (*temporaltest.TestServer, client.Client) {
	tb.Helper()
	if base.Logger == nil {
		base.Logger = tbLogger{tb}
	}
	var failures []any
	for range tries {
		ts, c, failure := try(base)
		if failure == nil {
			tb.Cleanup(ts.Stop)
			return ts, c
		}
		tb.Logf("temporaltest: the server did not start (%v); trying again on other ports", failure)
		failures = append(failures, failure)
	}
	tb.Fatalf("temporaltest: no server started in %d tries: %v", tries, failures)
	return nil, nil
}

// try builds one server and its default client. Without WithT, temporaltest
// panics on any failure, as ringpop does on a port it cannot bind; both are
// recovered here and returned. The failed server's half-started parts are
// left to the test process's end, which is all that can be done with them.
func try(base client.Options) (ts *temporaltest.TestServer, c client.Client, failure any) {
	defer func() {
		if r := recover(); r != nil {
			ts, c, failure = nil, nil, r
		}
	}()
	ts = newServer(temporaltest.WithBaseClientOptions(base))
	return ts, ts.GetDefaultClient(), nil
}

// tbLogger writes the SDK's log lines to the test's log, as temporaltest's
// own logger does under WithT.
type tbLogger struct{ tb testing.TB }

func (l tbLogger) log(level, msg string, keyvals []any) {
	l.tb.Helper()
	l.tb.Log(level, msg, fmt.Sprint(keyvals...))
}

// Debug logs at debug level.
func (l tbLogger) Debug(msg string, keyvals ...any) { l.log("DEBUG", msg, keyvals) }

// Info logs at info level.
func (l tbLogger) Info(msg string, keyvals ...any) { l.log("INFO ", msg, keyvals) }

// Warn logs at warn level.
func (l tbLogger) Warn(msg string, keyvals ...any) { l.log("WARN ", msg, keyvals) }

// Error logs at error level.
func (l tbLogger) Error(msg string, keyvals ...any) { l.log("ERROR", msg, keyvals) }
