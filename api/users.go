package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
)

type userRequest struct {
	Login      string    `json:"login"`
	Name       string    `json:"name"`
	Role       slip.Role `json:"role"`
	Department string    `json:"department"`
	Scope      string    `json:"scope"`
	Password   string    `json:"password"`
}

// createUser: POST /api/v1/users (admin) → 201 with the user. No token: an
// admin never holds another user's credential (see createUserToken).
func (s *Server) createUser(c *gin.Context) {
	var req userRequest
	if err := decodeJSON(c, &req, false); err != nil {
		s.fail(c, err)
		return
	}
	u := identity.User{Login: strings.TrimSpace(req.Login), Name: strings.TrimSpace(req.Name), Role: req.Role, Department: strings.TrimSpace(req.Department), Scope: strings.TrimSpace(req.Scope)}
	if err := u.Validate(); err != nil {
		s.fail(c, err)
		return
	}
	var hash string
	if req.Password != "" {
		var err error
		if hash, err = identity.HashPassword(req.Password); err != nil {
			s.fail(c, err)
			return
		}
	}
	created, err := s.store.CreateUser(c.Request.Context(), u, hash)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"user": created})
}

// listUsers: GET /api/v1/users (admin).
func (s *Server) listUsers(c *gin.Context) {
	users, err := s.store.ListUsers(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": users})
}

type tokenRequest struct {
	Label      string `json:"label"`
	ExpiresInH int    `json:"expires_in_hours"`
}

// createUserToken: POST /api/v1/users/{login}/tokens (admin) → a new token
// for the admin themself, shown once. A token for another user is 403: with
// it an admin could act as that user, and the timeline would name only the
// user. Users get tokens from the operator on the server (`duban user add`,
// `duban user token`), or sign in on the web with their password.
func (s *Server) createUserToken(c *gin.Context) {
	var req tokenRequest
	if err := decodeJSON(c, &req, true); err != nil {
		s.fail(c, err)
		return
	}
	if req.ExpiresInH < 0 || req.ExpiresInH > 24*366 || len([]rune(req.Label)) > slip.MaxShortText {
		s.fail(c, slip.Invalid("expires_in_hours", "有效期须在 0（不过期）到 8784 小时之间，标签不超过 100 字"))
		return
	}
	u := principal(c)
	if c.Param("login") != u.Login {
		s.fail(c, slip.Forbidden("管理员不能为其他用户签发令牌（否则可冒用其身份）；请由运维人员在服务器上执行 duban user token"))
		return
	}
	token, hash, err := identity.NewToken()
	if err != nil {
		s.fail(c, err)
		return
	}
	info, err := s.store.CreateToken(c.Request.Context(), u.ID, req.Label, hash, time.Duration(req.ExpiresInH)*time.Hour)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"token": token, "token_info": info})
}

// disableUser: POST /api/v1/users/{login}/disable (admin).
func (s *Server) disableUser(c *gin.Context) {
	if err := s.store.DisableUser(c.Request.Context(), c.Param("login")); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// revokeToken: DELETE /api/v1/tokens/{id} (admin).
func (s *Server) revokeToken(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("tid"), 10, 64)
	if err != nil || id < 1 {
		s.fail(c, slip.NotFound("令牌", c.Param("tid")))
		return
	}
	if err := s.store.RevokeToken(c.Request.Context(), id); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// audit: GET /api/v1/audit?actor=<login>&from=&to=&limit= (admin): events
// across all slips, newest first, each with actor id, role and request id.
// It shows who did what and when, never what a slip says: an admin sees no
// slips, so the events' payloads (progress texts, comments, reasons) are left
// out.
func (s *Server) audit(c *gin.Context) {
	if err := allowQuery(c, "actor", "from", "to", "limit"); err != nil {
		s.fail(c, err)
		return
	}
	q := store.AuditQuery{From: c.Query("from"), To: c.Query("to")}
	if login := c.Query("actor"); login != "" {
		u, _, err := s.store.UserByLogin(c.Request.Context(), login)
		if err != nil {
			s.fail(c, err)
			return
		}
		q.ActorID = u.ID
	}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			s.fail(c, slip.Invalid("limit", "limit 须为 1 到 500 的整数"))
			return
		}
		q.Limit = n
	}
	events, err := s.store.Audit(c.Request.Context(), q)
	if err != nil {
		s.fail(c, err)
		return
	}
	items := toEventsJSON(events)
	for i := range items {
		items[i].Payload = nil
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

type scopeRequest struct {
	Scope string `json:"scope"`
}

// setUserScope: POST /api/v1/users/{login}/scope {scope} (admin) — scopes an
// office, leader or inspector to one department's subtree (市县两级: a town's
// own supervision office); "" gives back the whole government.
func (s *Server) setUserScope(c *gin.Context) {
	var req scopeRequest
	if err := decodeJSON(c, &req, false); err != nil {
		s.fail(c, err)
		return
	}
	u, err := s.store.SetUserScope(c.Request.Context(), c.Param("login"), strings.TrimSpace(req.Scope))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"user": u})
}
