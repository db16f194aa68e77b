package api

import (
	"math"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/ranking"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/stats"
)

// Limits of a manual ranking adjustment.
const (
	maxAdjustmentPoints = 100
	maxAdjustmentReason = 500
)

// getRanking: GET /api/v1/rankings?month=YYYY-MM (default: this month). A
// published month comes from its frozen snapshot; any other is computed live.
// Rankings are published to every unit (晾晒), so departments see them whole.
func (s *Server) getRanking(c *gin.Context) {
	if err := allowQuery(c, "month"); err != nil {
		s.fail(c, err)
		return
	}
	now := s.now()
	month := c.DefaultQuery("month", now.In(calendar.Zone).Format("2006-01"))
	r, err := ranking.Get(c.Request.Context(), s.store, month, now, s.rankingWeights)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, r)
}

type adjustmentRequest struct {
	Month      string   `json:"month"`
	Department string   `json:"department_code"`
	Points     *float64 `json:"points"`
	Reason     string   `json:"reason"`
}

// addRankingAdjustment: POST /api/v1/rankings/adjustments — the office's
// 加分 (points > 0) or 扣分 (points < 0) with a reason, before the month's
// ranking is published.
func (s *Server) addRankingAdjustment(c *gin.Context) {
	var req adjustmentRequest
	if err := decodeJSON(c, &req, false); err != nil {
		s.fail(c, err)
		return
	}
	if _, err := ranking.PeriodOf(req.Month, calendar.DateOf(s.now())); err != nil {
		s.fail(c, err)
		return
	}
	req.Reason = strings.TrimSpace(req.Reason)
	switch {
	case req.Points == nil || *req.Points == 0:
		s.fail(c, slip.Invalid("points", "请填写加分（正数）或扣分（负数），不能为 0"))
		return
	case math.Abs(*req.Points) > maxAdjustmentPoints || math.Round(*req.Points*10) != *req.Points*10:
		s.fail(c, slip.Invalid("points", "分值须在 -%d 到 %d 之间，最多一位小数", maxAdjustmentPoints, maxAdjustmentPoints))
		return
	case req.Reason == "":
		s.fail(c, slip.Invalid("reason", "请写明加分或扣分的理由"))
		return
	case utf8.RuneCountInString(req.Reason) > maxAdjustmentReason:
		s.fail(c, slip.Invalid("reason", "理由不能超过 %d 字", maxAdjustmentReason))
		return
	case strings.TrimSpace(req.Department) == "":
		s.fail(c, slip.Invalid("department_code", "请指定单位"))
		return
	}
	by := principal(c).ID
	a, err := s.store.AddRankingAdjustment(c.Request.Context(), stats.Adjustment{Month: req.Month,
		Department: strings.TrimSpace(req.Department), Points: *req.Points, Reason: req.Reason, CreatedBy: &by, CreatedAt: s.now()})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, a)
}

// publishRanking: POST /api/v1/rankings/:month/publish — freezes an ended
// month's ranking now, if the month-end schedule has not already. 201 when
// this call published, 200 when it was published before.
func (s *Server) publishRanking(c *gin.Context) {
	if err := decodeJSON(c, &struct{}{}, true); err != nil {
		s.fail(c, err)
		return
	}
	month := c.Param("month")
	published, err := ranking.Publish(c.Request.Context(), s.store, month, s.now(), s.rankingWeights)
	if err != nil {
		s.fail(c, err)
		return
	}
	r, err := ranking.Get(c.Request.Context(), s.store, month, s.now(), s.rankingWeights)
	if err != nil {
		s.fail(c, err)
		return
	}
	status := http.StatusOK
	if published {
		status = http.StatusCreated
	}
	c.JSON(status, r)
}
