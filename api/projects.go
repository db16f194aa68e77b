package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/project"
	"github.com/duban-gov/duban/reminder"
	"github.com/duban-gov/duban/service"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
)

// projectRoutes mounts 重点项目 (issue 19): everyone but the admin reads
// (a department the projects it owns or owns a milestone of; others are
// not found), the office registers and runs them, a milestone's unit
// reports it, leaders and the office instruct. Categories are set by the
// admin or the office.
func (s *Server) projectRoutes(a *gin.RouterGroup) {
	read := a.Group("", s.requireRole(slip.RoleOffice, slip.RoleLeader, slip.RoleDepartment, slip.RoleInspector))
	read.GET("/projects", s.listProjects)
	read.GET("/projects/:pid", s.getProject)
	read.GET("/projects/:pid/milestones", s.projectMilestones)
	read.GET("/projects/:pid/timeline", s.projectTimeline)
	read.GET("/stats/projects", s.projectStats)
	read.GET("/stats/project-milestones", s.milestoneStats)
	read.POST("/projects", s.createProject)
	read.POST("/projects/:pid/milestones/:key/report", s.projectAction(project.ActionReport))
	read.POST("/projects/:pid/milestones/:key/accept", s.projectAction(project.ActionAccept))
	read.POST("/projects/:pid/milestones/:key/extension", s.projectAction(project.ActionRequestExtension))
	read.POST("/projects/:pid/milestones/:key/extension/decision", s.projectAction(project.ActionDecideExtension))
	read.POST("/projects/:pid/milestones/:key/slips", s.spawnSlip)
	read.POST("/projects/:pid/instruction", s.projectAction(project.ActionInstruct))
	read.POST("/projects/:pid/signoff", s.projectAction(project.ActionSignOff))

	office := a.Group("", s.requireRole(slip.RoleOffice))
	office.POST("/project-imports", s.uploadProjects)
	office.POST("/project-imports/:iid/confirm", s.confirmProjects)

	cats := a.Group("", s.requireRole(slip.RoleOffice, slip.RoleLeader, slip.RoleDepartment, slip.RoleInspector, slip.RoleAdmin))
	cats.GET("/project-categories", s.listProjectCategories)
	cats.GET("/project-categories/:code/plan", s.planProject)
	cats.PUT("/project-categories/:code", s.putProjectCategory)
}

// milestoneJSON is a milestone with its labels and 三色.
type milestoneJSON struct {
	project.Milestone
	StatusLabel    string `json:"status_label"`
	OwnerUnitLabel string `json:"owner_unit_label"`
	Color          string `json:"color"`
	ColorLabel     string `json:"color_label"`
	LevelLabel     string `json:"escalation_label,omitempty"`
	// AllowedActions are what the caller may do on it now.
	AllowedActions []project.Action `json:"allowed_actions"`
}

// projectJSON is a project as the API shows it.
type projectJSON struct {
	project.Project
	Milestones     []milestoneJSON `json:"milestones"`
	StatusLabel    string          `json:"status_label"`
	OwnerUnitLabel string          `json:"owner_unit_label"`
	CategoryLabel  string          `json:"category_label"`
	Started        bool            `json:"started"`
	Color          string          `json:"color"`
	ColorLabel     string          `json:"color_label"`
	// InvestmentWan is the investment in 万元 as a decimal string.
	InvestmentWan string `json:"investment_wan"`
	// AllowedActions are the project-level actions the caller may take now.
	AllowedActions []project.Action `json:"allowed_actions"`
}

// wan formats hundredths of 万元 exactly, without floats.
func wan(h int64) string {
	sign := ""
	if h < 0 {
		sign, h = "-", -h
	}
	return sign + strconv.FormatInt(h/100, 10) + "." + strconv.FormatInt(h%100/10, 10) + strconv.FormatInt(h%10, 10)
}

// projectView carries what every project answer needs to label itself.
type projectView struct {
	names, categories map[string]string
	filter            store.ProjectFilter
	user              identity.User
}

func (s *Server) projectView(c *gin.Context) (projectView, error) {
	ctx := c.Request.Context()
	names, err := s.store.DepartmentNames(ctx)
	if err != nil {
		return projectView{}, err
	}
	cats, err := s.store.ProjectCategories(ctx)
	if err != nil {
		return projectView{}, err
	}
	v := projectView{names: names, categories: map[string]string{}, filter: s.projects.Colours(store.ProjectFilter{}), user: principal(c)}
	for _, k := range cats {
		v.categories[k.Code] = k.Name
	}
	return v, nil
}

// respondProject answers with p as the caller sees it.
func (s *Server) respondProject(c *gin.Context, status int, p project.Project) {
	v, err := s.projectView(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(status, v.json(p))
}

func (v projectView) json(p project.Project) projectJSON {
	colour := p.Colour(v.filter.Today, v.filter.YellowBy)
	out := projectJSON{Project: p, StatusLabel: p.Status.Label(), OwnerUnitLabel: v.names[p.OwnerUnit], CategoryLabel: v.categories[p.Category],
		Started: p.Started(), Color: string(colour), ColorLabel: colour.Label(), InvestmentWan: wan(p.Investment),
		Milestones: make([]milestoneJSON, 0, len(p.Milestones)), AllowedActions: service.AllowedActions(v.user, p, "")}
	if colour == reminder.None && p.Status == project.StatusSignedOff {
		out.Color, out.ColorLabel = "closed", "已销号"
	}
	for _, m := range p.Milestones {
		mc := project.ColourOf(m, v.filter.Today, v.filter.YellowBy)
		out.Milestones = append(out.Milestones, milestoneJSON{Milestone: m, StatusLabel: m.Status.Label(), OwnerUnitLabel: v.names[m.OwnerUnit],
			Color: string(mc), ColorLabel: mc.Label(), LevelLabel: slip.LevelLabel(m.EscalationLevel), AllowedActions: service.AllowedActions(v.user, p, m.Key)})
	}
	return out
}

// projectFilter reads the list filters; ok is false when the caller sees
// no project at all.
func (s *Server) projectFilter(c *gin.Context, extra ...string) (store.ProjectFilter, bool, error) {
	if err := allowQuery(c, append([]string{"batch", "owner", "leader", "category", "color"}, extra...)...); err != nil {
		return store.ProjectFilter{}, false, err
	}
	f := store.ProjectFilter{Batch: c.Query("batch"), Owner: c.Query("owner"), Category: c.Query("category"), Colour: c.Query("color")}
	if l := c.Query("leader"); l != "" {
		id, err := strconv.ParseInt(l, 10, 64)
		if err != nil || id <= 0 {
			return f, false, slip.Invalid("leader", "leader 须为领导的用户编号，收到 %q", l)
		}
		f.LeaderID = id
	}
	switch f.Colour {
	case "", "red", "yellow", "green", "closed":
	default:
		return f, false, slip.Invalid("color", "color 只能是 red、yellow、green 或 closed")
	}
	f, ok := service.Scope(principal(c), f)
	return s.projects.Colours(f), ok, nil
}

// listProjects: GET /api/v1/projects — the projects the caller may see,
// with the counts of the same filter (项目数, 已开工, 已销号, 三色).
func (s *Server) listProjects(c *gin.Context) {
	f, ok, err := s.projectFilter(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	items := []projectJSON{}
	counts := store.ProjectCount{}
	if ok {
		ctx := c.Request.Context()
		ps, err := s.store.ListProjects(ctx, f)
		if err != nil {
			s.fail(c, err)
			return
		}
		v, err := s.projectView(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		for _, p := range ps {
			items = append(items, v.json(p))
		}
		cs, err := s.store.CountProjects(ctx, f, "")
		if err != nil {
			s.fail(c, err)
			return
		}
		if len(cs) == 1 {
			counts = cs[0]
		}
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "counts": counts, "today": calendar.DateOf(s.now())})
}

func (s *Server) getProject(c *gin.Context) {
	p, err := s.projects.Get(c.Request.Context(), principal(c), c.Param("pid"))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.respondProject(c, http.StatusOK, p)
}

func (s *Server) projectMilestones(c *gin.Context) {
	p, err := s.projects.Get(c.Request.Context(), principal(c), c.Param("pid"))
	if err != nil {
		s.fail(c, err)
		return
	}
	v, err := s.projectView(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": v.json(p).Milestones})
}

func (s *Server) projectTimeline(c *gin.Context) {
	ctx := c.Request.Context()
	if _, err := s.projects.Get(ctx, principal(c), c.Param("pid")); err != nil {
		s.fail(c, err)
		return
	}
	events, err := s.store.ProjectTimeline(ctx, c.Param("pid"))
	if err != nil {
		s.fail(c, err)
		return
	}
	type eventJSON struct {
		project.Event
		TypeLabel string `json:"type_label"`
	}
	out := make([]eventJSON, 0, len(events))
	for _, e := range events {
		out = append(out, eventJSON{Event: e, TypeLabel: e.Type.Label()})
	}
	c.JSON(http.StatusOK, gin.H{"items": out})
}

// createProject: POST /api/v1/projects (office).
func (s *Server) createProject(c *gin.Context) {
	var d project.Draft
	if err := decodeJSON(c, &d, false); err != nil {
		s.fail(c, err)
		return
	}
	key, err := idempotencyKey(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	p, err := s.projects.Create(c.Request.Context(), principal(c), d, key)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Location", "/api/v1/projects/"+p.ID)
	s.respondProject(c, http.StatusCreated, p)
}

// projectActionBody is what the action endpoints accept; each uses its
// part (report: actual, evidence; extension: date, comment; decision:
// approved, comment; instruction and sign-off: comment).
type projectActionBody struct {
	Actual   calendar.Date `json:"actual"`
	Evidence []string      `json:"evidence"`
	Comment  string        `json:"comment"`
	Date     calendar.Date `json:"date"`
	Approved bool          `json:"approved"`
}

func (s *Server) projectAction(a project.Action) gin.HandlerFunc {
	return func(c *gin.Context) {
		var b projectActionBody
		if err := decodeJSON(c, &b, true); err != nil {
			s.fail(c, err)
			return
		}
		key, err := idempotencyKey(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		if key == "" {
			key = requestID(c)
		}
		cmd := project.Command{Action: a, Milestone: c.Param("key"), Actual: b.Actual, Evidence: b.Evidence, Comment: b.Comment,
			Date: b.Date, Approved: b.Approved}
		p, err := s.projects.Act(c.Request.Context(), principal(c), c.Param("pid"), cmd, key)
		if err != nil {
			s.fail(c, err)
			return
		}
		s.respondProject(c, http.StatusOK, p)
	}
}

// spawnSlip: POST /api/v1/projects/:pid/milestones/:key/slips — a slip
// (交办) to clear a blocked milestone's obstacle, linked to it.
func (s *Server) spawnSlip(c *gin.Context) {
	d, key, err := draftRequest(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	sl, p, err := s.projects.Spawn(c.Request.Context(), principal(c), c.Param("pid"), c.Param("key"), d, key, requestID(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	v, err := s.projectView(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"slip": gin.H{"id": sl.ID, "number": sl.Number, "title": sl.Draft.Title, "lead_department": sl.Draft.LeadDepartment}, "project": v.json(p)})
}

// projectStats: GET /api/v1/stats/projects?group_by=batch|owner|category|leader.
func (s *Server) projectStats(c *gin.Context) {
	f, ok, err := s.projectFilter(c, "group_by")
	if err != nil {
		s.fail(c, err)
		return
	}
	groups := []store.ProjectCount{}
	if ok {
		if groups, err = s.store.CountProjects(c.Request.Context(), f, c.Query("group_by")); err != nil {
			s.fail(c, err)
			return
		}
	}
	c.JSON(http.StatusOK, gin.H{"group_by": c.Query("group_by"), "groups": groups})
}

// milestoneStats: GET /api/v1/stats/project-milestones — per unit,
// milestones met on time and late, open and overdue.
func (s *Server) milestoneStats(c *gin.Context) {
	f, ok, err := s.projectFilter(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	units := []store.MilestoneCount{}
	if ok {
		if units, err = s.store.CountMilestones(c.Request.Context(), f); err != nil {
			s.fail(c, err)
			return
		}
	}
	c.JSON(http.StatusOK, gin.H{"units": units})
}

func (s *Server) listProjectCategories(c *gin.Context) {
	cats, err := s.store.ProjectCategories(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": cats})
}

// putProjectCategory: PUT /api/v1/project-categories/:code (admin, office).
func (s *Server) putProjectCategory(c *gin.Context) {
	var cat project.Category
	if err := decodeJSON(c, &cat, false); err != nil {
		s.fail(c, err)
		return
	}
	if cat.Code == "" {
		cat.Code = c.Param("code")
	}
	if cat.Code != c.Param("code") {
		s.fail(c, slip.Invalid("code", "请求体中的类别编码 %s 与路径中的 %s 不一致", cat.Code, c.Param("code")))
		return
	}
	out, err := s.projects.PutCategory(c.Request.Context(), principal(c), cat)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

// planProject: GET /api/v1/project-categories/:code/plan?end_date= — the
// milestone dates planned backwards (计划倒排), for the office to adjust.
func (s *Server) planProject(c *gin.Context) {
	if err := allowQuery(c, "end_date"); err != nil {
		s.fail(c, err)
		return
	}
	end, err := calendar.ParseDate(c.Query("end_date"))
	if err != nil {
		s.fail(c, slip.Invalid("end_date", "end_date 须为日期 YYYY-MM-DD"))
		return
	}
	plan, err := s.projects.PlanBackwards(c.Request.Context(), c.Param("code"), end)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"end_date": end, "nodes": plan})
}

// projectImportPath is the project list's upload route (a spreadsheet's
// body limit, as a meeting's table).
const projectImportPath = "/api/v1/project-imports"

// uploadProjects: POST /api/v1/project-imports?name= — the file as the
// body; answers the preview (nothing created).
func (s *Server) uploadProjects(c *gin.Context) {
	name, data, err := readUpload(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	p, err := s.projects.PreviewImport(c.Request.Context(), principal(c), name, data)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, p)
}

// confirmProjects: POST /api/v1/project-imports/:iid/confirm — creates
// every project of the preview, or none while one is blocked.
func (s *Server) confirmProjects(c *gin.Context) {
	if err := decodeJSON(c, &struct{}{}, true); err != nil {
		s.fail(c, err)
		return
	}
	out, err := s.projects.ConfirmImport(c.Request.Context(), principal(c), c.Param("iid"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}
