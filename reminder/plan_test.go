package reminder_test

import (
	"log/slog"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/reminder"
	"github.com/duban-gov/duban/slip"
)

func lenientPlanner(t *testing.T) *reminder.Planner {
	t.Helper()
	cal, err := calendar.New(calendar.Options{MissingYear: calendar.WeekendsOnly, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return &reminder.Planner{Calendar: cal}
}

// lastInstant is the end of the last day a plan may name.
var lastInstant = time.Date(10000, 1, 1, 0, 0, 0, 0, calendar.Zone)

// planWithin runs Plan and fails the test if it errs or takes longer than
// limit: a planner that loops must fail the test, not hang it.
func planWithin(t *testing.T, p *reminder.Planner, s slip.Slip, after time.Time, limit time.Duration) []slip.Reminder {
	t.Helper()
	type result struct {
		plan []slip.Reminder
		err  error
		pnc  any
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- result{pnc: r}
			}
		}()
		plan, err := p.Plan(s, after)
		done <- result{plan: plan, err: err}
	}()
	select {
	case r := <-done:
		if r.pnc != nil {
			t.Fatalf("Plan(deadline %s, issued %s, after %s, policy %+v) panicked: %v", s.EffectiveDeadline(), s.IssuedAt, after, s.Policy, r.pnc)
		}
		if r.err != nil {
			t.Fatalf("Plan(deadline %s, issued %s, after %s, policy %+v): %v", s.EffectiveDeadline(), s.IssuedAt, after, s.Policy, r.err)
		}
		return r.plan
	case <-time.After(limit):
		t.Fatalf("Plan(deadline %s, issued %s, after %s, policy %+v) did not return within %s", s.EffectiveDeadline(), s.IssuedAt, after, s.Policy, limit)
	}
	return nil
}

// TestPlanAtTheEndOfTime: a deadline on the calendar's last day gets its
// reminders before the deadline and no escalation (there is no day after it
// to escalate on), instead of an error that would leave the workflow
// retrying its planning forever.
func TestPlanAtTheEndOfTime(t *testing.T) {
	p := lenientPlanner(t)
	issued := time.Date(2026, 12, 1, 10, 0, 0, 0, calendar.Zone)
	for _, deadline := range []string{"9999-12-31", "9999-12-24", "9999-11-30"} {
		s := slip.Slip{ID: "end", Status: slip.StatusInProgress, IssuedAt: issued, Deadline: calendar.MustParseDate(deadline)}
		plan := planWithin(t, p, s, issued, 5*time.Second)
		due := 0
		for _, r := range plan {
			if r.Kind == slip.EventDueReminder {
				due++
			}
			if !r.At.Before(lastInstant) {
				t.Fatalf("deadline %s: reminder %s after 9999-12-31", deadline, r)
			}
		}
		if due != 3 {
			t.Errorf("deadline %s: %d due reminders, want 3: %v", deadline, due, plan)
		}
	}
}

// TestPlanIsTotal is the property: for deadlines and issue dates anywhere in
// 1900–9999, any instant to plan after, and valid, default or invalid
// policies (a slip started around the API), Plan returns — without error,
// panic or endless walk — reminders after `after`, in order, on the
// calendar; and a slip whose deadline is far enough from the end gets its
// whole ladder.
func TestPlanIsTotal(t *testing.T) {
	p := lenientPlanner(t)
	rng := rand.New(rand.NewPCG(19000101, 99991231))
	first := calendar.Date{Year: 1900, Month: time.January, Day: 1}
	last := calendar.Date{Year: 9999, Month: time.December, Day: 31}
	span := 2914000 // a little past 9999-12-31 from 1900-01-01, so the last day comes up too
	dateAt := func(n int) calendar.Date {
		d := first.AddDays(n)
		if d.After(last) {
			return last
		}
		return d
	}
	policies := []slip.ReminderPolicy{
		{},
		slip.DefaultReminderPolicy(),
		{AckAfter: 1, BeforeDue: []int{5, 2, 0}, Urge: 1, Supervise: 2, PublicNotice: 3, RepeatEvery: 3, FireAt: "08:30"},
		{AckAfter: 60, BeforeDue: []int{60}, Urge: 58, Supervise: 59, PublicNotice: 60, RepeatEvery: 60, FireAt: "23:59"},
		{Urge: 1, Supervise: 2, PublicNotice: 3, RepeatEvery: 0, FireAt: "09:00"},  // invalid: would never move on
		{Urge: -5, Supervise: 2, PublicNotice: 3, RepeatEvery: 1, FireAt: "25:00"}, // invalid
	}
	began := time.Now()
	for i := range 2000 {
		deadline := dateAt(rng.IntN(span))
		issued := dateAt(rng.IntN(span)).At(rng.IntN(24), rng.IntN(60))
		var after time.Time
		switch i % 4 {
		case 0:
			after = issued
		case 1:
			after = deadline.AddDays(-rng.IntN(40)).At(12, 0)
		case 2:
			after = deadline.AddDays(rng.IntN(400)).At(12, 0)
		default: // long overdue: up to thirty years on (TestPlanWalksFarQuickly goes further)
			after = deadline.AddDays(rng.IntN(30*366)).At(0, 0)
		}
		status := slip.StatusIssued
		if i%2 == 1 {
			status = slip.StatusInProgress
		}
		s := slip.Slip{ID: "p", Status: status, IssuedAt: issued, Deadline: deadline, Policy: policies[i%len(policies)]}
		plan := planWithin(t, p, s, after, 5*time.Second)
		for j, r := range plan {
			if !r.At.After(after) {
				t.Fatalf("case %d: reminder %s not after %s", i, r, after)
			}
			if !r.At.Before(lastInstant) {
				t.Fatalf("case %d: reminder %s past 9999-12-31", i, r)
			}
			if j > 0 && r.At.Before(plan[j-1].At) {
				t.Fatalf("case %d: plan out of order: %v", i, plan)
			}
		}
		// Far from the end and planned from before the deadline: the whole
		// ladder, 通报 and its repeats included.
		if deadline.Year < 9990 && !after.After(deadline.AddDays(-100).At(0, 0)) {
			notices := 0
			for _, r := range plan {
				if r.Kind == slip.EventPublicNotice {
					notices++
				}
			}
			if notices != reminder.Repeats+1 {
				t.Fatalf("case %d (deadline %s, after %s): %d public notices, want %d", i, deadline, after, notices, reminder.Repeats+1)
			}
		}
	}
	t.Logf("2000 plans in %s", time.Since(began))
}

// TestPlanWalksFarQuickly: planning after 9999 for a deadline in 1900 walks
// eight thousand years of 通报 repeats to the calendar's end and stops there.
func TestPlanWalksFarQuickly(t *testing.T) {
	p := lenientPlanner(t)
	s := slip.Slip{ID: "far", Status: slip.StatusInProgress, IssuedAt: time.Date(1900, 1, 1, 9, 0, 0, 0, calendar.Zone), Deadline: calendar.MustParseDate("1900-01-31")}
	plan := planWithin(t, p, s, time.Date(9999, 12, 1, 0, 0, 0, 0, calendar.Zone), 10*time.Second)
	if len(plan) == 0 || len(plan) > reminder.Repeats {
		t.Fatalf("plan after 9999-12-01 has %d reminders, want 1…%d: %v", len(plan), reminder.Repeats, plan)
	}
}
