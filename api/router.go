// Package api is duban's HTTP API (Gin, JSON under /api/v1). Handlers are
// thin: decode strictly, call the service or the store once, encode. Errors
// become HTTP in one place (errors.go).
package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/evidence"
	"github.com/duban-gov/duban/internal/logctx"
	"github.com/duban-gov/duban/metrics"
	"github.com/duban-gov/duban/notify"
	"github.com/duban-gov/duban/ranking"
	"github.com/duban-gov/duban/service"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
)

// MaxBodyBytes caps a request body; a slip with long content and evidence
// fits well inside.
const MaxBodyBytes = 1 << 20

// Deps are what the API needs.
type Deps struct {
	Store *store.Store
	Slips *service.Slips
	// Ready reports whether every dependency answers (for /readyz).
	Ready func(ctx context.Context) error
	Now   func() time.Time
	Log   *slog.Logger
	// Calendar answers GET /calendar (strict: a missing year is an error).
	Calendar *calendar.Calendar
	// Colours is the calendar 三色 is computed on (weekends-only fallback).
	Colours *calendar.Calendar
	// DeadlineYears bounds GET /calendar to this many years either side of
	// today, as a slip's deadlines are bounded past its issue date (0:
	// slip.DefaultDeadlineYears).
	DeadlineYears int
	// WritesPerSecond and WriteBurst limit each user's writes;
	// 0 means the defaults (5 per second, bursts of 20).
	WritesPerSecond float64
	WriteBurst      int
	// TrustedProxies are the addresses (IPs or CIDRs) of the proxies in
	// front of duban whose X-Forwarded-For names the client; sign-in attempts
	// are counted per client address. Empty: trust none, the client is the
	// peer of the connection (a forged header cannot dodge the count).
	TrustedProxies []string
	// SecureCookies marks the session cookie Secure even when TLS ends at a
	// proxy in front of duban.
	SecureCookies bool
	// Metrics, when set, records request latency. It is served on the
	// internal metrics address (metrics.InternalHandler), never here.
	Metrics *metrics.Registry
	// RankingWeights score the monthly ranking; zero means the defaults.
	RankingWeights ranking.Weights
	// WebhookTargets are the internal addresses a department's webhook may
	// name (DUBAN_WEBHOOK_ALLOW); nil allows none.
	WebhookTargets *notify.Targets
	// Evidence stores evidence files' contents; EvidenceMaxBytes is the
	// most one file may hold (0: evidence.DefaultMaxBytes).
	Evidence         evidence.Blobs
	EvidenceMaxBytes int64
	// UI, when set, serves the browser pages: every GET or HEAD outside /api
	// that no API route takes. Unknown /api paths stay JSON 404s.
	UI http.Handler
	// Membership says which units may own a project's milestones (the
	// 专班 members); nil: a project's milestones are its owner's.
	Membership service.Membership
}

// Server holds the handlers' dependencies.
type Server struct {
	store *store.Store
	slips *service.Slips
	ready func(ctx context.Context) error
	now   func() time.Time
	log   *slog.Logger

	calendar      *calendar.Calendar
	colours       *calendar.Calendar
	deadlineYears int

	limiter        *rateLimiter
	secureCookies  bool
	metrics        *metrics.Registry
	rankingWeights ranking.Weights
	webhookTargets *notify.Targets
	evidence       evidence.Blobs
	evidenceMax    int64
	meetings       *service.Meetings
	projects       *service.Projects
}

// NewRouter builds the HTTP handler of the API.
func NewRouter(d Deps) http.Handler {
	s := &Server{store: d.Store, slips: d.Slips, ready: d.Ready, now: d.Now, log: d.Log, calendar: d.Calendar, colours: d.Colours,
		deadlineYears: d.DeadlineYears, secureCookies: d.SecureCookies, metrics: d.Metrics, rankingWeights: d.RankingWeights.OrDefault(),
		webhookTargets: d.WebhookTargets, meetings: service.NewMeetings(d.Slips), evidence: d.Evidence, evidenceMax: d.EvidenceMaxBytes}
	s.projects = service.NewProjects(d.Slips, d.Membership)
	if s.evidenceMax <= 0 {
		s.evidenceMax = evidence.DefaultMaxBytes
	}
	perSecond, burst := d.WritesPerSecond, d.WriteBurst
	if perSecond <= 0 {
		perSecond = 5
	}
	if burst <= 0 {
		burst = 20
	}
	s.limiter = newRateLimiter(perSecond, burst)
	if os.Getenv(gin.EnvGinMode) == "" {
		// Gin's debug mode prints every route on start; our access log says enough.
		gin.SetMode(gin.ReleaseMode)
	}
	r := gin.New()
	r.HandleMethodNotAllowed = true
	if err := r.SetTrustedProxies(d.TrustedProxies); err != nil {
		// Config checks the list first; a bad one here is a wiring bug.
		panic(fmt.Sprintf("api: trusted proxies %v: %v", d.TrustedProxies, err))
	}
	r.Use(s.requestID, s.accessLog, s.recover, s.limitBody)
	r.NoRoute(func(c *gin.Context) {
		if d.UI != nil && isPage(c.Request) {
			c.Status(http.StatusOK) // Gin presets 404 for NoRoute
			d.UI.ServeHTTP(c.Writer, c.Request)
			return
		}
		s.abort(c, http.StatusNotFound, errorDetail{Code: "not_found", Message: "没有这个接口：" + c.Request.URL.Path})
	})
	r.NoMethod(func(c *gin.Context) {
		s.abort(c, http.StatusMethodNotAllowed, errorDetail{Code: "method_not_allowed", Message: "该接口不支持 " + c.Request.Method})
	})

	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/readyz", s.readyz)

	v1 := r.Group("/api/v1")
	v1.POST("/login", s.login)

	// Everything else needs an identity; writes are rate-limited per user.
	a := v1.Group("", s.authenticate, s.limitWrites)
	a.GET("/me", s.me)
	a.POST("/logout", s.logout)
	a.GET("/departments", s.listDepartments)
	a.GET("/calendar", s.listCalendar)
	a.GET("/notifications", s.listNotifications)
	a.POST("/notifications/:nid/read", s.markNotificationRead)

	// Slips: office and leaders see all, a department its own (others are
	// not found), an admin none.
	slips := a.Group("", s.requireRole(slip.RoleOffice, slip.RoleLeader, slip.RoleDepartment, slip.RoleInspector))
	slips.GET("/slips", s.listSlips)
	slips.GET("/slips/export", s.exportSlips)
	slips.GET("/slips/:id", s.getSlip)
	slips.GET("/slips/:id/timeline", s.getTimeline)
	slips.GET("/stats/closure", s.closureStats)
	slips.GET("/stats/summary", s.statsSummary)
	slips.GET("/rankings", s.getRanking)
	slips.GET("/stats/quality", s.qualityStats)
	slips.POST("/slips", s.issueSlip)
	slips.POST("/slips/:id/acknowledge", s.acknowledge)
	slips.POST("/slips/:id/progress", s.progress)
	slips.POST("/slips/:id/resolution", s.resolution)
	slips.POST("/slips/:id/review", s.review)
	slips.POST("/slips/:id/signoff", s.signoff)
	slips.POST("/slips/:id/cancel", s.cancel)
	slips.POST("/slips/:id/extension", s.requestExtension)
	slips.POST("/slips/:id/extension/decision", s.decideExtension)
	slips.POST("/slips/:id/instruction", s.instruct)
	slips.GET("/slips/:id/evidence", s.listEvidence)
	slips.POST("/slips/:id/evidence", s.uploadEvidence)
	slips.GET("/slips/:id/evidence/:eid", s.downloadEvidence)

	// Meetings, their imported tables, problems and visits (meetings.go).
	s.meetingRoutes(a)
	// 重点项目 (issue 19): see api/projects.go.
	s.projectRoutes(a)
	// Tracks (issue 13): each unit's part; see api/tracks.go.
	slips.POST("/slips/:id/co-acknowledge", s.coAcknowledge)
	slips.POST("/slips/:id/completion", s.completePart)
	slips.POST("/slips/:id/refusal", s.refuse)
	slips.POST("/slips/:id/refusal/decline", s.declineRefusal)
	slips.POST("/slips/:id/reassignment", s.reassign)
	slips.POST("/slips/:id/waiver", s.waive)
	slips.POST("/slips/:id/press", s.press)
	slips.GET("/refusals", s.refusals)
	slips.GET("/stats/tracks", s.trackStats)

	// Slips whose workflows stopped: the office answers for the slips, an
	// admin for the system.
	a.GET("/alerts/workflows", s.requireRole(slip.RoleOffice, slip.RoleAdmin), s.listFailedWorkflows)

	// 回头看: the office schedules; a 督查员 or 市民监督员 sees and records
	// only what is assigned to them.
	insp := a.Group("", s.requireRole(slip.RoleOffice, slip.RoleLeader, slip.RoleInspector, slip.RoleCitizen))
	insp.GET("/reinspections", s.listReinspections)
	insp.GET("/reinspections/:rid", s.getReinspection)
	insp.POST("/reinspections/:rid/record", s.recordReinspection)
	insp.POST("/reinspections/:rid/evidence", s.uploadReinspectionEvidence)
	insp.GET("/reinspections/:rid/evidence/:eid", s.downloadReinspectionEvidence)

	office := a.Group("", s.requireRole(slip.RoleOffice))
	office.POST("/reinspections", s.scheduleReinspection)
	office.POST("/rankings/adjustments", s.addRankingAdjustment)
	office.POST("/rankings/:month/publish", s.publishRanking)

	// Indicators and the monthly 晒比 lists (issue 17): read by everyone
	// but the admin (a department sees its own indicators and values),
	// reported by departments, run by the office.
	s.indicatorRoutes(a)

	// Webhooks: an admin for any department, a department for its own.
	hooks := a.Group("", s.requireRole(slip.RoleAdmin, slip.RoleDepartment), s.ownDepartment)
	hooks.GET("/departments/:code/webhooks", s.listWebhooks)
	hooks.GET("/departments/:code/deliveries", s.listDeliveries)
	hooks.POST("/departments/:code/webhooks", s.createWebhook)
	hooks.DELETE("/departments/:code/webhooks/:wid", s.disableWebhook)

	admin := a.Group("", s.requireRole(slip.RoleAdmin))
	admin.POST("/departments", s.createDepartment)
	admin.GET("/users", s.listUsers)
	admin.POST("/users", s.createUser)
	admin.POST("/users/:login/tokens", s.createUserToken)
	admin.POST("/users/:login/disable", s.disableUser)
	admin.DELETE("/tokens/:tid", s.revokeToken)
	admin.GET("/audit", s.audit)

	// 专班, levels and leaders (issue 19): see api/departments.go, users.go
	// and leader.go.
	a.GET("/taskforces", s.requireRole(slip.RoleOffice, slip.RoleLeader, slip.RoleDepartment, slip.RoleInspector, slip.RoleAdmin), s.listTaskforces)
	a.GET("/taskforces/:code", s.requireRole(slip.RoleOffice, slip.RoleLeader, slip.RoleDepartment, slip.RoleInspector, slip.RoleAdmin), s.getTaskforce)
	a.POST("/taskforces", s.requireRole(slip.RoleOffice, slip.RoleAdmin), s.createTaskforce)
	a.PUT("/taskforces/:code", s.requireRole(slip.RoleOffice, slip.RoleAdmin), s.updateTaskforce)
	a.GET("/leaders", s.requireRole(slip.RoleOffice, slip.RoleLeader, slip.RoleAdmin), s.listLeaders)
	a.GET("/leader/items", s.requireRole(slip.RoleLeader), s.leaderItems)
	admin.POST("/leaders/map", s.mapLeaders)
	admin.POST("/users/:login/scope", s.setUserScope)
	return r
}

// isPage reports whether r asks for a browser page rather than the API.
func isPage(r *http.Request) bool {
	p := r.URL.Path
	return (r.Method == http.MethodGet || r.Method == http.MethodHead) && p != "/api" && !strings.HasPrefix(p, "/api/")
}

const requestIDKey = "request_id"

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// requestID tags every request with an id (the caller's X-Request-ID when it
// is sane), echoed in the answer and in every log line.
func (s *Server) requestID(c *gin.Context) {
	id := c.GetHeader("X-Request-ID")
	if !requestIDPattern.MatchString(id) {
		id = uuid.NewString()
	}
	c.Set(requestIDKey, id)
	c.Header("X-Request-ID", id)
	// Log lines made further down with this context carry the id too.
	c.Request = c.Request.WithContext(logctx.WithRequestID(c.Request.Context(), id))
	c.Next()
}

func requestID(c *gin.Context) string { return c.GetString(requestIDKey) }

func (s *Server) accessLog(c *gin.Context) {
	start := time.Now()
	c.Next()
	s.metrics.ObserveHTTP(c.FullPath(), c.Request.Method, c.Writer.Status(), time.Since(start))
	s.log.InfoContext(c.Request.Context(), "http",
		"method", c.Request.Method, "route", c.FullPath(), "status", c.Writer.Status(),
		"duration_ms", float64(time.Since(start).Microseconds())/1000, "request_id", requestID(c))
}

func (s *Server) recover(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			s.log.ErrorContext(c.Request.Context(), "panic in handler", "panic", v, "request_id", requestID(c))
			s.abort(c, http.StatusInternalServerError, errorDetail{Code: "internal", Message: "服务器内部错误，请求编号 " + requestID(c)})
		}
	}()
	c.Next()
}

// limitBody caps every body at MaxBodyBytes, a meeting's spreadsheet at the
// import limit, and an evidence upload at the evidence limit plus its
// multipart framing.
func (s *Server) limitBody(c *gin.Context) {
	limit := int64(MaxBodyBytes)
	switch p := c.FullPath(); {
	case p == importPath || p == projectImportPath:
		limit = service.ImportLimits.MaxBytes // a spreadsheet
	case (p == evidenceUploadRoute || p == reinspectionUploadRoute) && c.Request.Method == http.MethodPost:
		limit = s.evidenceMax + multipartSlack
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	c.Next()
}

func (s *Server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
	defer cancel()
	if err := s.ready(ctx); err != nil {
		s.log.WarnContext(ctx, "not ready", "error", err)
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "error": err.Error()})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}
