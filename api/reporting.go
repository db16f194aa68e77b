package api

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/slip"
)

// getWindow: GET /api/v1/reporting/:month — the month's reporting window.
func (s *Server) getWindow(c *gin.Context) {
	month, err := listMonth(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	w, err := s.store.Window(c.Request.Context(), month)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, w)
}

type openWindowRequest struct {
	ClosesOn string `json:"closes_on"`
}

// openWindow: POST /api/v1/reporting/:month/open (office) {closes_on} —
// opens the window by hand (the schedule normally does).
func (s *Server) openWindow(c *gin.Context) {
	var req openWindowRequest
	if err := decodeJSON(c, &req, false); err != nil {
		s.fail(c, err)
		return
	}
	month, err := listMonth(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if _, err := calendar.ParseDate(req.ClosesOn); err != nil {
		s.fail(c, slip.Invalid("closes_on", "截止日期格式应为 YYYY-MM-DD"))
		return
	}
	w, err := s.store.OpenWindow(c.Request.Context(), month, req.ClosesOn, s.now())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, w)
}

// closeWindow: POST /api/v1/reporting/:month/close (office).
func (s *Server) closeWindow(c *gin.Context) {
	if err := decodeJSON(c, &struct{}{}, true); err != nil {
		s.fail(c, err)
		return
	}
	month, err := listMonth(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	w, err := s.store.CloseWindow(c.Request.Context(), month, s.now())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, w)
}

type reopenRequest struct {
	Reason string `json:"reason"`
}

// reopenWindow: POST /api/v1/reporting/:month/reopen (office) {reason} —
// lets units report a closed month late; who, when and why are recorded,
// and values reported then are marked late. A published month stays
// frozen (409).
func (s *Server) reopenWindow(c *gin.Context) {
	var req reopenRequest
	if err := decodeJSON(c, &req, false); err != nil {
		s.fail(c, err)
		return
	}
	month, err := listMonth(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	req.Reason = strings.TrimSpace(req.Reason)
	if req.Reason == "" || utf8.RuneCountInString(req.Reason) > 500 {
		s.fail(c, slip.Invalid("reason", "请写明重新开放的理由（不超过 500 字）"))
		return
	}
	w, err := s.store.ReopenWindow(c.Request.Context(), month, principal(c).Name, req.Reason, s.now())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, w)
}
