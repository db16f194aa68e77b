// Package web serves duban's browser UI from the same binary as the API: page
// shells rendered from html/template and small plain-JavaScript modules, all
// embedded with embed, so `duban dev` and `duban serve` need nothing beside the
// binary and no page loads anything from another origin.
//
// The pages are clients of the JSON API (/api/v1) on the session cookie of
// POST /api/v1/login. Every rule about who may see a slip and what may happen
// next stays in the API: a page shows what the API answers (a slip's buttons
// come from its allowed_actions) and never decides it itself.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"sort"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// page is one screen of the UI: its template, title and script.
type page struct {
	name   string // templates/<name>.html defines "content"
	title  string
	script string // static/js/<script>.js; "" for none
	nav    string // the nav entry it highlights
}

var pages = map[string]page{
	"home":       {name: "home", title: "督办", script: "home"},
	"login":      {name: "login", title: "登录", script: "login"},
	"office":     {name: "office", title: "督查室工作台", script: "office", nav: "office"},
	"department": {name: "department", title: "部门工作台", script: "department", nav: "department"},
	"dashboard":  {name: "dashboard", title: "领导驾驶舱", script: "dashboard", nav: "dashboard"},
	"ledger":     {name: "ledger", title: "台账", script: "ledger", nav: "ledger"},
	"slip":       {name: "slip", title: "交办单", script: "slip", nav: "ledger"},
	"print":      {name: "print", title: "交办单（打印）", script: "print"},
	"inspect":    {name: "inspect", title: "回头看", script: "inspect", nav: "inspect"},
	"notfound":   {name: "notfound", title: "页面不存在"},
	// The monthly 晒比 (issue 17).
	"indicators": {name: "indicators", title: "指标看板", script: "indicators", nav: "indicators"},
	"reporting":  {name: "reporting", title: "指标填报", script: "reporting", nav: "reporting"},
	"lists":      {name: "lists", title: "晒比榜单", script: "lists", nav: "lists"},
	"sheets":     {name: "sheets", title: "三考三比", script: "sheets", nav: "lists"},
	// Meetings (issue 14).
	"meetings":       {name: "meetings", title: "会议", script: "meetings", nav: "meetings"},
	"meeting":        {name: "meeting", title: "会议", script: "meeting", nav: "meetings"},
	"meeting-import": {name: "meeting-import", title: "导入交办清单", script: "meeting-import", nav: "meetings"},
	"meeting-print":  {name: "meeting-print", title: "备忘录及交办单（打印）", script: "meeting-print"},
	"problem":        {name: "problem", title: "问题", script: "problem", nav: "meetings"},
	"visits":         {name: "visits", title: "督查走访", script: "visits", nav: "visits"},
	// 重点项目 (issue 19).
	"portfolio": {name: "portfolio", title: "挂图作战", script: "portfolio", nav: "portfolio"},
	"project":   {name: "project", title: "重点项目", script: "project", nav: "portfolio"},
	// 专班, levels and the leader's view (issue 19).
	"leader": {name: "leader", title: "我的事项", script: "leader", nav: "leader"},
	"org":    {name: "org", title: "专班与层级", script: "org", nav: "org"},
	// A batch's 汇总表 (issue 13).
	"batch": {name: "batch", title: "批次汇总表", script: "batch", nav: "batch"},
}

// UI is the http.Handler of the pages and their assets.
type UI struct {
	mux       *http.ServeMux
	templates map[string]*template.Template
	// version is a hash of the static files, appended to asset URLs so
	// browsers may cache them for long and still see every release.
	version string
	log     *slog.Logger
}

// New parses the embedded templates and hashes the assets. It fails only if
// the embedded files are broken, which the package tests catch.
func New(log *slog.Logger) (*UI, error) {
	if log == nil {
		log = slog.Default()
	}
	version, err := hashFS(staticFS)
	if err != nil {
		return nil, err
	}
	u := &UI{mux: http.NewServeMux(), templates: map[string]*template.Template{}, version: version, log: log}
	funcs := template.FuncMap{"asset": u.asset}
	for key, p := range pages {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+p.name+".html")
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", p.name, err)
		}
		u.templates[key] = t
	}
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	files := http.StripPrefix("/static/", http.FileServerFS(static))
	u.mux.Handle("GET /static/", u.cached(files))
	u.mux.HandleFunc("GET /{$}", u.render("home"))
	u.mux.HandleFunc("GET /login", u.render("login"))
	u.mux.HandleFunc("GET /office", u.render("office"))
	u.mux.HandleFunc("GET /department", u.render("department"))
	u.mux.HandleFunc("GET /dashboard", u.render("dashboard"))
	u.mux.HandleFunc("GET /ledger", u.render("ledger"))
	u.mux.HandleFunc("GET /slips/{id}", u.render("slip"))
	u.mux.HandleFunc("GET /slips/{id}/print", u.render("print"))
	u.mux.HandleFunc("GET /indicators", u.render("indicators"))
	u.mux.HandleFunc("GET /reporting", u.render("reporting"))
	u.mux.HandleFunc("GET /lists", u.render("lists"))
	u.mux.HandleFunc("GET /sheets", u.render("sheets"))
	u.mux.HandleFunc("GET /meetings", u.render("meetings"))
	u.mux.HandleFunc("GET /meetings/{id}", u.render("meeting"))
	u.mux.HandleFunc("GET /meetings/{id}/import", u.render("meeting-import"))
	u.mux.HandleFunc("GET /meetings/{id}/print", u.render("meeting-print"))
	u.mux.HandleFunc("GET /problems/{id}", u.render("problem"))
	u.mux.HandleFunc("GET /visits", u.render("visits"))
	u.mux.HandleFunc("GET /inspect", u.render("inspect"))
	u.mux.HandleFunc("GET /portfolio", u.render("portfolio"))
	u.mux.HandleFunc("GET /projects/{id}", u.render("project"))
	u.mux.HandleFunc("GET /leader", u.render("leader"))
	u.mux.HandleFunc("GET /org", u.render("org"))
	u.mux.HandleFunc("GET /batch", u.render("batch"))
	u.mux.HandleFunc("/", u.notFound)
	return u, nil
}

// Handler is New for wiring: the embedded assets are part of the binary, so a
// failure here is a build defect and panics at start-up.
func Handler(log *slog.Logger) http.Handler {
	u, err := New(log)
	if err != nil {
		panic(fmt.Sprintf("web: %v", err))
	}
	return u
}

// ServeHTTP serves the pages with headers that keep them to their own origin.
func (u *UI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	// Scripts only from our own files; ECharts sets inline styles on its nodes.
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	u.mux.ServeHTTP(w, r)
}

// pageData is what a template sees.
type pageData struct {
	Title  string
	Nav    string
	Script string
	// Page is the page's key, set on <body data-page> for the scripts.
	Page string
}

func (u *UI) render(key string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { u.renderStatus(w, r, key, http.StatusOK) }
}

func (u *UI) renderStatus(w http.ResponseWriter, r *http.Request, key string, status int) {
	p := pages[key]
	var buf bytes.Buffer
	data := pageData{Title: p.title, Nav: p.nav, Page: key}
	if p.script != "" {
		data.Script = "js/" + p.script + ".js"
	}
	if err := u.templates[key].Execute(&buf, data); err != nil {
		u.log.ErrorContext(r.Context(), "render page", "page", key, "error", err)
		http.Error(w, "页面渲染失败", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (u *UI) notFound(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "不支持该请求方法", http.StatusMethodNotAllowed)
		return
	}
	u.renderStatus(w, r, "notfound", http.StatusNotFound)
}

// asset is the URL of a static file, versioned for caching.
func (u *UI) asset(name string) string { return "/static/" + name + "?v=" + u.version }

// cached lets browsers keep versioned assets for a day; an unversioned or
// stale URL is revalidated.
func (u *UI) cached(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("v") == u.version {
			w.Header().Set("Cache-Control", "public, max-age=86400, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		next.ServeHTTP(w, r)
	})
}

// hashFS is a short hash over every file of fsys, in a fixed order.
func hashFS(fsys fs.FS) (string, error) {
	var names []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return err
	})
	if err != nil {
		return "", fmt.Errorf("walk assets: %w", err)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return "", fmt.Errorf("read asset %s: %w", n, err)
		}
		fmt.Fprintf(h, "%s\x00%d\x00", n, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:12], nil
}
