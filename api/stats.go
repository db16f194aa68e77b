package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/stats"
)

type closureRowJSON struct {
	Key       string `json:"key"`
	Label     string `json:"label,omitempty"`
	Assigned  int64  `json:"assigned"`
	Closed    int64  `json:"closed"`
	Cancelled int64  `json:"cancelled"`
	Open      int64  `json:"open"`
	// The open slips by status: issued (待签收), in_progress (办理中),
	// pending_review (待复核), pending_signoff (待销号).
	Issued         int64    `json:"issued"`
	InProgress     int64    `json:"in_progress"`
	PendingReview  int64    `json:"pending_review"`
	PendingSignoff int64    `json:"pending_signoff"`
	OverdueOpen    int64    `json:"overdue_open"`
	ClosedOnTime   int64    `json:"closed_on_time"`
	Extensions     int64    `json:"extensions"`
	Red            int64    `json:"red"`
	Yellow         int64    `json:"yellow"`
	Green          int64    `json:"green"`
	Acknowledged   int64    `json:"acknowledged"`
	AckTimely      *float64 `json:"ack_timely_rate"`
	Reviewed       int64    `json:"reviewed"`
	SentBack       int64    `json:"sent_back"`
	ReworkRate     *float64 `json:"rework_rate"`
	ClosureRate    *float64 `json:"closure_rate"`
	OnTimeRate     *float64 `json:"on_time_rate"`
	// AvgWorkingDaysToClose is the mean working days from issue to 销号.
	AvgWorkingDaysToClose *float64 `json:"avg_working_days_to_close"`
}

func toClosureRowJSON(r stats.Row) closureRowJSON {
	return closureRowJSON{Key: r.Key, Label: r.Label, Assigned: r.Assigned, Closed: r.Closed,
		Cancelled: r.Cancelled, Open: r.Open, Issued: r.Issued, InProgress: r.InProgress,
		PendingReview: r.PendingReview, PendingSignoff: r.PendingSignoff, OverdueOpen: r.OverdueOpen, ClosedOnTime: r.ClosedOnTime,
		Extensions: r.Extensions, Red: r.Red, Yellow: r.Yellow, Green: r.Green,
		Acknowledged: r.Acknowledged, AckTimely: r.AckTimelyRate(), Reviewed: r.Reviewed, SentBack: r.SentBack, ReworkRate: r.ReworkRate(),
		ClosureRate: r.ClosureRate(), OnTimeRate: r.OnTimeRate(), AvgWorkingDaysToClose: r.AvgWorkingDaysToClose()}
}

// closureStats: GET /api/v1/stats/closure?group_by=&from=&to=&lead=.
func (s *Server) closureStats(c *gin.Context) {
	q, ok := s.statsQuery(c, "group_by")
	if !ok {
		return
	}
	q.GroupBy = stats.GroupBy(c.DefaultQuery("group_by", string(stats.GroupByDepartment)))
	if !q.GroupBy.Valid() || q.GroupBy == stats.GroupByAll {
		s.fail(c, slip.Invalid("group_by", "分组方式只能是 department、batch、category、month 或 leader"))
		return
	}
	rows, err := s.store.ClosureStats(c.Request.Context(), q)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := make([]closureRowJSON, 0, len(rows))
	for _, r := range rows {
		out = append(out, toClosureRowJSON(r))
	}
	c.JSON(http.StatusOK, gin.H{"group_by": q.GroupBy, "from": q.From, "to": q.To, "lead": q.Lead, "as_of": q.Today, "items": out})
}

// statsSummary: GET /api/v1/stats/summary?from=&to=&lead= — the dashboard's
// headline figures over everything the caller may see, as one row.
func (s *Server) statsSummary(c *gin.Context) {
	q, ok := s.statsQuery(c)
	if !ok {
		return
	}
	q.GroupBy = stats.GroupByAll
	rows, err := s.store.ClosureStats(c.Request.Context(), q)
	if err != nil {
		s.fail(c, err)
		return
	}
	summary := closureRowJSON{Key: "all"}
	if len(rows) == 1 {
		summary = toClosureRowJSON(rows[0])
	}
	c.JSON(http.StatusOK, gin.H{"from": q.From, "to": q.To, "lead": q.Lead, "as_of": q.Today, "summary": summary})
}

// statsQuery reads the period and lead-department filters shared by the
// statistics endpoints; on bad input it has answered and returns false.
func (s *Server) statsQuery(c *gin.Context, extra ...string) (stats.Query, bool) {
	if err := allowQuery(c, append([]string{"from", "to", "lead"}, extra...)...); err != nil {
		s.fail(c, err)
		return stats.Query{}, false
	}
	now, err := s.clock(c)
	if err != nil {
		s.fail(c, err)
		return stats.Query{}, false
	}
	dept, units := visibility(c)
	q := stats.Query{From: c.Query("from"), To: c.Query("to"), Lead: strings.TrimSpace(c.Query("lead")),
		Today: now.today.String(), YellowBy: now.yellowBy.String(), VisibleTo: dept, VisibleUnits: units}
	if err := checkDateRange("from", q.From, "to", q.To); err != nil {
		s.fail(c, err)
		return stats.Query{}, false
	}
	return q, true
}
