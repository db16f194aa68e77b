// Package cluster runs duban as separate OS processes on loopback — one
// Temporal server (`duban temporal-dev`), its own PostgreSQL cluster, two
// `duban worker` and two `duban serve` — drives slips through their whole
// life over HTTP, kills and restarts processes and the database under load,
// and then proves nothing was lost or duplicated.
package cluster

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/duban-gov/duban/internal/loadgen"
)

// Sizes of the run: small enough for CI on 2 cores, large enough that every
// disruption lands while slips are moving.
const (
	slips       = 150
	concurrency = 12
	departments = 6
	// pgOutage is how long PostgreSQL stops answering, longer than one
	// round of a ledger write's own retries used to last (the bug it
	// catches lost the event after 16 s).
	pgOutage = 20 * time.Second
)

// proc is one child process, in its own process group so that a kill takes
// whatever it started too.
type proc struct {
	name string
	args []string
	env  []string
	log  string

	mu  sync.Mutex
	cmd *exec.Cmd
}

func (p *proc) start(t *testing.T, bin string) {
	t.Helper()
	f, err := os.OpenFile(p.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "\n=== start %s at %s\n", p.name, time.Now().Format(time.RFC3339Nano))
	cmd := exec.Command(bin, p.args...)
	cmd.Env = append(os.Environ(), p.env...)
	cmd.Stdout, cmd.Stderr = f, f
	// Own process group; and die with the test binary if it is killed.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", p.name, err)
	}
	go func() { _ = cmd.Wait(); _ = f.Close() }()
	p.mu.Lock()
	p.cmd = cmd
	p.mu.Unlock()
}

// kill sends SIGKILL to the process group.
func (p *proc) kill() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd != nil && p.cmd.Process != nil {
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	}
}

// cluster is everything the test started.
type cluster struct {
	t       *testing.T
	dir     string
	bin     string
	pg      *postgres
	env     []string
	procs   []*proc
	apiURLs []string
}

func (c *cluster) run(name string, args []string, env ...string) *proc {
	p := &proc{name: name, args: args, env: append(append([]string{}, c.env...), env...), log: filepath.Join(c.dir, name+".log")}
	p.start(c.t, c.bin)
	c.procs = append(c.procs, p)
	return p
}

// oneShot runs a duban command to its end and returns its output.
func (c *cluster) oneShot(args ...string) string {
	c.t.Helper()
	cmd := exec.Command(c.bin, args...)
	cmd.Env = append(os.Environ(), c.env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		c.t.Fatalf("duban %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// waitHTTP waits until url answers 200.
func waitHTTP(t *testing.T, url string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready after %s: %v", url, within, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func waitTCP(t *testing.T, addr string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			conn.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not listening after %s: %v", addr, within, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// waitLine waits until the file at path holds n lines containing substr.
func waitLine(t *testing.T, path, substr string, n int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		b, _ := os.ReadFile(path)
		if strings.Count(string(b), substr) >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: no %d× %q after %s", path, n, substr, within)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// tokenOf finds the token line of `duban user add` output.
func tokenOf(t *testing.T, out string) string {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		if tok, ok := strings.CutPrefix(sc.Text(), "token: "); ok {
			return strings.TrimSpace(tok)
		}
	}
	t.Fatalf("no token in %q", out)
	return ""
}

// TestKillAndRestartUnderLoad is issue 7's multi-process run, on the
// embedded default's Temporal (`duban temporal-dev`, SQLite). While 150
// slips are driven from issue to sign-off through two API processes, it
// kill -9s a worker (restarted after 3 s), then an API process (restarted),
// then freezes PostgreSQL for 20 s with writes in flight and restarts it in
// immediate mode (a crash for the database), then kills the other worker.
// Then it proves: every slip the clients issued exists exactly once, every
// workflow completed with the expected status, the ledger equals each
// workflow's final state, and every timeline runs 1…n with no gap and no
// duplicate.
func TestKillAndRestartUnderLoad(t *testing.T) {
	killTest(t, sqliteTemporal)
}

// TestKillProductionShape is issue 18's: the same run against the
// production shape — `duban temporal`, Temporal's server on PostgreSQL
// persistence and visibility (its schema made by Temporal's own SQL tool),
// sharing one PostgreSQL cluster with the ledger, crashed under both — and
// it also kill -9s the Temporal server process mid-load and restarts it.
// Both blows to Temporal land early in the load, for a known failure: see
// lateTemporalDisruptions.
func TestKillProductionShape(t *testing.T) {
	killTest(t, postgresTemporal)
}

// temporalBackend is how a kill test runs its Temporal server.
type temporalBackend struct {
	name string
	// args of the duban command that serves Temporal on port.
	args func(c *cluster, port int) []string
	// port picks the frontend's port.
	port func(t *testing.T) int
	// underTemporal: Temporal persists to the PostgreSQL the test crashes,
	// and the run also kills and restarts the Temporal process.
	underTemporal bool
}

var (
	sqliteTemporal = temporalBackend{
		name: "temporal-dev (SQLite)",
		args: func(c *cluster, port int) []string {
			return []string{"temporal-dev", "--db-file", filepath.Join(c.dir, "temporal.db"), "--port", fmt.Sprint(port)}
		},
		port: freePort,
	}
	postgresTemporal = temporalBackend{
		name: "temporal (PostgreSQL)",
		args: func(c *cluster, port int) []string {
			return []string{"temporal", "--postgres", c.pg.url, "--port", fmt.Sprint(port)}
		},
		port:          temporalPostgresPort,
		underTemporal: true,
	}
)

// lateTemporalDisruptions says where the production shape's Temporal kill
// and PostgreSQL crash land: in the middle of the load (45 % and 55 % of the
// steps, sign-offs in flight), unless DUBAN_KILL_TEST_EARLY=1 moves them to
// its start (1 % and 2.5 %). Mid-load they found a real failure, about one
// run in five: the worker projects an action into the ledger from inside
// the workflow task (a local activity); when Temporal dies or its database
// freezes before that task's completion is persisted, the update is dropped
// while the ledger already shows it. For a sign-off the retry was answered
// 409 from the ledger and the workflow waited in pending_signoff for good.
// service.Slips.apply now sends a retry of the action the ledger shows as
// final to a workflow that still runs, which applies it again, and
// `duban reconcile` reports (and --repair re-sends) actions a ledger holds
// beyond its workflow; since then 6 of 6 mid-load runs passed.
func lateTemporalDisruptions() bool { return os.Getenv("DUBAN_KILL_TEST_EARLY") != "1" }

// temporalPostgresPort finds a frontend port for `duban temporal`, whose
// services take port-300…port+6 (below 32768: Temporal keeps them in a
// smallint column), all free now.
func temporalPostgresPort(t *testing.T) int {
	t.Helper()
	for try := 0; try < 200; try++ {
		p := 10000 + rand.IntN(20000)
		free := true
		for _, q := range []int{p, p - 300, p + 1, p - 299, p + 2, p - 298, p + 6, p - 294} {
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", q))
			if err != nil {
				free = false
				break
			}
			l.Close()
		}
		if free {
			return p
		}
	}
	t.Fatal("no free port range for temporal")
	return 0
}

// build compiles duban once for every test in the package (TestMain
// removes it).
var build struct {
	once sync.Once
	bin  string
	took time.Duration
	err  error
	out  []byte
}

func dubanBinary(t *testing.T) string {
	t.Helper()
	build.once.Do(func() {
		began := time.Now()
		dir, err := os.MkdirTemp("", "duban-bin-")
		if err != nil {
			build.err = err
			return
		}
		build.bin = filepath.Join(dir, "duban")
		cmd := exec.Command("go", "build", "-o", build.bin, "github.com/duban-gov/duban/cmd/duban")
		build.out, build.err = cmd.CombinedOutput()
		build.took = time.Since(began)
	})
	if build.err != nil {
		t.Fatalf("build duban: %v\n%s", build.err, build.out)
	}
	return build.bin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if build.bin != "" {
		_ = os.RemoveAll(filepath.Dir(build.bin))
	}
	os.Exit(code)
}

func killTest(t *testing.T, backend temporalBackend) {
	if testing.Short() {
		t.Skip("multi-process kill test skipped in -short mode")
	}
	began := time.Now()
	pgBin := postgresBin(t)
	dir, err := os.MkdirTemp("", "duban-kill-")
	if err != nil {
		t.Fatal(err)
	}
	// PostgreSQL runs as the postgres user when we are root: let it in.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	c := &cluster{t: t, dir: dir}
	t.Cleanup(func() {
		for _, p := range c.procs {
			p.kill()
		}
		if c.pg != nil {
			c.pg.stop()
		}
		if t.Failed() {
			t.Logf("logs kept in %s", dir)
			return
		}
		_ = os.RemoveAll(dir)
	})

	c.bin = dubanBinary(t)
	t.Logf("duban built in %s (once per package run)", build.took.Round(time.Millisecond))

	c.pg = startPostgres(t, pgBin, filepath.Join(dir, "pg"))
	temporalPort := backend.port(t)
	temporalAddr := fmt.Sprintf("127.0.0.1:%d", temporalPort)
	c.env = []string{
		"DUBAN_DATABASE_URL=" + c.pg.url,
		"DUBAN_TEMPORAL_ADDRESS=" + temporalAddr,
		"DUBAN_LOG_LEVEL=info",
		// The clients here write faster than a clerk; 429s would only slow the run.
		"DUBAN_WRITES_PER_SECOND=1000", "DUBAN_WRITE_BURST=1000",
	}
	temporal := c.run("temporal", backend.args(c, temporalPort))
	temporalStarts := 1
	waitTCP(t, temporalAddr, time.Minute)
	// Listening comes before the namespace is registered and usable.
	waitLine(t, temporal.log, " ready at ", temporalStarts, time.Minute)
	c.oneShot("migrate")

	var workers []*proc
	for i := 1; i <= 2; i++ {
		workers = append(workers, c.run(fmt.Sprintf("worker%d", i), []string{"worker"},
			fmt.Sprintf("DUBAN_METRICS_ADDR=127.0.0.1:%d", freePort(t))))
	}
	var apis []*proc
	for i := 1; i <= 2; i++ {
		addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
		apis = append(apis, c.run(fmt.Sprintf("api%d", i), []string{"serve"}, "DUBAN_ADDR="+addr,
			fmt.Sprintf("DUBAN_METRICS_ADDR=127.0.0.1:%d", freePort(t))))
		c.apiURLs = append(c.apiURLs, "http://"+addr)
	}
	for _, u := range c.apiURLs {
		waitHTTP(t, u+"/readyz", time.Minute)
	}

	// People: an admin makes the departments; an office clerk and one
	// clerk per department, each with a token from `duban user add`.
	admin := tokenOf(t, c.oneShot("user", "add", "--login", "admin", "--name", "管理员", "--role", "admin"))
	depts := make([]loadgen.Department, 0, departments)
	for i := 1; i <= departments; i++ {
		code := fmt.Sprintf("d%02d", i)
		body := fmt.Sprintf(`{"code":%q,"name":"单位%d"}`, code, i)
		req, _ := http.NewRequest(http.MethodPost, c.apiURLs[0]+"/api/v1/departments", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+admin)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != http.StatusCreated {
			t.Fatalf("create department %s: %v %v", code, err, resp)
		}
		resp.Body.Close()
		tok := tokenOf(t, c.oneShot("user", "add", "--login", "clerk-"+code, "--name", fmt.Sprintf("单位%d经办人", i),
			"--role", "department", "--department", code))
		depts = append(depts, loadgen.Department{Code: code, Token: tok})
	}
	office := tokenOf(t, c.oneShot("user", "add", "--login", "office", "--name", "督查室", "--role", "office"))
	t.Logf("cluster up in %s: %s at %s, postgres %s, workers 2, apis %v", time.Since(began).Round(time.Millisecond), backend.name, temporalAddr, c.pg.url, c.apiURLs)

	// The load, and the disruptions at points of its progress.
	lg := &loadgen.Client{URLs: c.apiURLs, HTTP: &http.Client{Timeout: 40 * time.Second}, RunID: "kill", GiveUp: 3 * time.Minute}
	total := int64(slips * len(loadgen.Lifecycle))
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	type result struct {
		rep loadgen.Report
		err error
	}
	done := make(chan result, 1)
	loadBegan := time.Now()
	go func() {
		rep, err := lg.Run(ctx, loadgen.Options{Slips: slips, Concurrency: concurrency, Office: []string{office}, Departments: depts})
		done <- result{rep, err}
	}()
	at := func(fraction float64) bool {
		for lg.Done() < int64(fraction*float64(total)) {
			select {
			case r := <-done:
				done <- r
				return false
			case <-time.After(50 * time.Millisecond):
			}
		}
		return true
	}
	var timeline []string
	note := func(format string, args ...any) {
		line := fmt.Sprintf("%6.1fs  %4d/%d steps  ", time.Since(loadBegan).Seconds(), lg.Done(), total) + fmt.Sprintf(format, args...)
		timeline = append(timeline, line)
		t.Log(line)
	}
	disruptions := 0
	// bounce kill -9s p and starts it again after pause.
	bounce := func(p *proc, name string, pause time.Duration) {
		p.kill()
		note("kill -9 %s", name)
		time.Sleep(pause)
		p.start(t, c.bin)
		note("%s restarted", name)
		disruptions++
	}
	// The disruptions, at fractions of the steps done.
	type disruption struct {
		at float64
		do func()
	}
	crashPostgres := func() {
		note("postgres frozen for %s (writes in flight), then pg_ctl restart -m immediate", pgOutage)
		c.pg.outage(pgOutage)
		note("postgres back")
		disruptions++
	}
	plan := []disruption{
		{0.15, func() { bounce(workers[0], "worker1", 3*time.Second) }},
		{0.35, func() { bounce(apis[0], "api1", 2*time.Second) }},
		{0.55, crashPostgres},
		{0.75, func() { bounce(workers[1], "worker2", 3*time.Second) }},
	}
	if backend.underTemporal {
		// Temporal itself: every worker's polls and every API's updates in
		// flight are cut; then the database under it and the ledger.
		killTemporal := func() {
			bounce(temporal, "temporal", 3*time.Second)
			temporalStarts++
			waitLine(t, temporal.log, " ready at ", temporalStarts, time.Minute)
			note("temporal ready")
		}
		if lateTemporalDisruptions() {
			plan = slices.Insert(plan, 2, disruption{0.45, killTemporal})
		} else {
			t.Log("Temporal kill and PostgreSQL crash early in the load (DUBAN_KILL_TEST_EARLY=1)")
			plan = []disruption{{0.01, killTemporal}, {0.025, crashPostgres}, plan[0], plan[1], plan[3]}
		}
	}
	for _, d := range plan {
		if at(d.at) {
			d.do()
		}
	}
	r := <-done
	if r.err != nil {
		t.Fatalf("load: %v", r.err)
	}
	if disruptions != len(plan) {
		t.Fatalf("the load finished before all disruptions (%d of %d): make the run longer", disruptions, len(plan))
	}
	note("load done: %d requests, %d retried", r.rep.Requests, r.rep.Retries)

	verify(t, ctx, c, temporalAddr, r.rep)
	if t.Failed() {
		return
	}
	// The operator's own check agrees: nothing for reconcile to repair.
	out := c.oneShot("reconcile")
	if !strings.Contains(out, "differences: 0") {
		t.Fatalf("duban reconcile after the run:\n%s", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "slip workflows:") {
			t.Logf("duban reconcile: %s", line)
		}
	}
	t.Logf("kill test passed in %s (load %s)", time.Since(began).Round(time.Millisecond), r.rep.Total.Round(time.Millisecond))
}
