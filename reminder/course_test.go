package reminder_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/reminder"
	"github.com/duban-gov/duban/slip"
)

// nov is an instant of November 2026, a month without holidays.
func nov(day, hour, minute int) time.Time {
	return time.Date(2026, 11, day, hour, minute, 0, 0, calendar.Zone)
}

func issuedSlip() *slip.Slip {
	at := nov(2, 10, 0) // a Monday
	return &slip.Slip{ID: "s1", Draft: slip.Draft{Title: "事项", LeadDepartment: "zjj", Deadline: calendar.MustParseDate("2026-11-13")},
		Deadline: calendar.MustParseDate("2026-11-13"), IssuedAt: at, IssuedBy: "督查室", Status: slip.StatusIssued, Seq: 1, UpdatedAt: at,
		Policy: slip.DefaultReminderPolicy()}
}

type fired struct {
	kind slip.Action
	at   time.Time
}

func firedSince(events []slip.Event, seq int64) []fired {
	var out []fired
	for _, e := range events {
		if e.Seq > seq && e.Type.System() {
			out = append(out, fired{e.Type, e.At})
		}
	}
	return out
}

func act(t *testing.T, c *reminder.Course, a slip.Action, at time.Time, edit func(*slip.Command)) slip.Event {
	t.Helper()
	cmd := slip.Command{Action: a, Actor: "办事员", ActorRole: slip.ActedBy(a)}
	if edit != nil {
		edit(&cmd)
	}
	ev, err := c.Apply(cmd, at)
	require.NoError(t, err, "%s at %s", a, at)
	return ev
}

// TestCourseFiresAtThePlannedInstantsAndReplansOnAMovedDeadline: the
// acknowledgement reminder fires the next working day at 09:00; once the
// deadline moves from 11-13 to 11-27, the reminders before and after the
// old deadline never fire and those of the new one do, at 09:00 three and
// one working days before it.
func TestCourseFiresAtThePlannedInstantsAndReplansOnAMovedDeadline(t *testing.T) {
	s := issuedSlip()
	c, err := lenientPlanner(t).Follow(s)
	require.NoError(t, err)
	require.Len(t, c.Events(), 1)
	assert.Equal(t, slip.ActionIssue, c.Events()[0].Type)

	require.NoError(t, c.Advance(nov(3, 12, 0)))
	assert.Equal(t, []fired{{slip.EventAckReminder, nov(3, 9, 0)}}, firedSince(c.Events(), 1))
	assert.True(t, s.AckReminded)

	act(t, c, slip.ActionAcknowledge, nov(3, 14, 0), nil)
	act(t, c, slip.ActionRequestExtension, nov(9, 10, 0), func(cmd *slip.Command) { cmd.Reason, cmd.Deadline = "需协调", calendar.MustParseDate("2026-11-27") })
	yes := true
	decided := act(t, c, slip.ActionDecideExtension, nov(10, 8, 0), func(cmd *slip.Command) { cmd.Approved = &yes })
	require.Equal(t, calendar.MustParseDate("2026-11-27"), s.EffectiveDeadline())

	require.NoError(t, c.Advance(nov(26, 12, 0)))
	assert.Equal(t, []fired{{slip.EventDueReminder, nov(24, 9, 0)}, {slip.EventDueReminder, nov(26, 9, 0)}},
		firedSince(c.Events(), decided.Seq), "the reminders of the old deadline (11-10 … 11-20) never fire")
	for i, e := range c.Events() {
		assert.Equal(t, int64(i+1), e.Seq, "a gapless timeline")
	}
}

// TestCoursePlansFurtherWhenThePlanRunsOut: a slip nobody acts on is
// publicly noticed every five working days for as long as it stays open,
// well past the Repeats one plan covers.
func TestCoursePlansFurtherWhenThePlanRunsOut(t *testing.T) {
	s := issuedSlip()
	c, err := lenientPlanner(t).Follow(s)
	require.NoError(t, err)
	require.NoError(t, c.Advance(time.Date(2027, 6, 30, 18, 0, 0, 0, calendar.Zone)))
	var notices []time.Time
	for _, f := range firedSince(c.Events(), 1) {
		if f.kind == slip.EventPublicNotice {
			notices = append(notices, f.at)
		}
	}
	require.Greater(t, len(notices), 3*reminder.Repeats)
	assert.Equal(t, nov(20, 9, 0), notices[0], "five working days after the deadline")
	assert.Equal(t, nov(27, 9, 0), notices[1], "then every five working days")
	for i := 1; i < len(notices); i++ {
		gap := notices[i].Sub(notices[i-1])
		assert.True(t, gap >= 5*24*time.Hour && gap <= 14*24*time.Hour, "notice %d %s after the one before", i, gap)
	}
	assert.Equal(t, slip.LevelPublicNotice, s.EscalationLevel)

	// A slip that ends hears nothing more.
	n := len(c.Events())
	act(t, c, slip.ActionCancel, time.Date(2027, 7, 1, 10, 0, 0, 0, calendar.Zone), func(cmd *slip.Command) { cmd.Reason = "撤销" })
	require.NoError(t, c.Advance(time.Date(2027, 12, 31, 18, 0, 0, 0, calendar.Zone)))
	assert.Len(t, c.Events(), n+1)
}
