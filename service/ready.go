package service

import (
	"context"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
)

// PollerFreshness is how recently a worker must have polled the slip task
// queue for the API to call itself ready. A live worker polls without
// pause: each long poll lasts at most a minute (Temporal's
// matching.longPollExpirationInterval) and the server notes its start and
// its end, so a live worker is never seen longer ago than that.
const PollerFreshness = 90 * time.Second

// Ready reports whether an action can succeed now: the ledger answers, the
// Temporal namespace answers, and a worker has polled the slip task queue
// within PollerFreshness. Checking only that the Temporal frontend is up
// said "ready" after a restart while every write still timed out waiting
// for a worker (503 for up to ~50 s).
func (s *Slips) Ready(ctx context.Context, now time.Time) error {
	if err := s.store.Ping(ctx); err != nil {
		return err
	}
	// Namespace-scoped: an unknown or unreachable namespace fails here too.
	resp, err := s.temporal.DescribeTaskQueue(ctx, s.taskQueue, enumspb.TASK_QUEUE_TYPE_WORKFLOW)
	if err != nil {
		return fmt.Errorf("temporal: describe task queue %s: %w", s.taskQueue, err)
	}
	var last time.Time
	for _, p := range resp.GetPollers() {
		if t := p.GetLastAccessTime().AsTime(); t.After(last) {
			last = t
		}
	}
	if now.Sub(last) > PollerFreshness {
		if last.IsZero() {
			return fmt.Errorf("no worker polls task queue %s", s.taskQueue)
		}
		return fmt.Errorf("no worker has polled task queue %s since %s", s.taskQueue, last.UTC().Format(time.RFC3339))
	}
	return nil
}
