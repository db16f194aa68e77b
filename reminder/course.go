package reminder

import (
	"time"

	"github.com/duban-gov/duban/slip"
)

// Course follows one slip through simulated time, outside a workflow, with
// the slip workflow's reminder rules: each planned reminder fires at its
// instant through slip.Slip.Remind (a reminder the slip has moved past
// changes nothing), the planner is asked for what comes next when the plan
// runs out, and for a fresh plan from the moment an action moves the
// effective deadline. It is for code that lives slips' lives without timers
// (the seed generator); the workflow keeps these rules on durable timers
// (workflows.schedule) and plans in an activity.
type Course struct {
	planner *Planner
	s       *slip.Slip
	plan    []slip.Reminder
	events  []slip.Event
}

// Follow starts a course for s, a slip just issued: its timeline holds the
// issue event, and its reminders are planned from the issue instant. The
// course applies every action and reminder to *s.
func (p *Planner) Follow(s *slip.Slip) (*Course, error) {
	c := &Course{planner: p, s: s, events: []slip.Event{s.IssuedEvent()}}
	if err := c.replan(s.IssuedAt); err != nil {
		return nil, err
	}
	return c, nil
}

// Events is the slip's timeline so far, in sequence order.
func (c *Course) Events() []slip.Event { return c.events }

// Advance fires, in time order, the reminders due by t.
func (c *Course) Advance(t time.Time) error {
	for len(c.plan) > 0 && !c.plan[0].At.After(t) {
		r := c.plan[0]
		c.plan = c.plan[1:]
		if ev, ok := c.s.Remind(r, r.At); ok {
			c.events = append(c.events, ev)
		}
		if len(c.plan) == 0 {
			// The plan ends with the last repeat it covered: plan further.
			if err := c.replan(r.At); err != nil {
				return err
			}
		}
	}
	return nil
}

// Apply fires the reminders due by at, then applies cmd to the slip at at
// and, when that moved the effective deadline, plans afresh from at.
func (c *Course) Apply(cmd slip.Command, at time.Time) (slip.Event, error) {
	if err := c.Advance(at); err != nil {
		return slip.Event{}, err
	}
	deadline := c.s.EffectiveDeadline()
	ev, err := c.s.Apply(cmd, at)
	if err != nil {
		return slip.Event{}, err
	}
	c.events = append(c.events, ev)
	if c.s.EffectiveDeadline() != deadline {
		return ev, c.replan(at)
	}
	return ev, nil
}

func (c *Course) replan(after time.Time) error {
	plan, err := c.planner.Plan(*c.s, after)
	if err != nil {
		return err
	}
	c.plan = plan
	return nil
}
