// Package reminder turns a slip's reminder policy into concrete instants on
// the working-day calendar: 未签收提醒, 到期提醒 (叮) before the deadline, and
// after it 催办, 督办 and 通报, the last repeated until the department reports
// resolution (盯 → 钉).
//
// Planning runs in an activity, never in workflow code: the calendar is data
// that can change (a new year's notice, a local closure), and the workflow
// must replay the plan it acted on, not recompute it.
package reminder

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/slip"
)

// Repeats is how many 通报 repeats one plan covers; the workflow asks for a
// new plan when it has fired them all.
const Repeats = 10

// Planner plans reminders on a calendar. Give it a calendar with the
// weekends-only policy for missing years: a reminder counted on weekends is
// better than none, and such reminders are marked Estimated.
type Planner struct {
	Calendar *calendar.Calendar
}

// Plan returns the reminders of s that fall strictly after instant after, in
// time order. Reminders that no longer apply to the slip's status are still
// planned (a slip sent back at review is chased again); the workflow skips
// them when they fire.
//
// Plan is total over what a slip can carry: any deadline and issue date
// from 0001 to 9999, any instant after, any policy. A reminder that would
// fall past 9999-12-31 (or on no working day at all, if override files
// closed whole years) is left out, and the 通报 repeats stop there; an
// invalid policy (one that bypassed the API's validation) plans by the
// default policy; a deadline that is not a date plans only the
// acknowledgement reminder. The only error is the calendar's own: a year
// without data under the Strict policy, which a Planner must not be given.
// Every walk moves forward at least a day per step and the calendar ends,
// so Plan always returns.
func (p *Planner) Plan(s slip.Slip, after time.Time) ([]slip.Reminder, error) {
	policy := s.Policy
	if policy.IsZero() || policy.Validate() != nil {
		policy = slip.DefaultReminderPolicy()
	}
	hour, minute, err := policy.FireTime()
	if err != nil {
		return nil, err
	}
	known := map[int]bool{}
	for _, y := range p.Calendar.Years() {
		known[y] = true
	}

	var out []slip.Reminder
	// add plans a reminder days working days from base and returns its
	// date; ok is false when there is no such day on the calendar.
	add := func(base calendar.Date, days int, kind slip.Action, level, offset int) (d calendar.Date, ok bool, err error) {
		d, err = p.Calendar.AddWorkingDays(base, days)
		switch {
		case errors.Is(err, calendar.ErrInvalid):
			return calendar.Date{}, false, nil
		case err != nil:
			return calendar.Date{}, false, fmt.Errorf("plan %s of slip %s: %w", kind, s.ID, err)
		}
		if at := d.At(hour, minute); at.After(after) {
			out = append(out, slip.Reminder{At: at, Kind: kind, Level: level, DaysOffset: offset,
				Estimated: !known[base.Year] || !known[d.Year]})
		}
		return d, true, nil
	}

	if policy.AckAfter > 0 && s.Status == slip.StatusIssued {
		if _, _, err := add(calendar.DateOf(s.IssuedAt), policy.AckAfter, slip.EventAckReminder, 0, policy.AckAfter); err != nil {
			return nil, err
		}
	}
	deadline := s.EffectiveDeadline()
	if deadline.IsZero() {
		return finish(out), nil
	}
	for _, n := range policy.BeforeDue {
		if _, _, err := add(deadline, -n, slip.EventDueReminder, 0, n); err != nil {
			return nil, err
		}
	}
	for _, e := range []struct {
		days  int
		kind  slip.Action
		level int
	}{
		{policy.Urge, slip.EventUrge, slip.LevelUrge},
		{policy.Supervise, slip.EventSupervise, slip.LevelSupervise},
	} {
		if _, _, err := add(deadline, e.days, e.kind, e.level, e.days); err != nil {
			return nil, err
		}
	}
	notice, ok, err := add(deadline, policy.PublicNotice, slip.EventPublicNotice, slip.LevelPublicNotice, policy.PublicNotice)
	if err != nil {
		return nil, err
	}
	// Repeat 通报 every RepeatEvery (≥ 1) working days: walk forward until
	// the plan holds Repeats of them after `after` (a long-overdue slip walks
	// past the ones already behind it) or the calendar ends.
	offset := policy.PublicNotice
	// Leap over whole runs of repeats that all fall before `after` (up to a
	// thousand working days at a time, only while `after` lies further ahead
	// than that could reach, so no year beyond it is looked at; a
	// working-day count is additive, so the dates are the ones the walk
	// would step on).
	leap := calendar.MaxWorkingDays / policy.RepeatEvery * policy.RepeatEvery
	for ok && notice.AddDays(3*leap).Before(calendar.DateOf(after)) {
		d, err := p.Calendar.AddWorkingDays(notice, leap)
		if errors.Is(err, calendar.ErrInvalid) || (err == nil && d.At(hour, minute).After(after)) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("plan %s of slip %s: %w", slip.EventPublicNotice, s.ID, err)
		}
		notice, offset = d, offset+leap
	}
	for planned := 0; ok && planned < Repeats; {
		offset += policy.RepeatEvery
		before := len(out)
		if notice, ok, err = add(notice, policy.RepeatEvery, slip.EventPublicNotice, slip.LevelPublicNotice, offset); err != nil {
			return nil, err
		}
		planned += len(out) - before
	}
	return finish(out), nil
}

// finish puts a plan in time order without repeats.
func finish(out []slip.Reminder) []slip.Reminder {
	slices.SortStableFunc(out, func(a, b slip.Reminder) int { return a.At.Compare(b.At) })
	return dedupe(out)
}

// dedupe drops a reminder that repeats the kind and instant of the one
// before it (two before-due offsets landing on the same day).
func dedupe(rs []slip.Reminder) []slip.Reminder {
	out := rs[:0]
	for i, r := range rs {
		if i > 0 && r.Kind == rs[i-1].Kind && r.At.Equal(rs[i-1].At) {
			continue
		}
		out = append(out, r)
	}
	return out
}

// Colour is the 三色 status of an open slip.
type Colour string

// The three colours; closed and cancelled slips have none.
const (
	Green  Colour = "green"  // on track
	Yellow Colour = "yellow" // due within YellowWithin working days, or a reminder unanswered
	Red    Colour = "red"    // overdue
	None   Colour = ""
)

// Label is the colour as a clerk reads it (红, 黄, 绿), or "" for none.
func (c Colour) Label() string {
	switch c {
	case Red:
		return "红"
	case Yellow:
		return "黄"
	case Green:
		return "绿"
	}
	return ""
}

// Severity orders the colours by how urgent they are: red 3, yellow 2,
// green 1, none (and anything else) 0. The worst of several parts or
// milestones, and red-first lists, compare it.
func (c Colour) Severity() int {
	switch c {
	case Red:
		return 3
	case Yellow:
		return 2
	case Green:
		return 1
	}
	return 0
}

// YellowWithin is how many working days before the deadline a slip turns yellow.
const YellowWithin = 3

// ColourOf returns the colour of s on date today, given yellowFrom, the last
// date that counts as "due soon" (YellowFrom of today).
func ColourOf(s slip.Slip, today, yellowBy calendar.Date) Colour {
	if !s.Status.Open() {
		return None
	}
	deadline := s.WorstDeadline() // its worst open part's: a late co-unit turns the slip red
	switch {
	case deadline.Before(today):
		return Red
	case !deadline.After(yellowBy) || (s.AckReminded && s.Status == slip.StatusIssued):
		return Yellow
	}
	return Green
}

// YellowBy returns the last deadline that makes an open slip yellow on date
// today: YellowWithin working days ahead.
func YellowBy(cal *calendar.Calendar, today calendar.Date) (calendar.Date, error) {
	by, err := cal.AddWorkingDays(today, YellowWithin)
	if err != nil {
		return calendar.Date{}, fmt.Errorf("yellow threshold for %s: %w", today, err)
	}
	return by, nil
}
