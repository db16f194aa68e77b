package seed_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/internal/seed"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
)

// seedNow is the instant the test ledgers are seeded as of: late in the
// year, so old slips have had time to close and recent ones have not.
var seedNow = time.Date(2026, 11, 20, 15, 0, 0, 0, calendar.Zone)

var ctx = context.Background()

// options writes in small transactions, so that on PostgreSQL several
// commit concurrently and out of order.
func options(slips, depts int, rngSeed int64) seed.Options {
	return seed.Options{Slips: slips, Departments: depts, Year: 2026, Seed: rngSeed, Now: seedNow, Batch: 64}
}

// allSlips walks the whole ledger, newest first.
func allSlips(t *testing.T, st *store.Store) []slip.Slip {
	t.Helper()
	return storetest.AllSlips(t, st, store.Filter{}, 0)
}

func TestSeedWritesAConsistentLedger(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		o := options(500, 20, 7)
		var progress []int
		o.Progress = func(done int) { progress = append(progress, done) }
		rep, err := seed.Run(ctx, st, o)
		require.NoError(t, err)
		require.Len(t, progress, 8, "one call per committed batch of 64")
		assert.Equal(t, 500, progress[len(progress)-1])
		assert.Equal(t, 500, rep.Slips)
		assert.Equal(t, 20, rep.Departments)
		assert.Equal(t, 20, rep.CreatedDepartments)
		assert.Equal(t, "督〔2026〕1号", rep.FirstNumber)
		assert.Equal(t, "督〔2026〕500号", rep.LastNumber)
		t.Logf("seeded: %d events, %d department assignments, statuses %v", rep.Events, rep.SlipDepartments, rep.Statuses)

		depts, err := st.ListDepartments(ctx)
		require.NoError(t, err)
		require.Len(t, depts, 20)
		names := map[string]string{}
		for _, d := range depts {
			names[d.Code] = d.Name
		}
		assert.Equal(t, "市发展和改革委员会", names["fgw"])

		slips := allSlips(t, st)
		require.Len(t, slips, 500)
		numbers := map[string]bool{}
		var events, assignments, parts int64
		coParts := map[slip.TrackStatus]int{}
		statuses := map[slip.Status]int{}
		for _, s := range slips {
			assert.False(t, numbers[s.Number], "number %s twice", s.Number)
			numbers[s.Number] = true
			statuses[s.Status]++
			assignments += int64(1 + len(s.Draft.CoDepartments))
			parts += int64(len(s.Tracks))
			for _, p := range s.Tracks {
				if p.Role == slip.RoleCo {
					coParts[p.Status]++
				}
			}
			checkSeededSlip(t, s, names)
			timeline, err := st.Timeline(ctx, s.ID)
			require.NoError(t, err)
			events += int64(len(timeline))
			replayTimeline(t, s, timeline)
		}
		for n := 1; n <= 500; n++ {
			assert.True(t, numbers[fmt.Sprintf("督〔2026〕%d号", n)], "number %d missing", n)
		}
		assert.Equal(t, rep.Events, events)
		assert.Equal(t, rep.SlipDepartments, assignments)
		assert.Equal(t, rep.Parts, parts)
		assert.Equal(t, assignments, parts, "one part per unit")
		// Co-units' parts in every stage: not yet signed for, under way,
		// finished, and ended with a cancelled slip.
		for _, st := range []slip.TrackStatus{slip.TrackIssued, slip.TrackInProgress, slip.TrackCompleted, slip.TrackCancelled} {
			assert.Positive(t, coParts[st], "co-units' parts %s: %v", st, coParts)
		}
		assert.Equal(t, rep.Statuses, statuses)

		// A slip issued for real after the seed continues the sequence.
		issued := time.Date(2026, 11, 20, 16, 0, 0, 0, calendar.Zone)
		number, err := st.RecordIssued(ctx, slip.Slip{ID: "after-seed", Draft: slip.Draft{Title: "整治", Content: "内容",
			Source: "新春第一会", Batch: "2026新春第一会", Category: "营商环境", Priority: slip.PriorityUrgent,
			LeadDepartment: "fgw", Leader: "张副市长", Deadline: calendar.MustParseDate("2026-12-31")},
			IssuedAt: issued, IssuedBy: "督查室", Status: slip.StatusIssued, Seq: 1, UpdatedAt: issued})
		require.NoError(t, err)
		assert.Equal(t, "督〔2026〕501号", number)
	})
}

// checkSeededSlip checks what the office wrote on a seeded slip.
func checkSeededSlip(t *testing.T, s slip.Slip, names map[string]string) {
	t.Helper()
	assert.NotEmpty(t, s.Draft.Title)
	assert.Contains(t, s.Draft.Content, s.Draft.Title)
	assert.Contains(t, names, s.Draft.LeadDepartment)
	assert.LessOrEqual(t, len(s.Draft.CoDepartments), 3)
	seen := map[string]bool{s.Draft.LeadDepartment: true}
	for _, c := range s.Draft.CoDepartments {
		assert.Contains(t, names, c)
		assert.False(t, seen[c], "slip %s: department %s twice", s.Number, c)
		seen[c] = true
	}
	assert.Equal(t, 2026, s.IssuedAt.Year())
	assert.False(t, s.IssuedAt.After(seedNow), "slip %s issued after now", s.Number)
	issued, deadline := calendar.DateOf(s.IssuedAt), s.Draft.Deadline
	days := deadline.At(12, 0).Sub(issued.At(12, 0)).Hours() / 24
	assert.True(t, days >= 5 && days <= 60, "slip %s: deadline %s is %.0f days after issue", s.Number, s.Draft.Deadline, days)
	assert.False(t, s.EffectiveDeadline().Before(s.Draft.Deadline), "slip %s: deadline moved earlier", s.Number)
	assert.Equal(t, s.Extensions > 0, s.EffectiveDeadline() != s.Draft.Deadline, "slip %s", s.Number)
	assert.LessOrEqual(t, s.ReworkCount, 2)
	assert.Contains(t, slip.Statuses, s.Status)
}

// replayTimeline rebuilds the slip from its timeline through the slip's own
// state machine and checks that every event was allowed when it happened and
// that the ledger row is exactly where the events lead.
func replayTimeline(t *testing.T, s slip.Slip, timeline []slip.Event) {
	t.Helper()
	require.NotEmpty(t, timeline)
	first := timeline[0]
	require.Equal(t, slip.ActionIssue, first.Type)
	require.Equal(t, int64(1), first.Seq)
	require.True(t, first.At.Equal(s.IssuedAt))
	// Every seeded slip has its units' parts, as issued by the service: the
	// lead's first, then the co-units', with the refusal window's last day.
	require.Len(t, s.Tracks, len(s.Draft.Departments()), "slip %s: parts", s.Number)
	r := slip.Slip{ID: s.ID, Draft: s.Draft, IssuedAt: s.IssuedAt, IssuedBy: first.Actor, Status: slip.StatusIssued, Seq: 1,
		UpdatedAt: s.IssuedAt, Deadline: s.Draft.Deadline, Policy: s.Policy,
		Tracks: slip.NewTracks(s.Draft, s.IssuedAt, s.Tracks[0].RefuseBy)}
	prev := first
	for _, e := range timeline[1:] {
		require.Equal(t, prev.Seq+1, e.Seq, "slip %s: seq gap", s.Number)
		require.False(t, e.At.Before(prev.At), "slip %s: event %d before event %d", s.Number, e.Seq, prev.Seq)
		require.False(t, e.At.After(seedNow), "slip %s: event %d after now", s.Number, e.Seq)
		var got slip.Event
		if e.Type.System() {
			level, _ := e.Payload["level"].(float64)
			offset, _ := e.Payload["days_offset"].(float64)
			var ok bool
			got, ok = r.Remind(slip.Reminder{Kind: e.Type, Level: int(level), DaysOffset: int(offset)}, e.At)
			require.True(t, ok, "slip %s: reminder %d (%s) does not apply in status %s", s.Number, e.Seq, e.Type, r.Status)
		} else {
			cmd, err := slip.CommandOf(e)
			require.NoError(t, err)
			got, err = r.Apply(cmd, e.At)
			require.NoError(t, err, "slip %s: event %d (%s)", s.Number, e.Seq, e.Type)
		}
		require.Equal(t, e.From, got.From, "slip %s: event %d", s.Number, e.Seq)
		if e.Type.System() {
			require.Equal(t, slip.RoleSystem, e.ActorRole)
		} else {
			require.Equal(t, slip.ActedBy(e.Type), e.ActorRole, "slip %s: event %d (%s) by the role the table names", s.Number, e.Seq, e.Type)
		}
		require.Equal(t, e.To, got.To, "slip %s: event %d", s.Number, e.Seq)
		prev = e
	}
	assert.Equal(t, r.Status, s.Status, "slip %s", s.Number)
	assert.Equal(t, r.Seq, s.Seq, "slip %s", s.Number)
	assert.Equal(t, r.ReworkCount, s.ReworkCount, "slip %s", s.Number)
	assert.Equal(t, r.LatestProgress, s.LatestProgress, "slip %s", s.Number)
	assert.Equal(t, r.EffectiveDeadline(), s.EffectiveDeadline(), "slip %s", s.Number)
	assert.Equal(t, r.Extensions, s.Extensions, "slip %s", s.Number)
	assert.Equal(t, r.EscalationLevel, s.EscalationLevel, "slip %s", s.Number)
	assert.Equal(t, r.AckReminded, s.AckReminded, "slip %s", s.Number)
	assert.Equal(t, r.PendingExtension != nil, s.PendingExtension != nil, "slip %s", s.Number)
	assert.True(t, r.UpdatedAt.Equal(s.UpdatedAt), "slip %s: updated_at", s.Number)
	// The parts on the ledger are where the timeline leads.
	for i, want := range r.Tracks {
		got := s.Tracks[i]
		assert.Equal(t, want.Department, got.Department, "slip %s: part %d", s.Number, i)
		assert.Equal(t, want.Status, got.Status, "slip %s: part %d (%s)", s.Number, i, want.Department)
		assert.Equal(t, want.AcknowledgedAt == nil, got.AcknowledgedAt == nil, "slip %s: part %d signed for", s.Number, i)
		assert.Equal(t, want.CompletedAt == nil, got.CompletedAt == nil, "slip %s: part %d completed", s.Number, i)
	}
	for name, pair := range map[string][2]*time.Time{
		"acknowledged_at": {r.AcknowledgedAt, s.AcknowledgedAt}, "resolved_at": {r.ResolvedAt, s.ResolvedAt},
		"closed_at": {r.ClosedAt, s.ClosedAt}, "cancelled_at": {r.CancelledAt, s.CancelledAt},
		"last_reminder_at": {r.LastReminderAt, s.LastReminderAt},
	} {
		want, got := pair[0], pair[1]
		if assert.Equal(t, want == nil, got == nil, "slip %s: %s", s.Number, name) && want != nil {
			assert.True(t, want.Equal(*got), "slip %s: %s %s, want %s", s.Number, name, got, want)
		}
	}
}

func TestSeedStatusMixIsRealistic(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	_, err := seed.Run(ctx, st, options(2000, 200, 11))
	require.NoError(t, err)
	slips := allSlips(t, st)

	var old, oldClosed, recent, recentClosed, cancelled, reworked, extended, escalated, ackReminded, streetLed int
	for _, s := range slips {
		age := seedNow.Sub(s.IssuedAt)
		switch {
		case age > 120*24*time.Hour:
			old++
			if s.Status == slip.StatusClosed {
				oldClosed++
			}
		case age < 14*24*time.Hour:
			recent++
			if s.Status == slip.StatusClosed {
				recentClosed++
			}
		}
		if s.Status == slip.StatusCancelled {
			cancelled++
		}
		if s.ReworkCount > 0 {
			reworked++
		}
		if s.Extensions > 0 {
			extended++
		}
		if s.Status.Open() && s.EscalationLevel > 0 {
			escalated++
			assert.True(t, s.Overdue(calendar.DateOf(seedNow)), "slip %s escalated but not overdue", s.Number)
		}
		if s.AckReminded {
			ackReminded++
			assert.Equal(t, slip.StatusIssued, s.Status)
		}
		if strings.Contains(s.Draft.LeadDepartment, "-") {
			streetLed++
		}
	}
	t.Logf("old %d (closed %d), recent %d (closed %d), cancelled %d, reworked %d, extended %d, escalated open %d, ack reminded %d, street-led %d",
		old, oldClosed, recent, recentClosed, cancelled, reworked, extended, escalated, ackReminded, streetLed)
	require.Positive(t, old)
	require.Positive(t, recent)
	closedOld := float64(oldClosed) / float64(old)
	assert.True(t, closedOld >= 0.85 && closedOld <= 0.97, "%.1f%% of old slips closed", 100*closedOld)
	assert.Less(t, float64(recentClosed)/float64(recent), 0.3, "recent slips are mostly open")
	for name, n := range map[string]int{"cancelled": cancelled, "reworked": reworked, "extended": extended,
		"escalated open": escalated, "ack reminded": ackReminded, "street-led": streetLed} {
		assert.Positive(t, n, name)
	}
}

func TestSeedIsDeterministicAcrossDatabases(t *testing.T) {
	key := func(ss []slip.Slip) []string {
		out := make([]string, len(ss))
		for i, s := range ss {
			out[i] = strings.Join([]string{s.ID, s.Number, s.Draft.Title, s.Draft.LeadDepartment, string(s.Status),
				s.IssuedAt.Format(time.RFC3339Nano), s.EffectiveDeadline().String(), fmt.Sprint(s.Seq)}, "|")
		}
		return out
	}
	reference := storetest.Open(t, store.SQLite)
	_, err := seed.Run(ctx, reference, options(300, 30, 42))
	require.NoError(t, err)
	want := key(allSlips(t, reference))

	storetest.Each(t, func(t *testing.T, st *store.Store) {
		_, err := seed.Run(ctx, st, options(300, 30, 42))
		require.NoError(t, err)
		assert.Equal(t, want, key(allSlips(t, st)), "same seed, same ledger")
	})

	other := storetest.Open(t, store.SQLite)
	_, err = seed.Run(ctx, other, options(300, 30, 43))
	require.NoError(t, err)
	got := allSlips(t, other)
	same := 0
	for i, s := range got {
		if strings.Split(want[i], "|")[2] == s.Draft.Title {
			same++
		}
	}
	assert.Less(t, same, 100, "another seed draws other titles")
}

func TestSeedRefusesANonEmptyLedgerUnlessAppending(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		_, err := seed.Run(ctx, st, options(50, 10, 1))
		require.NoError(t, err)

		_, err = seed.Run(ctx, st, options(50, 10, 1))
		require.ErrorIs(t, err, seed.ErrLedgerNotEmpty)

		more := options(30, 12, 1)
		more.Append = true
		rep, err := seed.Run(ctx, st, more)
		require.NoError(t, err)
		assert.Equal(t, 2, rep.CreatedDepartments, "the first ten are kept")
		assert.Equal(t, "督〔2026〕51号", rep.FirstNumber)
		assert.Equal(t, "督〔2026〕80号", rep.LastNumber)
		slips := allSlips(t, st)
		assert.Len(t, slips, 80, "same seed, new ids")
	})
}

func TestSeedNamesEveryDepartmentItOffers(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	rep, err := seed.Run(ctx, st, seed.Options{Departments: seed.MaxDepartments, Year: 2026, Now: seedNow})
	require.NoError(t, err)
	assert.Equal(t, seed.MaxDepartments, rep.CreatedDepartments)
	assert.Zero(t, rep.Slips)
	depts, err := st.ListDepartments(ctx)
	require.NoError(t, err)
	require.Len(t, depts, seed.MaxDepartments)
	names := map[string]bool{}
	streets := 0
	for _, d := range depts {
		assert.False(t, names[d.Name], "name %s twice", d.Name)
		names[d.Name] = true
		require.NoError(t, d.Validate())
		if d.ParentCode != "" {
			streets++
			assert.True(t, strings.HasSuffix(d.Name, "街道办事处") || strings.HasSuffix(d.Name, "镇人民政府"), d.Name)
		}
	}
	assert.Equal(t, 240, streets)
	assert.True(t, names["东城区人民路街道办事处"])
	assert.True(t, names["青山县城关镇人民政府"])
}

func TestSeedRejectsImpossibleOptions(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	for name, o := range map[string]seed.Options{
		"too many departments": {Slips: 1, Departments: seed.MaxDepartments + 1, Year: 2026, Now: seedNow},
		"year not begun":       {Slips: 1, Departments: 5, Year: 2027, Now: seedNow},
		"negative slips":       {Slips: -1, Departments: 5, Year: 2026, Now: seedNow},
	} {
		_, err := seed.Run(ctx, st, o)
		assert.Error(t, err, name)
	}
	page, err := st.ListSlips(ctx, store.Filter{})
	require.NoError(t, err)
	assert.Zero(t, page.Total)
}
