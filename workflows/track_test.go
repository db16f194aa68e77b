package workflows_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/slip"
)

// TestTracksInTheWorkflow runs the scenario through the slip
// workflow on the time-skipping clock: lead 住建局 (zjj), co-units 发改委
// (fgw, due earlier) and 交通局 (jtj). jtj refuses, the office reassigns its
// part to 卫健局 (wjj) with an earlier deadline; wjj does not sign, so its
// own clock reminds it and, once its deadline passed, urges it (and the
// slip's escalation follows); the lead cannot resolve until both co-units
// have finished; then review and sign-off.
func TestTracksInTheWorkflow(t *testing.T) {
	h := newHarnessAt(t, at(issuedDay, 10, 0))
	for _, code := range []string{"jtj", "wjj"} {
		_, err := h.store.CreateDepartment(context.Background(), slip.Department{Code: code, Name: code})
		require.NoError(t, err)
	}
	sl := reminderSlip()
	sl.Draft.CoDepartments = []string{"fgw", "jtj"}
	sl.Draft.CoDeadlines = map[string]calendar.Date{"fgw": calendar.MustParseDate("2026-09-28")}
	sl.Tracks = slip.NewTracks(sl.Draft, sl.IssuedAt, calendar.MustParseDate("2026-09-24"))
	part := func(dept string) slip.TrackFields { return slip.TrackFields{Department: dept} }

	refuse := h.sendAt(at(issuedDay, 11, 0), slip.ActionRefuse, slip.Command{Reason: "职责不符", TrackFields: part("jtj")})
	same := h.sendAt(at(issuedDay, 11, 30), slip.ActionReassign, slip.Command{TrackFields: slip.TrackFields{Department: "jtj", NewDepartment: "jtj"}})
	reassign := h.sendAt(at(issuedDay, 12, 0), slip.ActionReassign, slip.Command{Deadline: calendar.MustParseDate("2026-09-24"),
		TrackFields: slip.TrackFields{Department: "jtj", NewDepartment: "wjj", RefuseBy: calendar.MustParseDate("2026-09-24")}})
	h.sendAt(at(issuedDay, 15, 0), slip.ActionAcknowledge, slip.Command{TrackFields: part("zjj")})
	h.sendAt(at(issuedDay, 16, 0), slip.ActionCoAcknowledge, slip.Command{TrackFields: part("fgw")})
	early := h.sendAt(at(issuedDay, 17, 0), slip.ActionResolve, slip.Command{Summary: "完成", Evidence: []string{"a.pdf"}, TrackFields: part("zjj")})
	fgwDone := h.sendAt(at("2026-09-28", 10, 0), slip.ActionCompletePart, slip.Command{Summary: "协办意见已提交", TrackFields: part("fgw")})
	twice := h.sendAt(at("2026-09-28", 10, 30), slip.ActionCompletePart, slip.Command{Summary: "再报一次", TrackFields: part("fgw")})
	h.sendAt(at("2026-09-28", 11, 0), slip.ActionCoAcknowledge, slip.Command{TrackFields: part("wjj")})
	h.sendAt(at("2026-09-28", 11, 30), slip.ActionCompletePart, slip.Command{Summary: "已完成（逾期）", TrackFields: part("wjj")})
	resolve := h.sendAt(at("2026-09-28", 12, 0), slip.ActionResolve, slip.Command{Summary: "全部完成", Evidence: []string{"验收报告.pdf"}, TrackFields: part("zjj")})
	h.sendAt(at("2026-09-28", 13, 0), slip.ActionPassReview, slip.Command{})
	h.sendAt(at("2026-09-28", 14, 0), slip.ActionSignOff, slip.Command{})
	final := h.runSlip(sl)

	requireAccepted(t, refuse, slip.StatusIssued)
	requireRejected(t, same, slip.CodeReassignTarget)
	requireAccepted(t, reassign, slip.StatusIssued)
	requireRejected(t, early, slip.CodeCoUnitsOpen)
	requireAccepted(t, fgwDone, slip.StatusInProgress)
	requireRejected(t, twice, slip.CodeTrackTransition)
	requireAccepted(t, resolve, slip.StatusPendingReview)
	assert.Equal(t, slip.StatusClosed, final.Status)

	row, events := h.ledger()
	assert.Equal(t, []string{"fgw", "wjj"}, row.Draft.CoDepartments, "the ledger's co-units after 改派")
	require.Len(t, row.Tracks, 4)
	assert.Equal(t, slip.TrackReplaced, row.Tracks[2].Status)
	assert.Equal(t, 1, row.Tracks[2].Refusals)
	wjj := row.TrackOf("wjj")
	require.NotNil(t, wjj)
	assert.Equal(t, slip.TrackCompleted, wjj.Status)
	assert.Equal(t, slip.LevelUrge, wjj.EscalationLevel)
	assert.Equal(t, "已完成（逾期）", wjj.Report.Achieved)

	// wjj's own clock, from its reassignment at noon on 09-22 to its
	// deadline 09-24 (中秋 09-25..27 off): 未签收 on the next working day,
	// 到期 one working day before and on the day, 催办 one working day after.
	var wjjClock []fired
	for _, e := range events {
		if e.Type.System() && e.Payload["department"] == "wjj" {
			wjjClock = append(wjjClock, fired{e.Type, e.At.In(calendar.Zone).Format("2006-01-02 15:04")})
		}
	}
	assert.Equal(t, []fired{
		{slip.EventAckReminder, "2026-09-23 09:00"},
		{slip.EventDueReminder, "2026-09-23 09:00"},
		{slip.EventDueReminder, "2026-09-24 09:00"},
		{slip.EventUrge, "2026-09-28 09:00"},
	}, wjjClock)
	for i, e := range events {
		require.Equal(t, int64(i+1), e.Seq, "timeline without gaps")
	}

	stats, err := h.store.TrackStats(context.Background(), "", "", "2026-09-29", nil)
	require.NoError(t, err)
	byUnit := map[string]int64{}
	for _, s := range stats {
		byUnit[s.Department+"/"+s.Role+"/overdue"] = s.Overdue
		byUnit[s.Department+"/"+s.Role+"/on_time"] = s.OnTime
		byUnit[s.Department+"/"+s.Role+"/refusals"] = s.Refusals
	}
	assert.Equal(t, int64(1), byUnit["wjj/co/overdue"], "wjj completed after its deadline")
	assert.Equal(t, int64(1), byUnit["fgw/co/on_time"])
	assert.Equal(t, int64(1), byUnit["jtj/co/refusals"])
	assert.Equal(t, int64(1), byUnit["zjj/lead/on_time"])
}
