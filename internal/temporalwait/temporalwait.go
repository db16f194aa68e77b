// Package temporalwait waits out a Temporal server that is still starting:
// the one wait every caller that meets a just-started server uses (the
// ledger binding and reconcile, the worker creating its schedules).
package temporalwait

import (
	"context"
	"errors"
	"strings"
	"time"

	"go.temporal.io/api/serviceerror"
)

// WhileStarting runs call, again while Temporal answers that it is still
// starting (a server just started may have no history host yet), for up to
// three minutes.
func WhileStarting(ctx context.Context, call func() error) error {
	deadline := time.Now().Add(3 * time.Minute)
	for {
		err := call()
		if err == nil || !Starting(err) || ctx.Err() != nil || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// Starting reports whether err is what a Temporal server answers while its
// services are still joining (after a restart the dev server waits for its
// old membership to expire) or before a worker just started has polled:
// unavailable, a call that timed out, or a query refused for want of a
// poller.
func Starting(err error) bool {
	var unavailable *serviceerror.Unavailable
	var timedOut *serviceerror.DeadlineExceeded
	var precondition *serviceerror.FailedPrecondition
	return errors.As(err, &unavailable) || errors.As(err, &timedOut) || errors.Is(err, context.DeadlineExceeded) ||
		(errors.As(err, &precondition) && strings.Contains(precondition.Message, "no poller"))
}
