package store_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/meeting"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
)

// TestMeetingsProblemsAndImports stores a meeting, slips issued at it
// (measures of two problems among them), counts them, accepts a problem
// only once its measures are closed, and keeps an import's progress — on
// both databases.
func TestMeetingsProblemsAndImports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		seedDepartments(t, st, "zjj", "fgw")
		at := time.Date(2026, 3, 2, 9, 0, 0, 0, calendar.Zone)
		m, err := st.CreateMeeting(ctx, meeting.Meeting{ID: "m1", Kind: meeting.KindNewYear, Title: "新春第一会",
			Date: calendar.MustParseDate("2026-03-02"), Chair: "市长", Attendees: []string{"王副市长"}, CreatedBy: "督查室", CreatedAt: at})
		require.NoError(t, err)
		got, err := st.GetMeeting(ctx, "m1")
		require.NoError(t, err)
		require.Equal(t, m.Date, got.Date)
		require.Equal(t, []string{"王副市长"}, got.Attendees)
		_, err = st.GetMeeting(ctx, "nope")
		require.Equal(t, slip.KindNotFound, slip.AsError(err).Kind)

		require.NoError(t, st.AddProblems(ctx, []store.Problem{{ID: "p1", MeetingID: "m1", Title: "审批慢", Position: 1}, {ID: "p2", MeetingID: "m1", Title: "融资难", Position: 2}}))
		require.NoError(t, st.AddProblems(ctx, []store.Problem{{ID: "p1", MeetingID: "m1", Title: "审批慢", Position: 1}}), "a problem added again is no error")

		var slips []slip.Slip
		for i, spec := range []struct{ id, lead, problem string }{{"s1", "zjj", "p1"}, {"s2", "fgw", "p1"}, {"s3", "zjj", "p2"}, {"s4", "fgw", ""}} {
			sl := newSlip(spec.id, at.Add(time.Duration(i)*time.Minute), spec.lead)
			sl.Draft.MeetingID, sl.Draft.ProblemID = "m1", spec.problem
			_, err := st.RecordIssued(ctx, sl)
			require.NoError(t, err)
			slips = append(slips, sl)
		}
		other := newSlip("s5", at, "zjj")
		_, err = st.RecordIssued(ctx, other)
		require.NoError(t, err)

		back, err := st.GetSlip(ctx, "s1")
		require.NoError(t, err)
		require.Equal(t, "m1", back.Draft.MeetingID)
		require.Equal(t, "p1", back.Draft.ProblemID)
		page, err := st.ListSlips(ctx, store.Filter{Meeting: "m1"})
		require.NoError(t, err)
		require.EqualValues(t, 4, page.Total)
		page, err = st.ListSlips(ctx, store.Filter{Problem: "p1"})
		require.NoError(t, err)
		require.EqualValues(t, 2, page.Total)

		// p1's measures: close s1, cancel nothing; s2 still open.
		close := func(sl *slip.Slip) {
			for _, a := range []slip.Command{{Action: slip.ActionAcknowledge, Actor: "x"}, {Action: slip.ActionResolve, Actor: "x", Summary: "完成", Evidence: []string{"e"}},
				{Action: slip.ActionPassReview, Actor: "x"}, {Action: slip.ActionSignOff, Actor: "x"}} {
				apply(t, st, sl, a, at.Add(time.Hour))
			}
		}
		close(&slips[0])
		_, err = st.AcceptProblem(ctx, "p1", "督查室", at)
		require.Equal(t, "measures_open", slip.AsError(err).Code)
		close(&slips[1])
		p, err := st.AcceptProblem(ctx, "p1", "督查室", at)
		require.NoError(t, err)
		require.Equal(t, meeting.ProblemClosed, p.Status())
		_, err = st.AcceptProblem(ctx, "p1", "督查室", at)
		require.Equal(t, "problem_closed", slip.AsError(err).Code)

		c, err := st.CountSlips(ctx, store.SlipSet{Meeting: "m1", Today: "2026-03-02", YellowBy: "2026-03-05"})
		require.NoError(t, err)
		require.Equal(t, meeting.Counts{Assigned: 4, Closed: 2, Open: 2, Green: 2}, c)
		require.InDelta(t, 50.0, *c.ClosureRate(), 0)
		list, err := st.ListMeetings(ctx, 10)
		require.NoError(t, err)
		require.Len(t, list, 1)
		require.Equal(t, int64(4), list[0].Counts.Assigned)
		problems, err := st.ListProblems(ctx, "m1")
		require.NoError(t, err)
		require.Len(t, problems, 2)
		require.Equal(t, int64(2), problems[0].Measures.Closed)
		require.Equal(t, meeting.ProblemOpen, problems[1].Status())

		existing, err := st.ExistingSlips(ctx, []string{"s1", "s9"})
		require.NoError(t, err)
		require.Len(t, existing, 1)
		open, err := st.OpenSlipsLike(ctx, []string{"整治s3", "整治s1"}, []string{"zjj", "fgw"})
		require.NoError(t, err)
		require.Contains(t, open["整治s3"], "zjj")
		require.NotContains(t, open, "整治s1", "a closed slip is no duplicate")

		// Aliases and an import's life.
		require.Equal(t, slip.CodeUnknownDepartment, slip.AsError(st.SetDepartmentAlias(ctx, "住建委", "nope")).Code)
		require.NoError(t, st.SetDepartmentAlias(ctx, "住建委", "zjj"))
		require.NoError(t, st.SetDepartmentAlias(ctx, "住建委", "fgw"))
		aliases, err := st.ListDepartmentAliases(ctx)
		require.NoError(t, err)
		require.Equal(t, []store.DepartmentAlias{{Alias: "住建委", DepartmentCode: "fgw"}}, aliases)

		require.NoError(t, st.CreateImport(ctx, store.SheetImport{ID: "i1", MeetingID: "m1", FileName: "a.xlsx", FileSHA256: "ab", Rows: json.RawMessage(`{"rows":[]}`), Total: 3, CreatedBy: "督查室"}))
		require.NoError(t, st.StartIssuingImport(ctx, "i1", json.RawMessage(`{"rows":[1]}`), 3))
		require.NoError(t, st.AddImportProgress(ctx, "i1", 2))
		im, err := st.GetImport(ctx, "i1")
		require.NoError(t, err)
		require.Equal(t, store.ImportIssuing, im.Status)
		require.Equal(t, 2, im.Done)
		require.NoError(t, st.FinishImport(ctx, "i1", json.RawMessage(`{"issued":3}`)))
		im, err = st.GetImport(ctx, "i1")
		require.NoError(t, err)
		require.Equal(t, store.ImportDone, im.Status)
		require.JSONEq(t, `{"issued":3}`, string(im.Results))
	})
}
