package devserver

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestStopIsQuiet: stopping the server logs nothing at warn or above. Its
// services used to log a dozen errors and warnings with stack traces while
// they stopped (no hosts left, polls cut off, dials refused), after every
// Ctrl-C of duban dev. The server's log before the stop is read too, so the
// test sees that the log is captured at all.
func TestStopIsQuiet(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w // the server's logger writes to the stdout it finds at Start
	lines := make(chan []string)
	go func() {
		var all []string
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			all = append(all, sc.Text())
		}
		_, _ = io.Copy(io.Discard, r)
		lines <- all
	}()
	srv, err := Start(t.Context(), Options{DBFile: filepath.Join(t.TempDir(), "temporal.db"), LogLevel: "info"})
	os.Stdout = stdout
	if err != nil {
		w.Close()
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second) // its system workers poll, its services gossip
	const mark = "-- stopping --"
	if _, err := w.WriteString(mark + "\n"); err != nil {
		t.Fatal(err)
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second) // what its goroutines log once Stop has returned
	w.Close()

	before, after := 0, []string{}
	stopping := false
	for _, l := range <-lines {
		switch {
		case l == mark:
			stopping = true
		case !stopping:
			before++
		default:
			var entry struct{ Level string }
			if json.Unmarshal([]byte(l), &entry) == nil && (entry.Level == "info" || entry.Level == "debug") {
				continue
			}
			after = append(after, l)
		}
	}
	if before == 0 {
		t.Fatal("the server logged nothing at info while starting: the log is not captured, and the test proves nothing")
	}
	if len(after) > 0 {
		t.Errorf("stopping the server logged %d lines at warn or above, the first:\n%s", len(after), strings.Join(after[:min(3, len(after))], "\n"))
	}
}
