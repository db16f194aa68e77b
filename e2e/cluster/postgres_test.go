package cluster

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// postgres is the test's own PostgreSQL cluster, started by .ci/postgres.sh
// (the same script CI uses), so that the test can crash and restart it.
type postgres struct {
	t   *testing.T
	bin string // directory of pg_ctl
	dir string
	url string
}

// postgresBin finds the PostgreSQL server binaries, or skips (fails with
// DUBAN_REQUIRE_POSTGRES=1) when there are none.
func postgresBin(t *testing.T) string {
	t.Helper()
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.Sort(dirs)
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "initdb")); err == nil {
			return dirs[i]
		}
	}
	if os.Getenv("DUBAN_REQUIRE_POSTGRES") == "1" {
		t.Fatal("no PostgreSQL server binaries in /usr/lib/postgresql/*/bin but DUBAN_REQUIRE_POSTGRES=1 (apt-get install postgresql)")
	}
	t.Skip("kill test skipped: no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (apt-get install postgresql; bash .ci/run does)")
	return ""
}

// asPostgresUser runs a server command as the cluster's owner: the postgres
// user when we are root (initdb refuses root), ourselves otherwise.
func asPostgresUser(bin string, args ...string) *exec.Cmd {
	if os.Geteuid() == 0 {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", bin}, args...)...)
	}
	return exec.Command(bin, args...)
}

func startPostgres(t *testing.T, bin, dir string) *postgres {
	t.Helper()
	script, err := filepath.Abs(filepath.Join("..", "..", ".ci", "postgres.sh"))
	if err != nil {
		t.Fatal(err)
	}
	// The server inherits the script's stderr: give it a file, not a pipe
	// that would never be closed while the server runs.
	logPath := dir + "-start.log"
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	cmd := exec.Command("bash", script, dir)
	// The script's defaults suit tests that never crash the server. This
	// one does: synchronous_commit=off would lose the last commits —
	// projections the workflows were told had been written — and the
	// timelines would have gaps (the test saw exactly that). fsync stays
	// off: the machine does not crash, only the server.
	cmd.Env = append(os.Environ(), "DUBAN_PG_EXTRA_OPTIONS=-c synchronous_commit=on")
	cmd.Stderr = logFile
	out, err := cmd.Output()
	if err != nil {
		log, _ := os.ReadFile(logPath)
		t.Fatalf("start postgres: %v\n%s", err, log)
	}
	return &postgres{t: t, bin: bin, dir: dir, url: strings.TrimSpace(string(out))}
}

// restart crashes the server (immediate mode: no checkpoint, recovery on
// start) and starts it again with the same options.
func (p *postgres) restart() {
	p.t.Helper()
	serverLog := filepath.Join(p.dir, "server.log")
	cmd := asPostgresUser(filepath.Join(p.bin, "pg_ctl"), "-D", filepath.Join(p.dir, "data"), "-l", serverLog,
		"-m", "immediate", "-w", "-t", "60", "restart")
	// Files, not pipes: the restarted server inherits them and never exits.
	out, err := os.OpenFile(p.dir+"-restart.log", os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		p.t.Fatal(err)
	}
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Run(); err != nil {
		log, _ := os.ReadFile(p.dir + "-restart.log")
		p.t.Fatalf("restart postgres: %v\n%s", err, log)
	}
}

func (p *postgres) stop() {
	_ = asPostgresUser(filepath.Join(p.bin, "pg_ctl"), "-D", filepath.Join(p.dir, "data"), "-m", "immediate", "stop").Run()
}

// outage makes the server stop answering for d — every process of it
// frozen with SIGSTOP, as a hung host or a network partition looks to its
// clients, with writes in flight — and then crashes and restarts it, as a
// failover does.
func (p *postgres) outage(d time.Duration) {
	p.t.Helper()
	pidFile, err := os.ReadFile(filepath.Join(p.dir, "data", "postmaster.pid"))
	if err != nil {
		p.t.Fatalf("read postmaster.pid: %v", err)
	}
	master, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(pidFile), "\n", 2)[0]))
	if err != nil {
		p.t.Fatalf("postmaster.pid: %v", err)
	}
	pids := []int{master}
	if out, err := exec.Command("pgrep", "-P", strconv.Itoa(master)).Output(); err == nil {
		for _, f := range strings.Fields(string(out)) {
			if pid, err := strconv.Atoi(f); err == nil {
				pids = append(pids, pid)
			}
		}
	}
	for _, pid := range pids {
		_ = syscall.Kill(pid, syscall.SIGSTOP)
	}
	time.Sleep(d)
	for _, pid := range pids {
		_ = syscall.Kill(pid, syscall.SIGCONT)
	}
	p.restart()
}
