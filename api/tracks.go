package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/reminder"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/stats"
)

// trackJSON is one unit's part as the API shows it.
type trackJSON struct {
	Department      string           `json:"department"`
	Role            slip.TrackRole   `json:"role"`
	RoleLabel       string           `json:"role_label"`
	Status          slip.TrackStatus `json:"status"`
	StatusLabel     string           `json:"status_label"`
	Deadline        calendar.Date    `json:"deadline"` // in force: its own, else the slip's
	OwnDeadline     calendar.Date    `json:"own_deadline,omitzero"`
	Overdue         bool             `json:"overdue"`
	Colour          reminder.Colour  `json:"color"`
	ColourLabel     string           `json:"color_label,omitempty"`
	AssignedAt      time.Time        `json:"assigned_at"`
	RefuseBy        calendar.Date    `json:"refuse_by,omitzero"`
	AcknowledgedAt  *time.Time       `json:"acknowledged_at"`
	CompletedAt     *time.Time       `json:"completed_at"`
	Report          *slip.Report     `json:"report"`
	Refusal         *slip.Refusal    `json:"refusal"`
	Refusals        int              `json:"refusals"`
	Waiver          string           `json:"waiver,omitempty"`
	ReplacedBy      string           `json:"replaced_by,omitempty"`
	Presses         int              `json:"presses"`
	EscalationLevel int              `json:"escalation_level"`
	AckReminded     bool             `json:"ack_reminded"`
	// AllowedActions are the office's actions on this part that the caller
	// may take now (催办, 豁免, 改派, 驳回退回).
	AllowedActions []slip.Action `json:"allowed_actions"`
}

func toTracksJSON(sl slip.Slip, now clock) []trackJSON {
	out := make([]trackJSON, 0, len(sl.Tracks))
	for _, t := range sl.Tracks {
		deadline := sl.TrackDeadline(t)
		open := t.Status.Open() && sl.Status.Open()
		colour := reminder.None
		if open {
			colour = reminder.TrackColour(sl, t, now.today, now.yellowBy) // the rule a unit's ledger filters by
		}
		allowed := []slip.Action{}
		if t.Status != slip.TrackReplaced {
			for _, a := range slip.OfficeTrackActions {
				if now.caller.MayAct(sl, a) == nil && sl.TrackAllows(t, a) {
					allowed = append(allowed, a)
				}
			}
		}
		out = append(out, trackJSON{
			Department: t.Department, Role: t.Role, RoleLabel: t.Role.Label(), Status: t.Status, StatusLabel: t.Status.Label(),
			Deadline: deadline, OwnDeadline: t.Deadline, Overdue: open && deadline.Before(now.today), Colour: colour, ColourLabel: colour.Label(),
			AssignedAt: t.AssignedAt, RefuseBy: t.RefuseBy, AcknowledgedAt: t.AcknowledgedAt, CompletedAt: t.CompletedAt,
			Report: t.Report, Refusal: t.Refusal, Refusals: t.Refusals, Waiver: t.Waiver, ReplacedBy: t.ReplacedBy,
			Presses: t.Presses, EscalationLevel: t.EscalationLevel, AckReminded: t.AckReminded, AllowedActions: allowed,
		})
	}
	return out
}

func nonNil(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}

// Track action request bodies.
type (
	completionRequest struct {
		Summary  string         `json:"summary"`
		Problems string         `json:"problems"`
		Measures []slip.Measure `json:"measures"`
		Figures  []slip.Figure  `json:"figures"`
	}
	refusalRequest struct {
		Reason string `json:"reason"`
	}
	declineRequest struct {
		Department string `json:"department"`
		Comment    string `json:"comment"`
	}
	reassignRequest struct {
		Department    string        `json:"department"`
		NewDepartment string        `json:"new_department"`
		Deadline      calendar.Date `json:"deadline"`
		Comment       string        `json:"comment"`
	}
	waiverRequest struct {
		Department string `json:"department"`
		Reason     string `json:"reason"`
	}
	pressRequest struct {
		Department string `json:"department"`
		Comment    string `json:"comment"`
	}
)

// coAcknowledge: POST /slips/{id}/co-acknowledge — a co-unit signs for its part.
func (s *Server) coAcknowledge(c *gin.Context) {
	act(s, c, true, func(r commentRequest) (slip.Command, error) {
		return slip.Command{Action: slip.ActionCoAcknowledge, Comment: r.Comment}, nil
	})
}

// completePart: POST /slips/{id}/completion — 协办完成 with its report.
func (s *Server) completePart(c *gin.Context) {
	act(s, c, false, func(r completionRequest) (slip.Command, error) {
		return slip.Command{Action: slip.ActionCompletePart, Summary: r.Summary,
			TrackFields: slip.TrackFields{Problems: r.Problems, Measures: r.Measures, Figures: r.Figures}}, nil
	})
}

// refuse: POST /slips/{id}/refusal — a unit sends its part back (退回).
func (s *Server) refuse(c *gin.Context) {
	act(s, c, false, func(r refusalRequest) (slip.Command, error) {
		return slip.Command{Action: slip.ActionRefuse, Reason: r.Reason}, nil
	})
}

// declineRefusal: POST /slips/{id}/refusal/decline — the office keeps the
// unit on its part.
func (s *Server) declineRefusal(c *gin.Context) {
	act(s, c, false, func(r declineRequest) (slip.Command, error) {
		return slip.Command{Action: slip.ActionDeclineRefusal, Comment: r.Comment, TrackFields: slip.TrackFields{Department: r.Department}}, nil
	})
}

// reassign: POST /slips/{id}/reassignment — 改派 one unit's part.
func (s *Server) reassign(c *gin.Context) {
	act(s, c, false, func(r reassignRequest) (slip.Command, error) {
		return slip.Command{Action: slip.ActionReassign, Deadline: r.Deadline, Comment: r.Comment,
			TrackFields: slip.TrackFields{Department: r.Department, NewDepartment: r.NewDepartment}}, nil
	})
}

// waive: POST /slips/{id}/waiver — the office waives a co-unit's part.
func (s *Server) waive(c *gin.Context) {
	act(s, c, false, func(r waiverRequest) (slip.Command, error) {
		return slip.Command{Action: slip.ActionWaive, Reason: r.Reason, TrackFields: slip.TrackFields{Department: r.Department}}, nil
	})
}

// press: POST /slips/{id}/press — 人工催办 of a unit (empty: the lead).
func (s *Server) press(c *gin.Context) {
	act(s, c, true, func(r pressRequest) (slip.Command, error) {
		return slip.Command{Action: slip.ActionPress, Comment: r.Comment, TrackFields: slip.TrackFields{Department: r.Department}}, nil
	})
}

// refusals: GET /api/v1/refusals — the office's 退回 queue: open slips with
// a part refused and waiting for 改派 or 驳回, oldest first.
func (s *Server) refusals(c *gin.Context) {
	if principal(c).Role != slip.RoleOffice {
		s.fail(c, slip.Forbidden("只有督查室处理退回申请"))
		return
	}
	if err := allowQuery(c); err != nil {
		s.fail(c, err)
		return
	}
	now, err := s.clock(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	ids, err := s.store.RefusedSlipIDs(c.Request.Context(), 500)
	if err != nil {
		s.fail(c, err)
		return
	}
	items := make([]slipJSON, 0, len(ids))
	for _, id := range ids {
		sl, err := s.store.GetSlip(c.Request.Context(), id)
		if err != nil {
			s.fail(c, err)
			return
		}
		if !principal(c).CanSee(sl) {
			continue // a scoped office's queue is its subtree's
		}
		items = append(items, toSlipJSON(sl, now))
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

// trackRowJSON is one unit's counts in one part with their rates.
type trackRowJSON struct {
	stats.TrackRow
	RoleLabel   string   `json:"role_label"`
	OnTimeRate  *float64 `json:"on_time_rate"`
	OverdueRate *float64 `json:"overdue_rate"`
	RefusalRate *float64 `json:"refusal_rate"`
}

// trackStats: GET /api/v1/stats/tracks?from=&to= — per unit and role
// (主办/协办): parts given, finished on time, overdue, 回退, 人工催办. A
// department sees its own rows only.
func (s *Server) trackStats(c *gin.Context) {
	q, ok := s.statsQuery(c)
	if !ok {
		return
	}
	visible := q.VisibleUnits
	if q.VisibleTo != "" {
		visible = []string{q.VisibleTo}
	}
	rows, err := s.store.TrackStats(c.Request.Context(), q.From, q.To, q.Today, visible)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := make([]trackRowJSON, 0, len(rows))
	for _, r := range rows {
		if q.Lead != "" && r.Department != q.Lead {
			continue
		}
		out = append(out, trackRowJSON{TrackRow: r, RoleLabel: slip.TrackRole(r.Role).Label(),
			OnTimeRate: r.OnTimeRate(), OverdueRate: r.OverdueRate(), RefusalRate: r.RefusalRate()})
	}
	c.JSON(http.StatusOK, gin.H{"from": q.From, "to": q.To, "as_of": q.Today, "items": out})
}
