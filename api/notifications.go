package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/notify"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
)

// inbox is the caller's own inbox: their department's, their own as a
// leader (by name), or the office's. Nobody reads another's inbox.
func inbox(c *gin.Context) (kind, who string, err error) {
	u := principal(c)
	switch u.Role {
	case slip.RoleDepartment:
		return store.RecipientDepartment, u.Department, nil
	case slip.RoleLeader:
		return store.RecipientLeader, u.Name, nil
	case slip.RoleOffice:
		return store.RecipientOffice, "office", nil
	}
	return "", "", slip.Forbidden("%s没有收件箱", u.Role.Label())
}

// scopedInbox is, for a scoped office, the departments whose slips' office
// notifications it reads (its subtree); nil for everyone else, whose inbox
// is their own already.
func scopedInbox(c *gin.Context) []string {
	u := principal(c)
	if u.Role != slip.RoleOffice || u.Scope == "" {
		return nil
	}
	_, units := u.Visible()
	return units
}

// ownDepartment keeps a department user to the department of the path: any
// other department's webhooks are not found.
func (s *Server) ownDepartment(c *gin.Context) {
	u := principal(c)
	if u.Role == slip.RoleDepartment && c.Param("code") != u.Department {
		s.fail(c, slip.NotFound("单位", c.Param("code")))
		return
	}
	c.Next()
}

// listNotifications: GET /api/v1/notifications?recipient_kind=&recipient=&unread=true.
func (s *Server) listNotifications(c *gin.Context) {
	if err := allowQuery(c, "unread", "slip_id", "limit"); err != nil {
		s.fail(c, err)
		return
	}
	kind, who, err := inbox(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	f := store.NotificationFilter{RecipientKind: kind, Recipient: who, SlipID: c.Query("slip_id"), SlipUnits: scopedInbox(c)}
	if f.UnreadOnly, err = trueParam(c, "unread"); err != nil {
		s.fail(c, err)
		return
	}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200 {
			s.fail(c, slip.Invalid("limit", "limit 须为 1 到 200 的整数"))
			return
		}
		f.Limit = n
	}
	items, err := s.store.ListNotifications(c.Request.Context(), f)
	if err != nil {
		s.fail(c, err)
		return
	}
	if items == nil {
		items = []store.Notification{}
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

// markNotificationRead: POST /api/v1/notifications/{id}/read; another
// inbox's notification is not found.
func (s *Server) markNotificationRead(c *gin.Context) {
	if err := allowQuery(c); err != nil {
		s.fail(c, err)
		return
	}
	id, err := strconv.ParseInt(c.Param("nid"), 10, 64)
	if err != nil || id < 1 {
		s.fail(c, slip.NotFound("通知", c.Param("nid")))
		return
	}
	kind, who, err := inbox(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if units := scopedInbox(c); units != nil {
		ok, err := s.store.NotificationOnUnits(c.Request.Context(), id, units)
		if err != nil {
			s.fail(c, err)
			return
		}
		if !ok {
			s.fail(c, slip.NotFound("通知", c.Param("nid")))
			return
		}
	}
	if err := s.store.MarkNotificationRead(c.Request.Context(), id, kind, who, s.now()); err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"id": id, "read": true})
}

type webhookRequest struct {
	Channel string `json:"channel"`
	URL     string `json:"url"`
	Secret  string `json:"secret"`
}

// createWebhook: POST /api/v1/departments/{code}/webhooks {channel, url, secret}.
// A URL whose host is or resolves to an internal address is refused unless
// the administrator's allow-list names it; the sender checks again on every
// connection.
func (s *Server) createWebhook(c *gin.Context) {
	var req webhookRequest
	if err := decodeJSON(c, &req, false); err != nil {
		s.fail(c, err)
		return
	}
	e := notify.Endpoint{Channel: notify.Channel(strings.TrimSpace(req.Channel)), URL: strings.TrimSpace(req.URL), Secret: strings.TrimSpace(req.Secret)}
	err := e.Validate()
	if err == nil {
		err = s.webhookTargets.CheckURL(c.Request.Context(), e.URL)
	}
	if err != nil {
		field, msg := "url", err.Error()
		if ve, ok := err.(*notify.ValidationError); ok {
			field, msg = ve.Field, ve.Message
		}
		s.fail(c, slip.Invalid(field, "%s", msg))
		return
	}
	h, err := s.store.CreateWebhook(c.Request.Context(), store.Webhook{DepartmentCode: c.Param("code"),
		Channel: string(e.Channel), URL: e.URL, Secret: e.Secret})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, h)
}

// listWebhooks: GET /api/v1/departments/{code}/webhooks.
func (s *Server) listWebhooks(c *gin.Context) {
	hooks, err := s.store.ListWebhooks(c.Request.Context(), c.Param("code"))
	if err != nil {
		s.fail(c, err)
		return
	}
	if hooks == nil {
		hooks = []store.Webhook{}
	}
	c.JSON(http.StatusOK, gin.H{"items": hooks})
}

// disableWebhook: DELETE /api/v1/departments/{code}/webhooks/{id}.
func (s *Server) disableWebhook(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("wid"), 10, 64)
	if err != nil || id < 1 {
		s.fail(c, slip.NotFound("Webhook", c.Param("wid")))
		return
	}
	if err := s.store.DisableWebhook(c.Request.Context(), c.Param("code"), id); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// listDeliveries: GET /api/v1/departments/{code}/deliveries, newest first.
func (s *Server) listDeliveries(c *gin.Context) {
	items, err := s.store.ListDeliveries(c.Request.Context(), c.Param("code"), 100)
	if err != nil {
		s.fail(c, err)
		return
	}
	if items == nil {
		items = []store.Delivery{}
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

// listCalendar: GET /api/v1/calendar?from=&to= (at most a year), each day
// with whether it is a working day and why.
func (s *Server) listCalendar(c *gin.Context) {
	if err := allowQuery(c, "from", "to"); err != nil {
		s.fail(c, err)
		return
	}
	from, err := calendar.ParseDate(c.Query("from"))
	if err != nil {
		s.fail(c, slip.Invalid("from", "起始日期格式应为 YYYY-MM-DD，收到 %q", c.Query("from")))
		return
	}
	to, err := calendar.ParseDate(c.Query("to"))
	if err != nil {
		s.fail(c, slip.Invalid("to", "截止日期格式应为 YYYY-MM-DD，收到 %q", c.Query("to")))
		return
	}
	if to.Before(from) || to.Compare(from.AddDays(calendar.MaxRangeDays-1)) > 0 {
		s.fail(c, slip.Invalid("to", "日期范围须在 1 到 %d 天之间", calendar.MaxRangeDays))
		return
	}
	if err := s.calendarWindow(from, to); err != nil {
		s.fail(c, err)
		return
	}
	days, err := s.calendar.Range(from, to)
	if err != nil {
		s.fail(c, err)
		return
	}
	working := 0
	for _, d := range days {
		if d.Working {
			working++
		}
	}
	c.JSON(http.StatusOK, gin.H{"from": from, "to": to, "working_days": working, "items": days})
}

// calendarWindow refuses a calendar query reaching more than the deadline
// window (DeadlineYears) either side of today: no deadline can lie further
// ahead, and nothing older is worth a working-day answer.
func (s *Server) calendarWindow(from, to calendar.Date) error {
	years := s.deadlineYears
	if years <= 0 {
		years = slip.DefaultDeadlineYears
	}
	now := s.now()
	earliest := calendar.DateOf(now.AddDate(-years, 0, 0))
	latest := slip.LatestDeadline(now, years)
	for _, d := range []struct {
		field string
		date  calendar.Date
	}{{"from", from}, {"to", to}} {
		if day := d.date; day.Before(earliest) || day.After(latest) {
			return slip.Unprocessable(slip.CodeDateOutOfRange, d.field, "日期 %s 超出可查询范围（%s 至 %s，今天前后 %d 年）", day, earliest, latest, years)
		}
	}
	return nil
}
