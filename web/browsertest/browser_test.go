// Package browsertest drives duban's web UI in a real Chromium (chromedp,
// headless) against a whole running system: an in-process Temporal server
// (temporaltest), the worker and the API with the UI mounted, wired as
// production wires them (internal/app), and the ledger on PostgreSQL,
// served over real HTTP.
//
// The tests click through pages the way a clerk does and wait for what the
// page shows, never for fixed times. Each page is saved as a PNG screenshot
// under artifacts/screenshots/ at the repository root (or in
// DUBAN_SCREENSHOT_DIR).
//
// Without Chromium the tests are skipped with a message, unless
// DUBAN_REQUIRE_BROWSER=1 (set by .ci/run), which makes a missing browser a
// failure so CI cannot pass without having run them.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/duban-gov/duban/calendar"
)

// beijingNow is the present in the ledger's zone. The API's "today" is the
// date in Beijing, a day ahead of UTC's from 16:00 UTC: a deadline of
// "today" written from UTC's date was refused as past every evening.
func beijingNow() time.Time { return time.Now().In(calendar.Zone) }

// stepTimeout bounds each step of a page (a navigation, a click and what it
// leads to): generous for a loaded CI machine, short enough to fail fast.
const stepTimeout = 30 * time.Second

// chromiumPath finds the browser, or skips (fails under
// DUBAN_REQUIRE_BROWSER=1) when there is none.
func chromiumPath(t *testing.T) string {
	t.Helper()
	names := []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "headless-shell"}
	if p := os.Getenv("DUBAN_CHROMIUM"); p != "" {
		names = []string{p}
	}
	for _, name := range names {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := fmt.Sprintf("no Chromium found among %v (install Debian's chromium package or set DUBAN_CHROMIUM)", names)
	if os.Getenv("DUBAN_REQUIRE_BROWSER") == "1" {
		t.Fatal(msg + "; DUBAN_REQUIRE_BROWSER=1 forbids skipping the browser tests")
	}
	t.Skip(msg + "; skipping the browser tests")
	return ""
}

// browser is one headless Chromium pointed at a system.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
	dir  string // screenshots

	mu         sync.Mutex
	exceptions []string
}

// startBrowser starts Chromium (exe, from chromiumPath) on an empty profile.
func startBrowser(t *testing.T, exe, base string) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1366, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)
	b := &browser{t: t, ctx: ctx, base: base, dir: screenshotDir(t)}
	// The first Run starts the browser; it must not carry a timeout, which
	// would end the browser with it.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium %s: %v", exe, err)
	}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.IsException() {
				b.mu.Lock()
				b.exceptions = append(b.exceptions, m.Text+" at "+m.URL+":"+strconv.FormatInt(m.Line+1, 10))
				b.mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		for _, e := range b.exceptions {
			t.Errorf("uncaught exception in a page: %s", e)
		}
	})
	return b
}

// reportTo makes the browser's steps fail and log on t (a subtest) until
// the returned func restores the previous test.
func (b *browser) reportTo(t *testing.T) (restore func()) {
	outer := b.t
	b.t = t
	return func() { b.t = outer }
}

// screenshotDir is DUBAN_SCREENSHOT_DIR or artifacts/screenshots at the root
// of the repository (git-ignored).
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("DUBAN_SCREENSHOT_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "artifacts", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("screenshot dir: %v", err)
	}
	return dir
}

// do runs steps within one stepTimeout, failing the test with what is on
// the page when they do not finish.
func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	began := time.Now()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v\n%s", what, err, b.pageState())
	}
	if d := time.Since(began); d > 2*time.Second {
		b.t.Logf("slow step: %s took %s", what, d.Round(time.Millisecond))
	}
}

// pageState describes the page for a failure message: where it is, what the
// flash and any visible error say, and the start of its text.
func (b *browser) pageState() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" +
		Array.from(document.querySelectorAll('#flash:not([hidden]), .error:not([hidden]), .result:not([hidden])'), e => '» ' + e.textContent).join('\n') +
		"\n" + (document.body ? document.body.innerText.slice(0, 1500) : '')`))
	if err != nil {
		return "(page state unavailable: " + err.Error() + ")"
	}
	return s
}

// eval evaluates a JavaScript expression on the page (with
// chromedp.EvalAwaitPromise, the value a promise settles to).
func eval[T any](b *browser, expr string, opts ...chromedp.EvaluateOption) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, opts...))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v\n%s", expr, err, b.pageState())
	}
	return v
}

// until waits until the JavaScript expression is truthy. It polls from Go
// rather than in the page so that a navigation while waiting (a login, a
// redirect) is just another try.
func until(expr string) chromedp.Action[chromedp.Void] {
	check := chromedp.Evaluate[bool]("!!(" + expr + ")")
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		var last error
		for {
			ok, err := check(ctx, t)
			if err == nil && ok {
				return chromedp.Void{}, nil
			}
			last = err
			select {
			case <-ctx.Done():
				return chromedp.Void{}, fmt.Errorf("waiting for %s: %w (last evaluation error: %v)", expr, ctx.Err(), last)
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
}

// loaded waits until the page's script has drawn its data.
func loaded(path string) chromedp.Action[chromedp.Void] {
	return until(fmt.Sprintf(`location.pathname === %q && document.body.dataset.loaded === 'true'`, path))
}

// open navigates to a page of the system and waits until it has loaded.
func (b *browser) open(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.base+path), loaded(strings.SplitN(path, "?", 2)[0]))
}

// login signs in on the login page by typing, and waits for the home page
// of the user's role.
func (b *browser) login(user, home string) {
	b.t.Helper()
	b.do("log in as "+user,
		chromedp.Navigate(b.base+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#login-name")),
		chromedp.SendKeys(chromedp.CSS("#login-name"), user),
		chromedp.SendKeys(chromedp.CSS("#login-password"), password),
		chromedp.Click(chromedp.CSS("#login-submit")),
		loaded(home),
	)
}

// logout signs out with the button of the top bar.
func (b *browser) logout() {
	b.t.Helper()
	b.do("log out", chromedp.Click(chromedp.CSS("#logout"), chromedp.NodeVisible), until(`location.pathname === '/login'`))
}

// set fills a form field (input, textarea or select).
func set(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.SetValue(chromedp.CSS(sel), value, chromedp.NodeReady)
}

// click clicks a visible element.
func click(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)
}

// shot saves a PNG of the whole page as <name>.png.
func (b *browser) shot(name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(b.dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatalf("write %s: %v", path, err)
	}
	b.t.Logf("screenshot %s", path)
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string { return strconv.Quote(s) }
