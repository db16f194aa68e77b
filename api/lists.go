package api

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/indicator"
	"github.com/duban-gov/duban/lists"
	"github.com/duban-gov/duban/ranking"
	"github.com/duban-gov/duban/slip"
)

// slipScores is the slip component of the lists: the 晾晒榜's composite.
func (s *Server) slipScores() lists.SlipScores {
	return ranking.SlipScores(s.store, s.rankingWeights, s.now)
}

// listLists: GET /api/v1/lists — every list definition (published to all).
func (s *Server) listLists(c *gin.Context) {
	if err := allowQuery(c); err != nil {
		s.fail(c, err)
		return
	}
	ls, err := s.store.Lists(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": ls})
}

// putList: POST /api/v1/lists (office) — defines a list or replaces its
// definition: 422 weights_sum (with the sum) when the weights do not sum
// to 100, member_in_two_groups for a member listed twice, unknown_indicator
// for an indicator that does not exist.
func (s *Server) putList(c *gin.Context) {
	var l lists.List
	if err := decodeJSON(c, &l, false); err != nil {
		s.fail(c, err)
		return
	}
	if err := l.Validate(); err != nil {
		s.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	for i, comp := range l.Components {
		if comp.Kind != lists.FromIndicator {
			continue
		}
		if _, err := s.store.Indicator(ctx, comp.Indicator); err != nil {
			if de := slip.AsError(err); de != nil && de.Kind == slip.KindNotFound {
				s.fail(c, slip.Unprocessable(lists.CodeUnknownIndicator, fmt.Sprintf("components[%d]", i), "指标 %s 不存在", comp.Indicator))
				return
			}
			s.fail(c, err)
			return
		}
	}
	if l.MemberKind == lists.Departments {
		codes := make([]string, len(l.Members))
		for i, m := range l.Members {
			codes[i] = m.Code
		}
		missing, err := s.store.MissingDepartments(ctx, codes)
		if err != nil {
			s.fail(c, err)
			return
		}
		if len(missing) > 0 {
			s.fail(c, slip.Unprocessable(slip.CodeUnknownDepartment, "members", "单位 %s 不存在", strings.Join(missing, "、")))
			return
		}
	}
	if err := s.store.PutList(ctx, l, s.now()); err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, l)
}

// listMonth reads the :month of a list route (400 if malformed).
func listMonth(c *gin.Context) (string, error) {
	m := c.Param("month")
	_, err := indicator.ParseMonth(m)
	return m, err
}

// getList: GET /api/v1/lists/:code/:month — the month's standing: the
// published snapshot, or computed live until it is published.
func (s *Server) getList(c *gin.Context) {
	if err := allowQuery(c); err != nil {
		s.fail(c, err)
		return
	}
	month, err := listMonth(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	p, err := lists.Get(c.Request.Context(), s.store, s.slipScores(), c.Param("code"), month)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

type listAdjustmentRequest struct {
	Member string   `json:"member_code"`
	Points *float64 `json:"points"`
	Reason string   `json:"reason"`
}

// addListAdjustment: POST /api/v1/lists/:code/:month/adjustments (office)
// {member_code, points, reason} — 加分 or 扣分 before publication.
func (s *Server) addListAdjustment(c *gin.Context) {
	var req listAdjustmentRequest
	if err := decodeJSON(c, &req, false); err != nil {
		s.fail(c, err)
		return
	}
	month, err := listMonth(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if _, err := ranking.PeriodOf(month, calendar.DateOf(s.now())); err != nil {
		s.fail(c, err)
		return
	}
	req.Reason = strings.TrimSpace(req.Reason)
	switch {
	case req.Points == nil || *req.Points == 0:
		s.fail(c, slip.Invalid("points", "请填写加分（正数）或扣分（负数），不能为 0"))
		return
	case math.Abs(*req.Points) > maxAdjustmentPoints || math.Abs(math.Round(*req.Points*100)-*req.Points*100) > 1e-6:
		s.fail(c, slip.Invalid("points", "分值须在 -%d 到 %d 之间，最多两位小数", maxAdjustmentPoints, maxAdjustmentPoints))
		return
	case req.Reason == "":
		s.fail(c, slip.Invalid("reason", "请写明加分或扣分的理由"))
		return
	case utf8.RuneCountInString(req.Reason) > maxAdjustmentReason:
		s.fail(c, slip.Invalid("reason", "理由不能超过 %d 字", maxAdjustmentReason))
		return
	}
	a, err := s.store.AddListAdjustment(c.Request.Context(), lists.Adjustment{List: c.Param("code"), Month: month,
		Member: strings.TrimSpace(req.Member), Points: *req.Points, Reason: req.Reason, CreatedBy: principal(c).Name}, s.now())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, a)
}

// publishList: POST /api/v1/lists/:code/:month/publish (office) — freezes
// an ended month's list; 201 when this call published, 200 when it was
// published before. Once a month has a published list its values are
// frozen.
func (s *Server) publishList(c *gin.Context) {
	if err := decodeJSON(c, &struct{}{}, true); err != nil {
		s.fail(c, err)
		return
	}
	month, err := listMonth(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	published, err := lists.Publish(ctx, s.store, s.slipScores(), c.Param("code"), month, principal(c).Name, s.now())
	if err != nil {
		s.fail(c, err)
		return
	}
	p, err := lists.Get(ctx, s.store, s.slipScores(), c.Param("code"), month)
	if err != nil {
		s.fail(c, err)
		return
	}
	status := http.StatusOK
	if published {
		status = http.StatusCreated
	}
	c.JSON(status, p)
}

// exportList: GET /api/v1/lists/:code/:month/export — the month's list as
// an XLSX workbook in the published layout.
func (s *Server) exportList(c *gin.Context) {
	if err := allowQuery(c); err != nil {
		s.fail(c, err)
		return
	}
	month, err := listMonth(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	p, err := lists.Get(c.Request.Context(), s.store, s.slipScores(), c.Param("code"), month)
	if err != nil {
		s.fail(c, err)
		return
	}
	name := fmt.Sprintf("%s-%s.xlsx", p.Name, month)
	c.Header("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Header("Content-Disposition", "attachment; filename=\"list-"+month+".xlsx\"; filename*=UTF-8''"+url.PathEscape(name))
	if err := lists.WriteXLSX(c.Writer, p); err != nil {
		s.log.ErrorContext(c.Request.Context(), "list export failed", "error", err, "request_id", requestID(c))
	}
}

// indicatorRoutes mounts the indicator, reporting window, list and scoring
// sheet endpoints on a (authenticated).
func (s *Server) indicatorRoutes(a *gin.RouterGroup) {
	read := a.Group("", s.requireRole(slip.RoleOffice, slip.RoleLeader, slip.RoleDepartment))
	read.GET("/indicators", s.listIndicators)
	read.GET("/indicators/board", s.indicatorBoard)
	read.GET("/indicators/:code/values", s.valueHistory)
	read.POST("/indicators/:code/values", s.reportValue)
	read.GET("/reporting/:month", s.getWindow)
	read.GET("/lists", s.listLists)
	read.GET("/lists/:code/:month", s.getList)
	read.GET("/lists/:code/:month/export", s.exportList)
	read.GET("/sheets/:group/:month", s.getSheet)

	office := a.Group("", s.requireRole(slip.RoleOffice))
	office.POST("/indicators", s.putIndicator)
	office.PUT("/indicators/:code/targets", s.setTarget)
	office.POST("/indicators/import", s.importValues)
	office.POST("/reporting/:month/open", s.openWindow)
	office.POST("/reporting/:month/close", s.closeWindow)
	office.POST("/reporting/:month/reopen", s.reopenWindow)
	office.POST("/lists", s.putList)
	office.POST("/lists/:code/:month/adjustments", s.addListAdjustment)
	office.POST("/lists/:code/:month/publish", s.publishList)
	office.PUT("/sheets/:group/:month", s.putSheet)
	office.POST("/sheets/:group/:month/scores", s.setScores)
}
