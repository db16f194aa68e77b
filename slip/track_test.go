package slip

import (
	"strings"
	"testing"
	"time"

	"github.com/duban-gov/duban/calendar"
)

// D is a date of the tests.
func D(s string) calendar.Date { return calendar.MustParseDate(s) }

// trackSlip is a slip issued on 2026-12-01 (a Tuesday) to lead zjj with
// co-units fgw and jtj, jtj due earlier.
func trackSlip(t *testing.T) Slip {
	t.Helper()
	issued := time.Date(2026, 12, 1, 9, 0, 0, 0, calendar.Zone)
	d := Draft{Title: "老旧小区改造", LeadDepartment: "zjj", CoDepartments: []string{"fgw", "jtj"}, Deadline: D("2026-12-31"),
		CoDeadlines: map[string]calendar.Date{"jtj": D("2026-12-20")}}
	d.Normalize()
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	return Slip{ID: "s1", Draft: d, IssuedAt: issued, Status: StatusIssued, Seq: 1, Deadline: d.Deadline,
		Tracks: NewTracks(d, issued, D("2026-12-03"))}
}

// step applies cmd at instant at and fails the test unless the outcome's
// error code is wantCode ("" for success).
func step(t *testing.T, s *Slip, at time.Time, wantCode string, cmd Command) Event {
	t.Helper()
	if cmd.Actor == "" {
		cmd.Actor = "clerk"
	}
	if err := cmd.Validate(); err != nil {
		if de := AsError(err); de != nil && de.Code == wantCode {
			return Event{}
		}
		t.Fatalf("%s: validate: %v", cmd.Action, err)
	}
	before := s.Seq
	ev, err := s.Apply(cmd, at)
	code := ""
	if err != nil {
		code = AsError(err).Code
	}
	if code != wantCode {
		t.Fatalf("%s by %s: code %q (%v), want %q", cmd.Action, cmd.Department, code, err, wantCode)
	}
	if err != nil && s.Seq != before {
		t.Fatalf("%s refused but the slip moved", cmd.Action)
	}
	return ev
}

func day(d int) time.Time { return time.Date(2026, 12, d, 10, 0, 0, 0, calendar.Zone) }

// TestTracksLeadAndTwoCoUnits walks one slip through the scenario:
// a co-unit refuses, the office reassigns it, the lead cannot resolve while
// co-units are open, each co-unit completes once.
func TestTracksLeadAndTwoCoUnits(t *testing.T) {
	s := trackSlip(t)
	tf := func(dept string) TrackFields { return TrackFields{Department: dept} }
	measure := []Measure{{Content: "完成管网改造", Units: []string{"太平乡", "区卫健局"}, Due: D("2026-12-15")}}

	if got := s.WorstDeadline(); got != D("2026-12-20") {
		t.Fatalf("worst deadline %s, want jtj's 2026-12-20", got)
	}
	// jtj refuses within its window; a second refusal is a track conflict.
	step(t, &s, day(2), "", Command{Action: ActionRefuse, Reason: "职责不符", TrackFields: tf("jtj")})
	step(t, &s, day(2), CodeTrackTransition, Command{Action: ActionRefuse, Reason: "职责不符", TrackFields: tf("jtj")})
	// fgw signs, then may no longer refuse; the lead refuses too late.
	step(t, &s, day(2), "", Command{Action: ActionCoAcknowledge, TrackFields: tf("fgw")})
	step(t, &s, day(2), CodeTrackTransition, Command{Action: ActionRefuse, Reason: "不是本单位职责", TrackFields: tf("fgw")})
	s2 := s
	if _, err := s2.Apply(Command{Action: ActionRefuse, Actor: "x", Reason: "职责不符", TrackFields: tf("zjj")}, day(4)); AsError(err) == nil ||
		AsError(err).Code != CodeRefuseWindow || !strings.Contains(err.Error(), "2026-12-03") {
		t.Fatalf("late refusal: %v, want %s naming the window", err, CodeRefuseWindow)
	}
	// 改派: not to the same unit, not to a unit already on the slip.
	step(t, &s, day(3), CodeReassignTarget, Command{Action: ActionReassign, TrackFields: TrackFields{Department: "jtj", NewDepartment: "jtj"}})
	step(t, &s, day(3), CodeReassignTarget, Command{Action: ActionReassign, TrackFields: TrackFields{Department: "jtj", NewDepartment: "fgw"}})
	step(t, &s, day(3), "", Command{Action: ActionReassign, Deadline: D("2026-12-10"), TrackFields: TrackFields{Department: "jtj", NewDepartment: "wjj", RefuseBy: D("2026-12-07")}})
	if got := s.Draft.CoDepartments; strings.Join(got, ",") != "fgw,wjj" {
		t.Fatalf("co-units after reassign: %v", got)
	}
	if old := s.Tracks[2]; old.Status != TrackReplaced || old.Refusals != 1 || old.ReplacedBy != "wjj" {
		t.Fatalf("replaced part: %+v", old)
	}
	if nw := s.TrackOf("wjj"); nw == nil || nw.Status != TrackIssued || nw.Deadline != D("2026-12-10") || !nw.AssignedAt.Equal(day(3)) {
		t.Fatalf("new part: %+v", nw)
	}
	if s.WorstDeadline() != D("2026-12-10") || !s.Overdue(D("2026-12-11")) {
		t.Fatalf("worst deadline %s; overdue on 12-11: %v", s.WorstDeadline(), s.Overdue(D("2026-12-11")))
	}
	// The lead signs and reports with measures; bad measures are 422.
	step(t, &s, day(3), "", Command{Action: ActionAcknowledge, TrackFields: tf("zjj")})
	step(t, &s, day(4), CodeInvalidMeasure, Command{Action: ActionProgress, Text: "已完成60个", TrackFields: TrackFields{Department: "zjj", Measures: []Measure{{Content: "x", Due: D("2026-12-15")}}}})
	step(t, &s, day(4), CodeInvalidMeasure, Command{Action: ActionProgress, Text: "已完成60个", TrackFields: TrackFields{Department: "zjj", Measures: []Measure{{Content: "x", Units: []string{"太平乡"}, Due: D("2026-12-01")}}}})
	step(t, &s, day(4), "", Command{Action: ActionProgress, Text: "已完成60个", TrackFields: TrackFields{Department: "zjj", Problems: "资金缺口", Measures: measure}})
	step(t, &s, day(4), "", Command{Action: ActionProgress, Text: "协办意见已起草", TrackFields: tf("fgw")})
	if s.LatestProgress != "已完成60个" || s.TrackOf("fgw").Report.Achieved != "协办意见已起草" || s.TrackOf("zjj").Report.Problems != "资金缺口" {
		t.Fatalf("reports: latest %q, fgw %+v", s.LatestProgress, s.TrackOf("fgw").Report)
	}
	// The lead may not resolve while fgw and wjj are open.
	s.Status = StatusInProgress
	resolve := Command{Action: ActionResolve, Summary: "全部完成", Evidence: []string{"验收报告.pdf"}, TrackFields: tf("zjj")}
	step(t, &s, day(7), CodeCoUnitsOpen, resolve)
	step(t, &s, day(7), "", Command{Action: ActionCompletePart, Summary: "协办完成", TrackFields: tf("fgw")})
	step(t, &s, day(7), CodeTrackTransition, Command{Action: ActionCompletePart, Summary: "再次完成", TrackFields: tf("fgw")})
	step(t, &s, day(7), CodeCoUnitsOpen, resolve)
	step(t, &s, day(11), "", Command{Action: ActionCoAcknowledge, TrackFields: tf("wjj")})
	step(t, &s, day(11), "", Command{Action: ActionCompletePart, Summary: "已完成（逾期）", TrackFields: tf("wjj")})
	step(t, &s, day(11), "", resolve)
	if s.Status != StatusPendingReview || len(s.OpenCoUnits()) != 0 {
		t.Fatalf("status %s, open %v", s.Status, s.OpenCoUnits())
	}
}

// TestWaiveLetsTheLeadResolve checks the office's waiver of a co-unit.
func TestWaiveLetsTheLeadResolve(t *testing.T) {
	s := trackSlip(t)
	step(t, &s, day(2), "", Command{Action: ActionAcknowledge, TrackFields: TrackFields{Department: "zjj"}})
	step(t, &s, day(2), "", Command{Action: ActionWaive, Reason: "不再需要", TrackFields: TrackFields{Department: "fgw"}})
	step(t, &s, day(2), CodeTrackTransition, Command{Action: ActionWaive, Reason: "牵头单位", TrackFields: TrackFields{Department: "zjj"}})
	step(t, &s, day(2), "", Command{Action: ActionWaive, Reason: "不再需要", TrackFields: TrackFields{Department: "jtj"}})
	step(t, &s, day(3), "", Command{Action: ActionResolve, Summary: "完成", Evidence: []string{"a"}, TrackFields: TrackFields{Department: "zjj"}})
	if s.TrackOf("fgw").Waiver != "不再需要" {
		t.Fatal("waiver reason not kept")
	}
}

// TestAvailableToFollowsTheTracks checks the buttons a unit sees.
func TestAvailableToFollowsTheTracks(t *testing.T) {
	s := trackSlip(t)
	has := func(as []Action, a Action) bool {
		for _, x := range as {
			if x == a {
				return true
			}
		}
		return false
	}
	lead, co := s.AvailableTo("zjj", D("2026-12-02")), s.AvailableTo("fgw", D("2026-12-02"))
	if !has(lead, ActionAcknowledge) || has(lead, ActionCoAcknowledge) || !has(lead, ActionRefuse) {
		t.Fatalf("lead sees %v", lead)
	}
	if has(co, ActionAcknowledge) || !has(co, ActionCoAcknowledge) || has(co, ActionCompletePart) {
		t.Fatalf("co-unit sees %v", co)
	}
	if has(s.AvailableTo("fgw", D("2026-12-04")), ActionRefuse) {
		t.Fatal("refuse offered after the window")
	}
}
