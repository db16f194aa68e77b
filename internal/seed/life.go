package seed

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"time"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/reminder"
	"github.com/duban-gov/duban/slip"
)

// life plays one slip's life: the actions of people, drawn here, applied
// through its reminder.Course, which fires the reminders the planner gives
// in between, all through the slip's own state machine in time order, until
// the slip ends or Now is reached.
type life struct {
	g      *generator
	rng    *rand.Rand
	s      *slip.Slip
	course *reminder.Course
	last   time.Time // instant of the latest action drawn
	done   bool      // Now reached or the slip ended
	err    error
}

// run draws the slip's fate and acts it out.
func (l *life) run() error {
	s, rng := l.s, l.rng
	l.last = s.IssuedAt
	fate := rng.IntN(100)
	cancelled, stalled, late := fate < 3, fate >= 3 && fate < 10, fate >= 10 && fate < 20

	ackAt := l.ackTime(stalled)
	if cancelled {
		cancelAt := l.workTime(l.g.addWorking(calendar.DateOf(s.IssuedAt), 1+rng.IntN(20)))
		if cancelAt.After(ackAt) {
			l.act(ackAt, slip.Command{Action: slip.ActionAcknowledge, Actor: l.deptActor()})
		}
		l.act(cancelAt, slip.Command{Action: slip.ActionCancel, Actor: pick(rng, officeClerks), Reason: pick(rng, cancelReasons)})
		return l.finish()
	}
	l.act(ackAt, slip.Command{Action: slip.ActionAcknowledge, Actor: l.deptActor()})
	l.coAcknowledge()

	if !stalled && rng.IntN(100) < 9 {
		l.extension()
	}
	resolveAt := l.resolveTime(stalled, late)
	l.progress(resolveAt, rng.IntN(4))
	l.completeParts(resolveAt)
	l.act(resolveAt, l.resolution())

	for round := 0; ; round++ {
		reviewAt := l.afterWorkingDays(l.last, 1+rng.IntN(4))
		if rng.IntN(100) == 0 { // the office sits on it
			reviewAt = l.afterWorkingDays(l.last, 20+rng.IntN(40))
		}
		if sendBack := []int{14, 6}; round < len(sendBack) && rng.IntN(100) < sendBack[round] {
			cmd := slip.Command{Action: slip.ActionSendBack, Actor: pick(rng, officeClerks), Comment: pick(rng, sendBackComments)}
			if day := calendar.DateOf(reviewAt); day.After(s.EffectiveDeadline()) && rng.IntN(2) == 0 {
				cmd.Deadline = l.g.onOrAfter(day.AddDays(10 + rng.IntN(11)))
			}
			l.act(reviewAt, cmd)
			again := l.afterWorkingDays(l.last, 3+rng.IntN(15))
			l.progress(again, rng.IntN(2))
			l.act(again, l.resolution())
			continue
		}
		l.act(reviewAt, slip.Command{Action: slip.ActionPassReview, Actor: pick(rng, officeClerks), Comment: "经复核，整改到位"})
		break
	}
	l.act(l.afterWorkingDays(l.last, rng.IntN(3)), slip.Command{Action: slip.ActionSignOff, Actor: pick(rng, officeClerks), Comment: "同意销号"})
	return l.finish()
}

// ackTime: most slips are signed for within hours, some the next working
// day (after the 未签收提醒), a few days later; stalled ones much later.
func (l *life) ackTime(stalled bool) time.Time {
	issued := l.s.IssuedAt
	switch p := l.rng.IntN(100); {
	case stalled && p < 20:
		return l.afterWorkingDays(issued, 10+l.rng.IntN(30))
	case p < 72:
		t := issued.Add(time.Duration(20+l.rng.IntN(280)) * time.Minute)
		if t.Hour() < 18 && calendar.DateOf(t) == calendar.DateOf(issued) {
			return t
		}
		return l.afterWorkingDays(issued, 1)
	case p < 95:
		return l.afterWorkingDays(issued, 1)
	default:
		return l.afterWorkingDays(issued, 2+l.rng.IntN(5))
	}
}

// coAcknowledge: each co-unit signs for its part on the day the lead does
// or the next working day.
func (l *life) coAcknowledge() {
	for _, c := range l.s.Draft.CoDepartments {
		at := l.afterWorkingDays(l.last, l.rng.IntN(2))
		cmd := slip.Command{Action: slip.ActionCoAcknowledge, Actor: l.clerkOf(c)}
		cmd.Department = c
		l.act(at, cmd)
	}
}

// completeParts: the co-units finish their parts one after another before
// the lead's resolution at before, which the ledger refuses until they have.
func (l *life) completeParts(before time.Time) {
	co := l.s.Draft.CoDepartments
	from := l.last
	for k, c := range co {
		at := evenly(from, before, k+1, len(co))
		if at.Before(l.last) {
			at = l.last
		}
		cmd := slip.Command{Action: slip.ActionCompletePart, Actor: l.clerkOf(c), Summary: pick(l.rng, partSummaries)}
		cmd.Department = c
		l.act(at, cmd)
	}
}

// resolveTime: on time within the deadline window, a little late, or
// stalled well past it (the cases the escalation ladder exists for).
func (l *life) resolveTime(stalled, late bool) time.Time {
	deadline := l.s.EffectiveDeadline()
	from := calendar.DateOf(l.last)
	var day calendar.Date
	switch {
	case stalled:
		day = deadline.AddDays(30 + l.rng.IntN(300))
	case late:
		day = deadline.AddDays(1 + l.rng.IntN(15))
	default:
		span := daysBetween(from, deadline)
		day = from.AddDays(int(float64(span) * (0.35 + 0.65*l.rng.Float64())))
	}
	t := l.workTime(l.g.onOrAfter(day))
	if !t.After(l.last) {
		t = l.last.Add(time.Duration(30+l.rng.IntN(240)) * time.Minute)
	}
	return t
}

// extension asks, before the deadline, to move it by one to four weeks; the
// office approves most requests a few days later.
func (l *life) extension() {
	s, rng := l.s, l.rng
	deadline := s.EffectiveDeadline()
	from := calendar.DateOf(l.last)
	span := daysBetween(from, deadline)
	if span < 3 {
		return
	}
	askAt := l.workTime(l.g.onOrAfter(from.AddDays(span/2 + rng.IntN(span/2))))
	if calendar.DateOf(askAt).After(deadline) || !askAt.After(l.last) {
		return
	}
	proposed := l.g.onOrAfter(deadline.AddDays(7 + rng.IntN(22)))
	if !l.act(askAt, slip.Command{Action: slip.ActionRequestExtension, Actor: l.deptActor(), Reason: pick(rng, extensionReasons), Deadline: proposed}) {
		return
	}
	approved := rng.IntN(5) > 0
	decideAt := l.afterWorkingDays(askAt, 1+rng.IntN(3))
	cmd := slip.Command{Action: slip.ActionDecideExtension, Actor: pick(rng, officeClerks), Approved: &approved, Comment: "理由不充分，请按原时限办结"}
	if approved {
		cmd.Comment = "同意延期"
		if day := calendar.DateOf(decideAt); day.After(proposed) {
			// Decided after a long holiday: the date asked for has passed.
			cmd.Deadline = l.g.onOrAfter(day.AddDays(7))
		}
	}
	l.act(decideAt, cmd)
}

// progress reports n times, spread evenly until before.
func (l *life) progress(before time.Time, n int) {
	from := l.last
	for k := 1; k <= n; k++ {
		at := evenly(from, before, k, n)
		if !at.After(l.last) {
			continue
		}
		text := fmt.Sprintf(pick(l.rng, progressTexts), 100*k/(n+1))
		l.act(at, slip.Command{Action: slip.ActionProgress, Actor: l.deptActor(), Text: text})
	}
}

// evenly is the kth of n instants spread evenly between from and to, both
// left out.
func evenly(from, to time.Time, k, n int) time.Time {
	return from.Add(to.Sub(from) * time.Duration(k) / time.Duration(n+1))
}

func (l *life) resolution() slip.Command {
	return slip.Command{Action: slip.ActionResolve, Actor: l.deptActor(), Summary: pick(l.rng, resolveSummaries),
		Evidence: evidence[l.rng.IntN(len(evidence))]}
}

// act applies cmd at at, the reminders due by then firing first, unless
// Now or the slip's end comes first. It reports whether cmd was applied.
func (l *life) act(at time.Time, cmd slip.Command) bool {
	if l.done {
		return false
	}
	if at.After(l.g.now) {
		l.fail(l.course.Advance(l.g.now))
		l.done = true
		return false
	}
	cmd.ActorRole = slip.ActedBy(cmd.Action)
	if _, err := l.course.Apply(cmd, at); err != nil {
		l.fail(fmt.Errorf("%s at %s: %w", cmd.Action, at.Format(time.DateTime), err))
		return false
	}
	l.last = at
	if l.s.Status.Terminal() {
		l.done = true
	}
	return true
}

// fail ends the life with err, if there is one.
func (l *life) fail(err error) {
	if err != nil {
		l.err, l.done = err, true
	}
}

// finish fires the reminders up to Now of a slip still open.
func (l *life) finish() error {
	if !l.done {
		l.fail(l.course.Advance(l.g.now))
	}
	return l.err
}

// afterWorkingDays is a time of day n working days after t (n = 0: later the
// same day, or the next working day once the office has closed).
func (l *life) afterWorkingDays(t time.Time, n int) time.Time {
	at := l.workTime(l.g.addWorking(calendar.DateOf(t), n))
	if at.After(t) {
		return at
	}
	if later := t.Add(time.Duration(10+l.rng.IntN(120)) * time.Minute); later.Hour() < 18 && calendar.DateOf(later) == calendar.DateOf(t) {
		return later
	}
	return l.workTime(l.g.addWorking(calendar.DateOf(t), 1))
}

// workTime is a random instant of office hours (08:30–18:00) on working day d
// or the next one.
func (l *life) workTime(d calendar.Date) time.Time {
	return l.g.onOrAfter(d).At(8, 30).Add(time.Duration(l.rng.IntN(570*60)) * time.Second)
}

// deptActor is a clerk of the lead department.
func (l *life) deptActor() string { return l.clerkOf(l.s.Draft.LeadDepartment) }

// clerkOf is a clerk of department code, the same one each time.
func (l *life) clerkOf(code string) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(code))
	return l.g.names[code] + clerks[int(h.Sum32()%uint32(len(clerks)))]
}

// daysBetween is how many calendar days to lies after from (0 if not after).
func daysBetween(from, to calendar.Date) int {
	if !to.After(from) {
		return 0
	}
	return int(to.At(12, 0).Sub(from.At(12, 0)).Round(time.Hour).Hours() / 24)
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }
