package slip

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/duban-gov/duban/calendar"
)

// TestTransitionTableIsComplete checks the table against every (status,
// action) pair: allowed pairs lead where the table says, the rest are refused
// with a TransitionError whose message names both in Chinese, and terminal
// statuses allow nothing.
func TestTransitionTableIsComplete(t *testing.T) {
	actions := []Action{ActionAcknowledge, ActionProgress, ActionResolve, ActionPassReview, ActionSendBack, ActionSignOff, ActionCancel}
	want := map[Status]map[Action]Status{
		StatusIssued:         {ActionAcknowledge: StatusInProgress, ActionProgress: StatusIssued, ActionCancel: StatusCancelled}, // progress: a co-unit's, before the lead signs
		StatusInProgress:     {ActionProgress: StatusInProgress, ActionResolve: StatusPendingReview, ActionCancel: StatusCancelled},
		StatusPendingReview:  {ActionPassReview: StatusPendingSignoff, ActionSendBack: StatusInProgress, ActionCancel: StatusCancelled},
		StatusPendingSignoff: {ActionSignOff: StatusClosed, ActionCancel: StatusCancelled},
		StatusClosed:         {},
		StatusCancelled:      {},
	}
	for _, from := range Statuses {
		for _, a := range actions {
			to, err := Next(from, a)
			if wantTo, ok := want[from][a]; ok {
				if err != nil || to != wantTo {
					t.Errorf("%s --%s--> %s, %v; want %s", from, a, to, err, wantTo)
				}
				continue
			}
			var te *TransitionError
			if !errors.As(err, &te) {
				t.Errorf("%s --%s--> %s allowed, want refused", from, a, to)
				continue
			}
			if !strings.Contains(te.Error(), from.Label()) || !strings.Contains(te.Error(), a.Label()) {
				t.Errorf("message %q does not name %s and %s", te.Error(), from.Label(), a.Label())
			}
		}
		if from.Terminal() && len(Allowed(from)) != 0 {
			t.Errorf("terminal %s allows %v", from, Allowed(from))
		}
	}
}

func validDraft() Draft {
	return Draft{Title: "推进老旧小区改造", LeadDepartment: "zjj", CoDepartments: []string{"fgw"}, Deadline: calendar.MustParseDate("2026-12-31")}
}

func TestDraftValidate(t *testing.T) {
	cases := []struct {
		name   string
		change func(*Draft)
		field  string // "" means valid
	}{
		{"valid", func(*Draft) {}, ""},
		{"blank title", func(d *Draft) { d.Title = "   " }, "title"},
		{"title at the limit", func(d *Draft) { d.Title = strings.Repeat("督", MaxTitle) }, ""},
		{"title over the limit", func(d *Draft) { d.Title = strings.Repeat("督", MaxTitle+1) }, "title"},
		{"invalid UTF-8", func(d *Draft) { d.Content = "\xff" }, "content"},
		{"NUL byte", func(d *Draft) { d.Content = "a\x00b" }, "content"},
		{"unknown priority", func(d *Draft) { d.Priority = "soon" }, "priority"},
		{"no lead", func(d *Draft) { d.LeadDepartment = "" }, "lead_department"},
		{"lead repeated as co", func(d *Draft) { d.CoDepartments = []string{"zjj"} }, "co_departments"},
		{"co twice", func(d *Draft) { d.CoDepartments = []string{"fgw", "fgw"} }, "co_departments"},
		{"no deadline", func(d *Draft) { d.Deadline = calendar.Date{} }, "deadline"},
		{"deadline and working days", func(d *Draft) { d.DeadlineWorkingDays = 5 }, "deadline"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := validDraft()
			c.change(&d)
			d.Normalize()
			err := d.Validate()
			if c.field == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			e := AsError(err)
			if e == nil || e.Kind != KindInvalid || e.Field != c.field || e.Message == "" {
				t.Fatalf("want invalid %s, got %#v", c.field, err)
			}
		})
	}
}

// TestApplyRecordsEachStep walks a slip through a rework loop and checks
// the record and the events Apply returns.
func TestApplyRecordsEachStep(t *testing.T) {
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, calendar.Zone)
	s := Slip{ID: "s1", Draft: validDraft(), Status: StatusIssued, Seq: 1}
	steps := []Command{
		{Action: ActionAcknowledge, Actor: "住建局"},
		{Action: ActionProgress, Actor: "住建局", Text: "过半"},
		{Action: ActionResolve, Actor: "住建局", Summary: "完成", Evidence: []string{"照片"}},
		{Action: ActionSendBack, Actor: "督查室", Comment: "未完工"},
		{Action: ActionResolve, Actor: "住建局", Summary: "完成"},
		{Action: ActionPassReview, Actor: "督查室"},
		{Action: ActionSignOff, Actor: "督查室"},
	}
	for i, cmd := range steps {
		from := s.Status
		ev, err := s.Apply(cmd, at.Add(time.Duration(i)*time.Hour))
		if err != nil {
			t.Fatalf("step %d %s: %v", i, cmd.Action, err)
		}
		if ev.Seq != int64(i+2) || ev.From != from || ev.To != s.Status || ev.Actor != cmd.Actor || ev.SlipID != "s1" {
			t.Fatalf("step %d event %+v", i, ev)
		}
	}
	if s.Status != StatusClosed || s.ReworkCount != 1 || s.LatestProgress != "过半" || s.ClosedAt == nil || s.Seq != 8 {
		t.Fatalf("final slip %+v", s)
	}
	before := s
	if _, err := s.Apply(Command{Action: ActionCancel, Reason: "x"}, at); err == nil {
		t.Fatal("cancel after sign-off was allowed")
	}
	if s.Seq != before.Seq || s.Status != before.Status {
		t.Fatal("a refused action changed the slip")
	}
}

func TestOverdue(t *testing.T) {
	s := Slip{Draft: Draft{Deadline: calendar.MustParseDate("2026-11-20")}, Status: StatusInProgress}
	if s.Overdue(calendar.MustParseDate("2026-11-20")) {
		t.Error("due today is not overdue")
	}
	if !s.Overdue(calendar.MustParseDate("2026-11-21")) {
		t.Error("a day past the deadline is overdue")
	}
	s.Status = StatusClosed
	if s.Overdue(calendar.MustParseDate("2026-12-01")) {
		t.Error("a closed slip is never overdue")
	}
	if got := calendar.DateOf(time.Date(2026, 11, 22, 16, 30, 0, 0, time.UTC)); got != calendar.MustParseDate("2026-11-23") {
		t.Errorf("DateOf 16:30 UTC = %s, want the Beijing date 2026-11-23", got)
	}
}

// TestDraftDatesTravelAsBefore: a draft's deadline reads and writes as the
// YYYY-MM-DD string it always was (recorded histories replay), an absent or
// empty one is no date, and a malformed or impossible one is refused when
// the body is read.
func TestDraftDatesTravelAsBefore(t *testing.T) {
	d := validDraft()
	b, err := json.Marshal(d)
	if err != nil || !strings.Contains(string(b), `"deadline":"2026-12-31"`) {
		t.Fatalf("marshal = %s, %v", b, err)
	}
	var back Draft
	if err := json.Unmarshal(b, &back); err != nil || back.Deadline != d.Deadline {
		t.Fatalf("unmarshal = %v, %v", back.Deadline, err)
	}
	var none Draft
	if err := json.Unmarshal([]byte(`{"deadline":"","deadline_working_days":5}`), &none); err != nil || !none.Deadline.IsZero() {
		t.Fatalf("empty deadline = %v, %v", none.Deadline, err)
	}
	if b, _ := json.Marshal(Command{Action: ActionProgress, Text: "t"}); strings.Contains(string(b), "deadline") {
		t.Fatalf("a command without a deadline writes one: %s", b)
	}
	for _, bad := range []string{"2026-02-30", "2026-12-31T00:00:00Z", "2026/12/31", "20261231"} {
		var d Draft
		err := json.Unmarshal([]byte(`{"deadline":"`+bad+`"}`), &d)
		var de *calendar.DateError
		if !errors.As(err, &de) || de.Input != bad {
			t.Errorf("deadline %q: %v", bad, err)
		}
	}
}

// TestCommandOfEvent: the command rebuilt from an event (reconcile re-sends
// lost actions this way) is the command that made it, every field the
// payload keeps included — a track action's unit, a report's measures and
// figures, a 改派's new unit and window, a sign-off's grade — whether the
// event is fresh from Apply or read back from the ledger as JSON.
func TestCommandOfEvent(t *testing.T) {
	yes := true
	due := calendar.MustParseDate("2026-12-20")
	for _, cmd := range []Command{
		{Action: ActionProgress, Text: "推进中", TrackFields: TrackFields{Department: "fgw", Problems: "资金缺口",
			Measures: []Measure{{Content: "争取专项债", Units: []string{"fgw", "czj"}, Due: due}},
			Figures:  []Figure{{Name: "完成投资", Value: "1.2", Unit: "亿元"}}}},
		{Action: ActionCompletePart, Summary: "已完成", TrackFields: TrackFields{Department: "fgw"}},
		{Action: ActionReassign, Reason: "职责不符", TrackFields: TrackFields{Department: "jtj", NewDepartment: "zjj", RefuseBy: due}},
		{Action: ActionDecideExtension, Approved: &yes, Deadline: due, Comment: "同意"},
		{Action: ActionResolve, Summary: "完成", Evidence: []string{"验收单.pdf"}},
		{Action: ActionSignOff, Comment: "基本完成", Grade: GradeBasic},
		{Action: ActionAcknowledge},
	} {
		cmd.Actor, cmd.ActorID, cmd.ActorRole, cmd.RequestID = "张三", 7, RoleOffice, "req-1"
		e := Event{SlipID: "s", Seq: 3, Type: cmd.Action, Actor: cmd.Actor, ActorID: cmd.ActorID, ActorRole: cmd.ActorRole,
			RequestID: cmd.RequestID, Payload: cmd.payload()}
		got, err := CommandOf(e)
		if err != nil || !reflect.DeepEqual(got, cmd) {
			t.Fatalf("%s: CommandOf = %+v, %v; want %+v", cmd.Action, got, err, cmd)
		}
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		var stored Event
		if err := json.Unmarshal(b, &stored); err != nil {
			t.Fatal(err)
		}
		if got, err := CommandOf(stored); err != nil || !reflect.DeepEqual(got, cmd) {
			t.Fatalf("%s read back: CommandOf = %+v, %v; want %+v", cmd.Action, got, err, cmd)
		}
	}
}
