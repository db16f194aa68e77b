package workflows_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/stats"
	"github.com/duban-gov/duban/store"
)

// at is an instant in Beijing time.
func at(day string, hour, minute int) time.Time {
	d, err := time.ParseInLocation(time.DateOnly, day, calendar.Zone)
	if err != nil {
		panic(err)
	}
	return d.Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute)
}

// fired is the (type, instant) of a timeline event, for comparing timelines.
type fired struct {
	Type slip.Action
	At   string
}

func timeline(events []slip.Event) []fired {
	out := make([]fired, 0, len(events))
	for _, e := range events {
		out = append(out, fired{e.Type, e.At.In(calendar.Zone).Format("2006-01-02 15:04")})
	}
	return out
}

// A slip issued on Tuesday 2026-09-22 with 5 working days is due on
// Wednesday 2026-09-30: 09-23, 09-24, (中秋 09-25..27 off), 09-28, 09-29,
// 09-30. 国庆 2026 is 10-01..10-07 off with Saturday 10-10 a make-up working
// day.
const issuedDay = "2026-09-22"

var dueDay = calendar.MustParseDate("2026-09-30")

func reminderSlip() slip.Slip {
	d := draft()
	d.Deadline = dueDay
	d.DeadlineWorkingDays = 5
	return slip.Slip{ID: "s1", Draft: d, IssuedAt: at(issuedDay, 10, 0), IssuedBy: "督查室",
		Deadline: dueDay, Policy: slip.DefaultReminderPolicy()}
}

// TestRemindersAndEscalationFireAtExactInstants walks a slip that its
// department is slow on through the whole default ladder, across the
// Mid-Autumn and National Day holidays, and checks every instant.
func TestRemindersAndEscalationFireAtExactInstants(t *testing.T) {
	h := newHarnessAt(t, at(issuedDay, 10, 0))
	h.sendAt(at("2026-09-23", 15, 0), slip.ActionAcknowledge, slip.Command{})
	h.sendAt(at("2026-10-21", 10, 0), slip.ActionResolve, slip.Command{Summary: "已完成", Evidence: []string{"照片"}})
	h.sendAt(at("2026-10-22", 10, 0), slip.ActionPassReview, slip.Command{})
	h.sendAt(at("2026-10-22", 11, 0), slip.ActionSignOff, slip.Command{})
	final := h.runSlip(reminderSlip())
	require.Equal(t, slip.StatusClosed, final.Status)

	_, events := h.ledger()
	want := []fired{
		{slip.ActionIssue, "2026-09-22 10:00"},
		{slip.EventAckReminder, "2026-09-23 09:00"}, // 1st working day after issue, not yet acknowledged
		{slip.ActionAcknowledge, "2026-09-23 15:00"},
		{slip.EventDueReminder, "2026-09-24 09:00"},  // 3 working days before 09-30: 09-29, 09-28, (holiday), 09-24
		{slip.EventDueReminder, "2026-09-29 09:00"},  // 1 working day before
		{slip.EventDueReminder, "2026-09-30 09:00"},  // the due day
		{slip.EventUrge, "2026-10-08 09:00"},         // +1 working day: National Day off until 10-07
		{slip.EventSupervise, "2026-10-10 09:00"},    // +3: 10-08, 10-09, Saturday 10-10 (调休上班)
		{slip.EventPublicNotice, "2026-10-13 09:00"}, // +5: 10-12, 10-13
		{slip.EventPublicNotice, "2026-10-20 09:00"}, // repeated every 5 working days
		{slip.ActionResolve, "2026-10-21 10:00"},
		// 10-27 would be the next 通报: the resolution stops the ladder.
		{slip.ActionPassReview, "2026-10-22 10:00"},
		{slip.ActionSignOff, "2026-10-22 11:00"},
	}
	assert.Equal(t, want, timeline(events))
	for i, e := range events {
		require.Equal(t, int64(i+1), e.Seq, "no gap, no duplicate")
	}
	assert.Equal(t, slip.LevelPublicNotice, final.EscalationLevel)
	assert.Equal(t, slip.SystemActor, events[1].Actor)
	assert.EqualValues(t, 3, events[8].Payload["level"])

	// Everyone concerned heard of it: the lead department of each reminder,
	// the leader and the office of 督办 and 通报.
	inbox := func(kind, who string) []string {
		ns, err := h.store.ListNotifications(t.Context(), storeFilter(kind, who))
		require.NoError(t, err)
		var kinds []string
		for i := len(ns) - 1; i >= 0; i-- {
			kinds = append(kinds, ns[i].Kind)
		}
		return kinds
	}
	assert.Equal(t, []string{"ack_reminder", "due_reminder", "due_reminder", "due_reminder", "urge", "supervise", "public_notice", "public_notice"},
		inbox("department", "zjj"))
	assert.Equal(t, []string{"due_reminder", "due_reminder", "due_reminder", "urge"}, inbox("department", "fgw"))
	assert.Equal(t, []string{"supervise", "public_notice", "public_notice"}, inbox("leader", "王副市长"))

	// Acknowledged only after the reminder: not timely; closed late.
	rows, err := h.store.ClosureStats(t.Context(), stats.Query{GroupBy: stats.GroupByDepartment, Today: "2026-10-23", YellowBy: "2026-10-28"})
	require.NoError(t, err)
	require.Len(t, rows, 1)
	assert.Equal(t, 0.0, *rows[0].AckTimelyRate())
	assert.Equal(t, 0.0, *rows[0].OnTimeRate())
	assert.Equal(t, 100.0, *rows[0].ClosureRate())
}

// TestApprovedExtensionMovesTheReminders: an extension requested before the
// deadline and approved replans every reminder from the new date.
func TestApprovedExtensionMovesTheReminders(t *testing.T) {
	h := newHarnessAt(t, at(issuedDay, 10, 0))
	yes := true
	h.sendAt(at(issuedDay, 11, 0), slip.ActionAcknowledge, slip.Command{})
	req := h.sendAt(at("2026-09-24", 10, 0), slip.ActionRequestExtension, slip.Command{Reason: "需协调国庆后施工", Deadline: calendar.MustParseDate("2026-10-16")})
	dup := h.sendAt(at("2026-09-24", 10, 30), slip.ActionRequestExtension, slip.Command{Reason: "再申请", Deadline: calendar.MustParseDate("2026-10-20")})
	ok := h.sendAt(at("2026-09-24", 11, 0), slip.ActionDecideExtension, slip.Command{Approved: &yes, Comment: "同意"})
	none := h.sendAt(at("2026-09-24", 12, 0), slip.ActionDecideExtension, slip.Command{Approved: &yes})
	h.sendAt(at("2026-10-14", 12, 0), slip.ActionResolve, slip.Command{Summary: "已完成", Evidence: []string{"照片"}})
	h.sendAt(at("2026-10-26", 10, 0), slip.ActionPassReview, slip.Command{})
	h.sendAt(at("2026-10-26", 11, 0), slip.ActionSignOff, slip.Command{})
	final := h.runSlip(reminderSlip())

	requireAccepted(t, req, slip.StatusInProgress)
	requireRejected(t, dup, slip.CodeExtensionPending)
	requireAccepted(t, ok, slip.StatusInProgress)
	requireRejected(t, none, slip.CodeNoPendingExtension)
	assert.Equal(t, calendar.MustParseDate("2026-10-16"), final.Deadline)
	assert.Equal(t, dueDay, final.Draft.Deadline, "the original deadline is kept")
	assert.Equal(t, 1, final.Extensions)
	assert.Equal(t, slip.LevelNone, final.EscalationLevel)

	_, events := h.ledger()
	assert.Equal(t, []fired{
		{slip.ActionIssue, "2026-09-22 10:00"},
		{slip.ActionAcknowledge, "2026-09-22 11:00"},
		{slip.EventDueReminder, "2026-09-24 09:00"}, // 3 working days before the old deadline
		{slip.ActionRequestExtension, "2026-09-24 10:00"},
		{slip.ActionDecideExtension, "2026-09-24 11:00"},
		// The old 09-29 and 09-30 reminders are gone; new ones count back from 10-16.
		{slip.EventDueReminder, "2026-10-13 09:00"},
		{slip.ActionResolve, "2026-10-14 12:00"},
		{slip.ActionPassReview, "2026-10-26 10:00"},
		{slip.ActionSignOff, "2026-10-26 11:00"},
	}, timeline(events))
}

// TestExtensionRulesAndSendBackKeepsTheClock: a request after the deadline
// or for an earlier date is refused; a send-back keeps the deadline unless
// the office grants a new one with it.
func TestExtensionRulesAndSendBackKeepsTheClock(t *testing.T) {
	h := newHarnessAt(t, at(issuedDay, 10, 0))
	h.sendAt(at(issuedDay, 11, 0), slip.ActionAcknowledge, slip.Command{})
	early := h.sendAt(at(issuedDay, 12, 0), slip.ActionRequestExtension, slip.Command{Reason: "x", Deadline: calendar.MustParseDate("2026-09-29")})
	h.sendAt(at("2026-09-29", 10, 0), slip.ActionResolve, slip.Command{Summary: "完成", Evidence: []string{"e"}})
	back := h.sendAt(at("2026-09-30", 10, 0), slip.ActionSendBack, slip.Command{Comment: "不达标"})
	late := h.sendAt(at("2026-10-09", 10, 0), slip.ActionRequestExtension, slip.Command{Reason: "x", Deadline: calendar.MustParseDate("2026-10-30")})
	h.sendAt(at("2026-10-09", 11, 0), slip.ActionResolve, slip.Command{Summary: "完成", Evidence: []string{"e"}})
	back2 := h.sendAt(at("2026-10-09", 12, 0), slip.ActionSendBack, slip.Command{Comment: "仍不达标", Deadline: calendar.MustParseDate("2026-10-23")})
	h.sendAt(at("2026-10-09", 13, 0), slip.ActionCancel, slip.Command{Reason: "合并至新交办单"})
	final := h.runSlip(reminderSlip())

	requireRejected(t, early, slip.CodeExtensionDate)
	requireAccepted(t, back, slip.StatusInProgress)
	assert.Equal(t, dueDay, back.result.Deadline, "a send-back keeps the deadline")
	requireRejected(t, late, slip.CodeExtensionTooLate)
	requireAccepted(t, back2, slip.StatusInProgress)
	assert.Equal(t, calendar.MustParseDate("2026-10-23"), back2.result.Deadline)
	assert.Equal(t, slip.StatusCancelled, final.Status)

	_, events := h.ledger()
	assert.Equal(t, []fired{
		{slip.ActionIssue, "2026-09-22 10:00"},
		{slip.ActionAcknowledge, "2026-09-22 11:00"},
		{slip.EventDueReminder, "2026-09-24 09:00"},
		{slip.EventDueReminder, "2026-09-29 09:00"},
		{slip.ActionResolve, "2026-09-29 10:00"}, // the 09-30 reminder is skipped: under review then
		{slip.ActionSendBack, "2026-09-30 10:00"},
		{slip.EventUrge, "2026-10-08 09:00"}, // the clock did not restart
		{slip.ActionResolve, "2026-10-09 11:00"},
		{slip.ActionSendBack, "2026-10-09 12:00"},
		{slip.ActionCancel, "2026-10-09 13:00"},
		// Nothing after cancel.
	}, timeline(events))
}

func storeFilter(kind, who string) store.NotificationFilter {
	return store.NotificationFilter{RecipientKind: kind, Recipient: who, Limit: 200}
}
