// Package activities holds every side effect of the slip workflow: the
// ledger projection (writing what the workflow decided into the store that
// serves reads), reminder planning on the working-day calendar, the in-app
// inbox and webhook deliveries.
//
// Projections are idempotent. Temporal may run an activity more than once
// (a retry after a timeout, a worker that died after writing); each write is
// keyed by (slip id, sequence number), so a repeat neither duplicates an
// event nor moves a slip's status backwards.
package activities

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/duban-gov/duban/metrics"
	"github.com/duban-gov/duban/notify"
	"github.com/duban-gov/duban/ranking"
	"github.com/duban-gov/duban/reminder"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
)

// Activities are the slip workflow's activities. Register a pointer with a
// worker; the workflow refers to its methods by name.
type Activities struct {
	Store   *store.Store
	Planner *reminder.Planner
	Sender  *notify.Sender
	// Now is the wall clock of side effects (delivery bookkeeping); tests
	// may pin it.
	Now func() time.Time
	// PublicURL, when set, is where clerks open duban; webhook messages
	// link to the slip there.
	PublicURL string
	// Metrics, when set, counts the events the ledger takes.
	Metrics *metrics.Registry
	// RankingWeights score the monthly ranking; zero means the defaults.
	RankingWeights ranking.Weights
}

func (a *Activities) now() time.Time {
	if a.Now == nil {
		return time.Now()
	}
	return a.Now()
}

// PlanRequest asks for the reminders of a slip after an instant.
type PlanRequest struct {
	Slip  slip.Slip `json:"slip"`
	After time.Time `json:"after"`
}

// PlanReminders returns the slip's reminders after req.After, in time order.
func (a *Activities) PlanReminders(ctx context.Context, req PlanRequest) ([]slip.Reminder, error) {
	plan, err := a.Planner.Plan(req.Slip, req.After)
	if err != nil {
		return nil, fmt.Errorf("plan reminders of slip %s: %w", req.Slip.ID, err)
	}
	return plan, nil
}

// PlanTrackReminders returns the reminders of every co-unit's part of the
// slip after req.After, each on the part's own clock (its receipt, its
// deadline), in time order.
func (a *Activities) PlanTrackReminders(ctx context.Context, req PlanRequest) ([]slip.TrackReminder, error) {
	var out []slip.TrackReminder
	for _, t := range req.Slip.Tracks {
		if t.Role != slip.RoleCo {
			continue
		}
		clock, ok := req.Slip.TrackClock(t)
		if !ok {
			continue
		}
		plan, err := a.Planner.Plan(clock, req.After)
		if err != nil {
			return nil, fmt.Errorf("plan reminders of %s on slip %s: %w", t.Department, req.Slip.ID, err)
		}
		for _, r := range plan {
			out = append(out, slip.TrackReminder{Department: t.Department, Reminder: r})
		}
	}
	slices.SortStableFunc(out, func(x, y slip.TrackReminder) int { return x.At.Compare(y.At) })
	return out, nil
}

// Projection is one accepted action: the slip as it stands after the action,
// and the timeline event that records it.
type Projection struct {
	Slip  slip.Slip  `json:"slip"`
	Event slip.Event `json:"event"`
}

// RecordIssued puts a newly issued slip on the ledger with its first timeline
// event and returns the slip's number (督〔2026〕17号). A repeat returns the
// number given the first time.
func (a *Activities) RecordIssued(ctx context.Context, s slip.Slip) (string, error) {
	number, err := a.Store.RecordIssued(ctx, s)
	if err != nil {
		return "", fmt.Errorf("record issued slip %s: %w", s.ID, err)
	}
	a.Metrics.ObserveEvent(string(slip.ActionIssue), false, 0, a.now().Sub(s.IssuedAt))
	return number, nil
}

// LedgerConflictType is the application error type of a projection the
// ledger refused because it holds another action under the event's number.
const LedgerConflictType = "duban.LedgerConflict"

// Project writes one accepted action to the ledger. It returns the event it
// wrote, so that the workflow's history holds every event (a local
// activity's history marker keeps its result, not its input): `duban
// reconcile` restores a ledger from there.
func (a *Activities) Project(ctx context.Context, p Projection) (slip.Event, error) {
	if err := a.Store.Project(ctx, p.Slip, p.Event); err != nil {
		var conflict *store.EventConflictError
		if errors.As(err, &conflict) {
			// No retry will change it: the workflow must hear at once.
			return slip.Event{}, temporal.NewNonRetryableApplicationError(conflict.Error(), LedgerConflictType, err)
		}
		return slip.Event{}, fmt.Errorf("project event %d of slip %s: %w", p.Event.Seq, p.Slip.ID, err)
	}
	level := 0
	if p.Event.Type.System() {
		level = p.Slip.EscalationLevel
	}
	a.Metrics.ObserveEvent(string(p.Event.Type), p.Event.Type.System(), level, a.now().Sub(p.Event.At))
	return p.Event, nil
}
