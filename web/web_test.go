package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/duban-gov/duban/api"
	"github.com/duban-gov/duban/web"
)

// router is the API router with the UI mounted, as cmd/duban wires it. The
// requests here never reach a handler that needs the store.
func router(t *testing.T) http.Handler {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return api.NewRouter(api.Deps{Log: log, UI: web.Handler(log)})
}

func get(t *testing.T, h http.Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	return w
}

func TestPagesRender(t *testing.T) {
	h := router(t)
	assetRef := regexp.MustCompile(`(?:src|href)="(/static/[^"]+)"`)
	for _, tc := range []struct{ path, want string }{
		{"/", "正在进入工作台"},
		{"/login", "问题不解决不罢休"},
		{"/office", "会议批量交办"},
		{"/department", "退回重办"},
		{"/dashboard", "本月晾晒榜"},
		{"/ledger", "导出 Excel"},
		{"/slips/0b6f3c9e-1", "正在加载"},
		{"/slips/0b6f3c9e-1/print", "打印"},
		{"/indicators", "目标与完成"},
		{"/reporting", "填报期管理与导入"},
		{"/lists", "发布本月榜单"},
		{"/sheets", "三考三比评分表"},
	} {
		w := get(t, h, tc.path)
		if w.Code != http.StatusOK {
			t.Fatalf("GET %s: %d", tc.path, w.Code)
		}
		body := w.Body.String()
		if !strings.Contains(body, tc.want) {
			t.Errorf("GET %s: no %q in page", tc.path, tc.want)
		}
		if ct := w.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("GET %s: Content-Type %q", tc.path, ct)
		}
		if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("GET %s: Content-Security-Policy %q", tc.path, csp)
		}
		// Every asset a page names is served, with a long cache.
		for _, m := range assetRef.FindAllStringSubmatch(body, -1) {
			a := get(t, h, m[1])
			if a.Code != http.StatusOK || a.Body.Len() == 0 {
				t.Errorf("%s names %s: %d", tc.path, m[1], a.Code)
			}
			if !strings.Contains(a.Header().Get("Cache-Control"), "max-age") {
				t.Errorf("%s: Cache-Control %q", m[1], a.Header().Get("Cache-Control"))
			}
		}
	}
	if w := get(t, h, "/dashboard"); !strings.Contains(w.Body.String(), "/static/vendor/echarts.min.js?v=") {
		t.Error("the dashboard does not load the vendored ECharts")
	}
}

func TestUnknownPathsStayNotFound(t *testing.T) {
	h := router(t)
	w := get(t, h, "/no-such-page")
	if w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "页面不存在") {
		t.Errorf("unknown page: %d %s", w.Code, w.Body.String())
	}
	// The API keeps its JSON 404, with or without the UI.
	for _, p := range []string{"/api/v1/nothing", "/api", "/api/"} {
		w = get(t, h, p)
		if w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), `"code":"not_found"`) {
			t.Errorf("GET %s: %d %s", p, w.Code, w.Body.String())
		}
	}
	// Pages are read-only: a POST to a page path is the API's 404, not a page.
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/office", nil))
	if w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), `"code":"not_found"`) {
		t.Errorf("POST /office: %d %s", w.Code, w.Body.String())
	}
	// An unversioned asset is served but revalidated.
	w = get(t, h, "/static/js/common.js")
	if w.Code != http.StatusOK || w.Header().Get("Cache-Control") != "no-cache" {
		t.Errorf("unversioned asset: %d %q", w.Code, w.Header().Get("Cache-Control"))
	}
}
