package api

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
)

// SessionCookie is the name of the web session cookie.
const SessionCookie = "duban_session"

// SessionTTL is how long a web session lasts.
const SessionTTL = 12 * time.Hour

const (
	principalKey   = "principal"
	limitKey       = "limit_key" // what the write rate limit is keyed on: the user
	csrfHeader     = "X-CSRF-Token"
	bearerPrefix   = "Bearer "
	maxTokenLength = 200
)

// authenticate finds the caller: an API token in "Authorization: Bearer",
// or the session cookie, which on a write must come with the session's CSRF
// token in X-CSRF-Token. No valid identity: 401, and nothing runs.
func (s *Server) authenticate(c *gin.Context) {
	ctx := c.Request.Context()
	now := s.now()
	if h := c.GetHeader("Authorization"); h != "" {
		token, ok := strings.CutPrefix(h, bearerPrefix)
		if !ok || token == "" || len(token) > maxTokenLength {
			s.fail(c, unauthenticated("请在 Authorization 请求头中提供 Bearer 令牌"))
			return
		}
		u, err := s.store.Authenticate(ctx, identity.HashSecret(token), now)
		if err == nil {
			u, err = s.confine(ctx, u)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		setPrincipal(c, u)
		c.Next()
		return
	}
	if cookie, err := c.Cookie(SessionCookie); err == nil && cookie != "" && len(cookie) <= maxTokenLength {
		u, csrf, err := s.store.SessionUser(ctx, identity.HashSecret(cookie), now)
		if err == nil {
			u, err = s.confine(ctx, u)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		if isWrite(c.Request.Method) && c.GetHeader(csrfHeader) != csrf {
			s.fail(c, &slip.Error{Kind: slip.KindForbidden, Code: slip.CodeCSRF, Message: "请求缺少有效的 CSRF 令牌，请刷新页面后重试"})
			return
		}
		setPrincipal(c, u)
		c.Next()
		return
	}
	s.fail(c, unauthenticated("请先登录，或在 Authorization 请求头中提供 Bearer 令牌"))
}

// confine works out, once per request, which departments' slips the caller
// sees (identity.User.Confine): a department with its 专班, a scoped office
// its subtree. Everyone else needs no tree.
func (s *Server) confine(ctx context.Context, u identity.User) (identity.User, error) {
	if !u.NeedsTree() {
		return u, nil
	}
	tree, err := s.store.OrgTree(ctx)
	if err != nil {
		return identity.User{}, err
	}
	return u.Confine(tree), nil
}

// setPrincipal records the caller. The write limit is keyed by the user, not
// the credential: signing in again or minting another token does not buy
// another bucket.
func setPrincipal(c *gin.Context, u identity.User) {
	c.Set(principalKey, u)
	c.Set(limitKey, "user:"+strconv.FormatInt(u.ID, 10))
}

func unauthenticated(msg string) error {
	return &slip.Error{Kind: slip.KindUnauthorized, Code: slip.CodeUnauthenticated, Message: msg}
}

func isWrite(method string) bool {
	return method != http.MethodGet && method != http.MethodHead && method != http.MethodOptions
}

// principal is the authenticated caller.
func principal(c *gin.Context) identity.User {
	u, _ := c.Get(principalKey)
	user, _ := u.(identity.User)
	return user
}

// requireRole lets only the given roles through (403 otherwise).
func (s *Server) requireRole(roles ...slip.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		u := principal(c)
		for _, r := range roles {
			if u.Role == r {
				c.Next()
				return
			}
		}
		s.fail(c, slip.Forbidden("%s无权访问此功能", u.Role.Label()))
	}
}

// rateLimiter is a token bucket per user for write requests.
type rateLimiter struct {
	mu      sync.Mutex
	every   rate.Limit
	burst   int
	buckets map[string]*rate.Limiter
}

func newRateLimiter(perSecond float64, burst int) *rateLimiter {
	return &rateLimiter{every: rate.Limit(perSecond), burst: burst, buckets: map[string]*rate.Limiter{}}
}

// wait reports how long the user must wait before another write; 0
// means go ahead (and takes a token).
func (l *rateLimiter) wait(key string, now time.Time) time.Duration {
	l.mu.Lock()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) > 100_000 { // bounded memory: forget idle callers
			l.buckets = map[string]*rate.Limiter{}
		}
		b = rate.NewLimiter(l.every, l.burst)
		l.buckets[key] = b
	}
	l.mu.Unlock()
	r := b.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d
	}
	return 0
}

// limitWrites answers 429 with Retry-After when a caller writes too fast.
func (s *Server) limitWrites(c *gin.Context) {
	if s.limiter == nil || !isWrite(c.Request.Method) {
		c.Next()
		return
	}
	if d := s.limiter.wait(c.GetString(limitKey), s.now()); d > 0 {
		c.Header("Retry-After", strconv.Itoa(int(math.Ceil(d.Seconds()))))
		s.abort(c, http.StatusTooManyRequests, errorDetail{Code: slip.CodeRateLimited, Message: "操作过于频繁，请稍后再试"})
		return
	}
	c.Next()
}

type loginRequest struct {
	Login    string `json:"login"`
	Password string `json:"password"`
}

// codeLoginLocked answers a sign-in while its account or address is locked
// after too many attempts (HTTP 429 with Retry-After).
const codeLoginLocked = "login_locked"

// login: POST /api/v1/login {login, password} → session cookie (HttpOnly,
// SameSite=Strict) and the CSRF token the page sends with every write.
//
// Attempts are counted per account (known or not) and per client address
// and slowed down by identity.AccountBackoff and identity.AddressBackoff:
// while either is locked the answer is 429 with Retry-After and the password
// is not even checked. An unknown login costs the same bcrypt comparison as
// a wrong password, so neither the time nor the answer tells which logins
// exist.
func (s *Server) login(c *gin.Context) {
	var req loginRequest
	if err := decodeJSON(c, &req, false); err != nil {
		s.fail(c, err)
		return
	}
	bad := unauthenticated("登录名或密码不正确")
	if len(req.Password) > 200 || len(req.Login) > 64 {
		s.fail(c, bad) // no login is that long: nothing to enumerate
		return
	}
	ctx := c.Request.Context()
	account := store.LoginSubject{Key: "account:" + req.Login, Backoff: identity.AccountBackoff}
	address := store.LoginSubject{Key: "address:" + c.ClientIP(), Backoff: identity.AddressBackoff}
	wait, err := s.store.ReserveLogin(ctx, s.now(), account, address)
	if err != nil {
		s.fail(c, err)
		return
	}
	if wait > 0 {
		secs := int(math.Ceil(wait.Seconds()))
		c.Header("Retry-After", strconv.Itoa(secs))
		s.abort(c, http.StatusTooManyRequests, errorDetail{Code: codeLoginLocked,
			Message: fmt.Sprintf("登录尝试次数过多，请 %d 秒后再试", secs)})
		return
	}
	u, hash, err := s.store.UserByLogin(ctx, req.Login)
	if err != nil && slip.AsError(err) == nil {
		s.fail(c, err)
		return
	}
	matched := identity.CheckPassword(hash, req.Password) // hash is "" for an unknown login
	if err != nil || u.Disabled || !matched {
		s.fail(c, bad)
		return
	}
	if err := s.store.LoginSucceeded(ctx, account.Key, address.Key); err != nil {
		s.fail(c, err)
		return
	}
	cookie, hash, csrf, err := identity.NewSession()
	if err == nil {
		err = s.store.CreateSessionAt(ctx, u.ID, hash, csrf, s.now(), SessionTTL)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: SessionCookie, Value: cookie, Path: "/", HttpOnly: true,
		Secure: c.Request.TLS != nil || s.secureCookies, SameSite: http.SameSiteStrictMode, MaxAge: int(SessionTTL.Seconds())})
	c.JSON(http.StatusOK, gin.H{"user": u, "csrf_token": csrf})
}

// logout: POST /api/v1/logout ends the session of the cookie.
func (s *Server) logout(c *gin.Context) {
	if cookie, err := c.Cookie(SessionCookie); err == nil {
		if err := s.store.DeleteSession(c.Request.Context(), identity.HashSecret(cookie)); err != nil {
			s.fail(c, err)
			return
		}
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", HttpOnly: true, MaxAge: -1, SameSite: http.SameSiteStrictMode})
	c.Status(http.StatusNoContent)
}

// me: GET /api/v1/me, the caller.
func (s *Server) me(c *gin.Context) { c.JSON(http.StatusOK, principal(c)) }
