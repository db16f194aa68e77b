package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/project"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
)

func testProject(id, owner, batch string) project.Project {
	d := calendar.MustParseDate
	p := project.Project{ID: id, Name: "项目" + id, Category: "industry", Batch: batch, OwnerUnit: owner, LeaderID: 3, LeaderName: "王副市长",
		Investment: 123456, EndDate: d("2026-10-16"), Status: project.StatusActive, CreatedAt: time.Date(2026, 9, 1, 2, 0, 0, 0, time.UTC),
		Milestones: []project.Milestone{
			{Key: "lixiang", Name: "立项", OwnerUnit: owner, Planned: d("2026-09-14"), Due: d("2026-09-14"), Status: project.MilestoneOpen},
			{Key: "kaigong", Name: "开工", OwnerUnit: "zjj", Planned: d("2026-09-28"), Due: d("2026-09-28"), Status: project.MilestoneOpen},
		}}
	return p
}

// TestProjectProjection: events land once by (project, seq), the project
// row and its milestones only move forward, and lists, visibility, colours
// and counts read them, on both databases.
func TestProjectProjection(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		p := testProject("p1", "fgw", "第一批")
		ev := p.Created()
		require.NoError(t, st.ProjectProject(ctx, p, ev))
		require.NoError(t, st.ProjectProject(ctx, p, ev), "a repeat is a no-op")

		old := p.Clone()
		rep, err := p.Apply(project.Command{Action: project.ActionReport, Milestone: "lixiang", Actual: calendar.MustParseDate("2026-09-15"),
			Evidence: []string{"批复.pdf"}, Actor: "发改委"}, time.Date(2026, 9, 15, 3, 0, 0, 0, time.UTC))
		require.NoError(t, err)
		require.NoError(t, st.ProjectProject(ctx, p, rep))
		require.NoError(t, st.ProjectProject(ctx, old, ev), "an older state does not regress the row")

		// Another action under the number the ledger holds (the report's,
		// 2) is refused and changes nothing.
		other := old.Clone()
		acc, err := other.Apply(project.Command{Action: project.ActionRequestExtension, Milestone: "lixiang", Date: calendar.MustParseDate("2026-09-20"),
			Comment: "理由"}, time.Date(2026, 9, 10, 3, 0, 0, 0, time.UTC))
		require.NoError(t, err)
		require.Equal(t, int64(2), acc.Seq)
		var conflict *store.ProjectEventConflictError
		require.ErrorAs(t, st.ProjectProject(ctx, other, acc), &conflict)

		got, err := st.GetProject(ctx, "p1")
		require.NoError(t, err)
		assert.Equal(t, project.MilestoneMet, got.Milestones[0].Status)
		assert.Equal(t, int64(2), got.Seq)
		tl, err := st.ProjectTimeline(ctx, "p1")
		require.NoError(t, err)
		require.Len(t, tl, 2)
		assert.Equal(t, project.ActionReport, tl[1].Type)

		q := testProject("p2", "jtj", "第二批")
		require.NoError(t, st.ProjectProject(ctx, q, q.Created()))

		ids := func(f store.ProjectFilter) []string {
			ps, err := st.ListProjects(ctx, f)
			require.NoError(t, err)
			out := []string{}
			for _, p := range ps {
				out = append(out, p.ID)
			}
			return out
		}
		assert.Equal(t, []string{"p1"}, ids(store.ProjectFilter{Units: []string{"fgw"}}))
		assert.Equal(t, []string{"p1", "p2"}, ids(store.ProjectFilter{Units: []string{"zjj"}}), "zjj owns a milestone of each")
		assert.Equal(t, []string{}, ids(store.ProjectFilter{Units: []string{"sfj"}}))
		assert.Equal(t, []string{}, ids(store.ProjectFilter{Units: []string{}}), "a scope of no unit sees nothing")
		assert.Equal(t, []string{"p1"}, ids(store.ProjectFilter{Units: []string{"sfj", "fgw"}}), "a subtree sees what any of its units sees")
		today, yellowBy := calendar.MustParseDate("2026-09-16"), calendar.MustParseDate("2026-09-21")
		// p1's 立项 is met: its worst open milestone is 开工 on 09-28, green;
		// p2's 立项 (09-14) is past: red.
		assert.Equal(t, []string{"p2"}, ids(store.ProjectFilter{Colour: "red", Today: today, YellowBy: yellowBy}))
		assert.Equal(t, []string{"p1"}, ids(store.ProjectFilter{Colour: "green", Today: today, YellowBy: yellowBy}))
		assert.Equal(t, []string{"p2"}, ids(store.ProjectFilter{Batch: "第二批"}))

		counts, err := st.CountProjects(ctx, store.ProjectFilter{Today: today, YellowBy: yellowBy}, "")
		require.NoError(t, err)
		require.Len(t, counts, 1)
		assert.Equal(t, store.ProjectCount{Key: "", Total: 2, Started: 1, Red: 1, Green: 1}, counts[0])
		byOwner, err := st.CountProjects(ctx, store.ProjectFilter{Today: today, YellowBy: yellowBy}, "owner")
		require.NoError(t, err)
		assert.Equal(t, []store.ProjectCount{{Key: "fgw", Total: 1, Started: 1, Green: 1}, {Key: "jtj", Total: 1, Red: 1}}, byOwner)

		ms, err := st.CountMilestones(ctx, store.ProjectFilter{Today: today})
		require.NoError(t, err)
		assert.Equal(t, []store.MilestoneCount{
			{Unit: "fgw", Total: 1, Late: 1},
			{Unit: "jtj", Total: 1, Overdue: 1, Open: 1},
			{Unit: "zjj", Total: 2, Open: 2},
		}, ms)

		c := project.Category{Code: "industry", Name: "产业项目", Nodes: []project.Node{{Key: "a", Name: "立项", OffsetWorkingDays: 3}}}
		require.NoError(t, st.PutProjectCategory(ctx, c, time.Now()))
		gotC, err := st.ProjectCategory(ctx, "industry")
		require.NoError(t, err)
		assert.Equal(t, c, gotC)
		_, err = st.ProjectCategory(ctx, "nope")
		require.Error(t, err)
	})
}
