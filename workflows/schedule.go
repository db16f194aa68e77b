package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"
)

// schedule fires planned items at their instants, in order, on durable
// timers, and sleeps between them. A planner makes the plan; Replan asks for
// a fresh one (a moved deadline), waking the loop from its sleep; when the
// plan runs out the planner is asked for what comes after the last item.
// Modelled on samples-go's updatabletimer: slips use it for reminders and
// escalation, and anything else with a clock of working-day instants (a
// unit's track, a project's milestones) can use it for its own.
type schedule[T any] struct {
	// at is the instant an item falls due.
	at      func(T) time.Time
	pending []T
	replan  bool
}

// newSchedule returns a schedule that plans on its first run.
func newSchedule[T any](at func(T) time.Time) *schedule[T] {
	return &schedule[T]{at: at, replan: true}
}

// Replan asks the running loop to plan afresh from now.
func (s *schedule[T]) Replan() { s.replan = true }

// Pending lists the items still to fire, in time order.
func (s *schedule[T]) Pending() []T { return s.pending }

// run fires items as they fall due until stop reports true. plan returns
// the items due after an instant, in time order; fire handles one item.
// Either's error ends the loop.
func (s *schedule[T]) run(ctx workflow.Context, stop func() bool,
	plan func(ctx workflow.Context, after time.Time) ([]T, error),
	fire func(ctx workflow.Context, item T) error) error {
	wake := func() bool { return stop() || s.replan }
	for !stop() {
		if s.replan {
			s.replan = false
			items, err := plan(ctx, workflow.Now(ctx))
			if err != nil {
				return err
			}
			s.pending = items
		}
		if len(s.pending) == 0 {
			if err := workflow.Await(ctx, wake); err != nil {
				return err
			}
			continue
		}
		next := s.pending[0]
		if wait := s.at(next).Sub(workflow.Now(ctx)); wait > 0 {
			woken, err := workflow.AwaitWithTimeout(ctx, wait, wake)
			if err != nil {
				return err
			}
			if woken {
				continue
			}
		}
		s.pending = s.pending[1:]
		if err := fire(ctx, next); err != nil {
			return err
		}
		if len(s.pending) == 0 && !stop() {
			// The plan ends with the last repeat it covered: plan further.
			items, err := plan(ctx, s.at(next))
			if err != nil {
				return err
			}
			s.pending = items
		}
	}
	return nil
}
