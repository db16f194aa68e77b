package cluster

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// devRun is one `duban dev` process on a data directory.
type devRun struct {
	cmd  *exec.Cmd
	out  *bytes.Buffer
	url  string
	done chan struct{} // closed when the process has ended
	err  error         // its exit, once done
}

func startDev(t *testing.T, bin, dataDir string) *devRun {
	t.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	cmd := exec.Command(bin, "dev", "--data-dir", dataDir, "--addr", addr,
		"--temporal-port", fmt.Sprint(freePort(t)), "--metrics-addr", fmt.Sprintf("127.0.0.1:%d", freePort(t)))
	out := &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start duban dev: %v", err)
	}
	d := &devRun{cmd: cmd, out: out, url: "http://" + addr, done: make(chan struct{})}
	go func() { d.err = cmd.Wait(); close(d.done) }()
	return d
}

// waitReady waits until duban dev answers /readyz, failing with its output
// if it ends first.
func (d *devRun) waitReady(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		select {
		case <-d.done:
			t.Fatalf("duban dev ended (%v):\n%s", d.err, d.out)
		default:
		}
		if resp, err := http.Get(d.url + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(300 * time.Millisecond)
	}
	t.Fatalf("duban dev not ready after 3 minutes:\n%s", d.out)
}

// stop interrupts duban dev as Ctrl-C does and waits for it to end.
func (d *devRun) stop(t *testing.T) {
	t.Helper()
	_ = d.cmd.Process.Signal(os.Interrupt)
	select {
	case <-d.done:
	case <-time.After(time.Minute):
		_ = syscall.Kill(-d.cmd.Process.Pid, syscall.SIGKILL)
		t.Fatalf("duban dev did not stop:\n%s", d.out)
	}
}

// demoToken reads a demo account's API token from demo-tokens.txt.
func demoToken(t *testing.T, dataDir, login string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dataDir, "demo-tokens.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) >= 4 && f[0] == login {
			return f[3]
		}
	}
	t.Fatalf("no token of %s in demo-tokens.txt:\n%s", login, b)
	return ""
}

func call(t *testing.T, method, url, token string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	var v map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&v)
	return resp.StatusCode, v
}

// TestEmbeddedLedgerLostIsRefusedAndRebuilt is issue 20's second item as a
// newcomer meets it: `duban dev` runs, a slip is issued and acknowledged,
// duban dev stops, duban.db is deleted and temporal.db kept. The next start
// refuses, naming `duban reconcile --data-dir … --rebuild`; the rebuild
// puts the slip back under its number and status, and numbering goes on.
func TestEmbeddedLedgerLostIsRefusedAndRebuilt(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs duban dev three times")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "duban")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/duban-gov/duban/cmd/duban").CombinedOutput(); err != nil {
		t.Fatalf("build duban: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "data")

	dev := startDev(t, bin, data)
	dev.waitReady(t)
	office, zjj := demoToken(t, data, "office"), demoToken(t, data, "zjj")
	status, issued := call(t, "POST", dev.url+"/api/v1/slips", office, map[string]any{
		"title": "老旧小区改造", "content": "年底前完成", "lead_department": "zjj", "priority": "normal",
		"deadline": time.Now().AddDate(0, 1, 0).Format(time.DateOnly)})
	if status != http.StatusCreated {
		t.Fatalf("issue: %d %v", status, issued)
	}
	id, number := issued["id"].(string), issued["number"].(string)
	if status, v := call(t, "POST", dev.url+"/api/v1/slips/"+id+"/acknowledge", zjj, nil); status != http.StatusOK {
		t.Fatalf("acknowledge: %d %v", status, v)
	}
	dev.stop(t)

	for _, f := range []string{"duban.db", "duban.db-wal", "duban.db-shm"} {
		_ = os.Remove(filepath.Join(data, f))
	}
	refused := startDev(t, bin, data)
	<-refused.done
	if err := refused.err; err == nil || !strings.Contains(refused.out.String(), "duban reconcile --data-dir") || !strings.Contains(refused.out.String(), "--rebuild") {
		t.Fatalf("duban dev on a lost ledger: %v\n%s", refused.err, refused.out)
	}

	out, err := exec.Command(bin, "reconcile", "--data-dir", data, "--rebuild").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "repaired: 1") {
		t.Fatalf("duban reconcile --rebuild: %v\n%s", err, out)
	}

	dev = startDev(t, bin, data)
	defer dev.stop(t)
	dev.waitReady(t)
	office = demoToken(t, data, "office")
	status, got := call(t, "GET", dev.url+"/api/v1/slips/"+id, office, nil)
	if status != http.StatusOK || got["number"] != number || got["status"] != "in_progress" {
		t.Fatalf("the slip after the rebuild: %d %v", status, got)
	}
	status, next := call(t, "POST", dev.url+"/api/v1/slips", office, map[string]any{
		"title": "重建后的交办单", "content": "编号接着排", "lead_department": "zjj", "priority": "normal",
		"deadline": time.Now().AddDate(0, 1, 0).Format(time.DateOnly)})
	if status != http.StatusCreated || next["number"] != strings.Replace(number, "1号", "2号", 1) {
		t.Fatalf("numbering after the rebuild: %d %v (first was %s)", status, next, number)
	}
}
