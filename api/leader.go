package api

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/org"
	"github.com/duban-gov/duban/project"
	"github.com/duban-gov/duban/reminder"
	"github.com/duban-gov/duban/service"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
)

// leaderParam reads the ledger's leader= filter: a leader's user id, or
// "me" for the calling leader; 0 when absent.
func leaderParam(c *gin.Context) (int64, error) {
	v := strings.TrimSpace(c.Query("leader"))
	switch {
	case v == "":
		return 0, nil
	case v == "me":
		if u := principal(c); u.Role == slip.RoleLeader {
			return u.ID, nil
		}
		return 0, slip.Invalid("leader", "leader=me 只适用于领导本人")
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 1 {
		return 0, slip.Invalid("leader", "leader 须为领导的用户编号或 me")
	}
	return id, nil
}

// MaxLeaderItems bounds the slips 我的事项 lists: its open ones, which a
// leader has tens or hundreds of; past it the ledger's leader=me pages on.
const MaxLeaderItems = 500

// leaderItems: GET /api/v1/leader/items (leader) — 我的事项: the open slips
// whose 责任领导 the caller is, red (overdue) first, then yellow, then
// green, each by its worst deadline; and the 专班 whose 分管领导 they are.
// A scoped leader sees only their subtree's slips, as in the ledger.
//
// And the projects not yet 销号 whose responsible leader they are, red
// first, then yellow, then green, each by its end date.
func (s *Server) leaderItems(c *gin.Context) {
	if err := allowQuery(c); err != nil {
		s.fail(c, err)
		return
	}
	now, err := s.clock(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	u := principal(c)
	dept, units := visibility(c)
	f := store.Filter{VisibleTo: dept, VisibleUnits: units, LeaderID: u.ID, Statuses: slip.OpenStatuses(),
		Sort: store.SortDue, PageSize: store.MaxPageSize, Today: now.today.String(), YellowBy: now.yellowBy.String()}
	var all []slip.Slip
	truncated := false
	for {
		page, err := s.store.ListSlips(c.Request.Context(), f)
		if err != nil {
			s.fail(c, err)
			return
		}
		all = append(all, page.Items...)
		if page.NextCursor == "" {
			break
		}
		if len(all) >= MaxLeaderItems {
			truncated = true
			break
		}
		f.Cursor = page.NextCursor
	}
	slices.SortStableFunc(all, func(a, b slip.Slip) int {
		ca, cb := reminder.ColourOf(a, now.today, now.yellowBy), reminder.ColourOf(b, now.today, now.yellowBy)
		return cmp.Or(cmp.Compare(cb.Severity(), ca.Severity()), a.WorstDeadline().Compare(b.WorstDeadline()), cmp.Compare(a.ID, b.ID))
	})
	items := make([]slipJSON, 0, len(all))
	counts := map[string]int{"red": 0, "yellow": 0, "green": 0}
	for _, sl := range all {
		j := toSlipJSON(sl, now)
		counts[string(j.Colour)]++
		items = append(items, j)
	}
	teams, err := s.store.ListTaskforces(c.Request.Context(), u.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	teams = slices.DeleteFunc(teams, func(t org.Taskforce) bool { return !u.SeesUnit(t.Code) })
	projects, err := s.leaderProjects(c, u)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"leader": gin.H{"id": u.ID, "name": u.Name}, "as_of": now.today.String(),
		"slips": items, "counts": counts, "truncated": truncated, "taskforces": teams, "projects": projects})
}

// leaderProjects are the open projects whose responsible leader u is, as
// far as u may see them, red first.
func (s *Server) leaderProjects(c *gin.Context, u identity.User) ([]projectJSON, error) {
	out := []projectJSON{}
	f, ok := service.Scope(u, store.ProjectFilter{LeaderID: u.ID})
	if !ok {
		return out, nil
	}
	ps, err := s.store.ListProjects(c.Request.Context(), s.projects.Colours(f))
	if err != nil {
		return nil, err
	}
	v, err := s.projectView(c)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if p.Status != project.StatusSignedOff {
			out = append(out, v.json(p))
		}
	}
	slices.SortStableFunc(out, func(a, b projectJSON) int {
		return cmp.Compare(reminder.Colour(b.Color).Severity(), reminder.Colour(a.Color).Severity())
	})
	return out, nil
}

// listLeaders: GET /api/v1/leaders — the enabled leaders (id and name), for
// the 责任领导 and 分管领导 pickers.
func (s *Server) listLeaders(c *gin.Context) {
	leaders, err := s.store.Leaders(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	items := make([]gin.H, 0, len(leaders))
	for _, l := range leaders {
		items = append(items, gin.H{"id": l.ID, "name": l.Name})
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

// mapLeaders: POST /api/v1/leaders/map (admin) — links slips whose 责任领导
// is free text to the leader user of that exact name, and lists the texts
// still unmatched (create those leaders, or leave them as text).
func (s *Server) mapLeaders(c *gin.Context) {
	if err := decodeJSON(c, &struct{}{}, true); err != nil {
		s.fail(c, err)
		return
	}
	mapped, unmatched, err := s.store.MapLeaders(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"mapped": mapped, "unmatched": unmatched})
}
