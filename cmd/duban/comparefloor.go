package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// floorRun is one run of the floor or of duban bench, as measured from the
// outside: what it printed and what the kernel says it cost.
type floorRun struct {
	name    string  // "floor" or "duban"
	total   float64 // seconds end to end (issue + drive phases)
	perSec  float64 // slips per second end to end
	cpu     float64 // CPU seconds (user + system) of the whole process
	peakRSS int64   // KiB
	// issueP95 and updateP95 are the run's own latency percentiles in ms:
	// the issue and the five actions after it pooled (0 when not printed).
	issueP95, updateP95 float64
	output              string
}

// outputLines are the patterns of the lines a program prints its figures
// on: the end-to-end time, and the p95 of the issue and of the five actions
// after it pooled.
type outputLines struct{ total, issueP95, updateP95 *regexp.Regexp }

// linesOf is each program's outputLines, by its name in a floorRun.
var linesOf = map[string]outputLines{
	"floor": {
		total:     regexp.MustCompile(`end to end ([0-9.]+)s`),
		issueP95:  regexp.MustCompile(`(?m)^\s*issue\s+n=\s*\d+\s+p50\s+[0-9.]+ms\s+p95\s+([0-9.]+)ms`),
		updateP95: regexp.MustCompile(`(?m)^\s*update\(all 5\)\s+n=\s*\d+\s+p50\s+[0-9.]+ms\s+p95\s+([0-9.]+)ms`),
	},
	"duban": {
		total:     regexp.MustCompile(`end to end:\s+([0-9.]+)s`),
		issueP95:  regexp.MustCompile(`(?m)^issue\s+\d+\s+[0-9.]+ms\s+([0-9.]+)ms`),
		updateP95: regexp.MustCompile(`(?m)^update\(all 5\)\s+\d+\s+[0-9.]+ms\s+([0-9.]+)ms`),
	},
}

// figure is the number re captures in out, or false when out has no such
// line.
func figure(re *regexp.Regexp, out string) (float64, bool) {
	m := re.FindStringSubmatch(out)
	if m == nil {
		return 0, false
	}
	v, err := strconv.ParseFloat(m[1], 64)
	return v, err == nil
}

// parseP95 finds the issue's and the pooled actions' p95 in ms in a run's
// output; a figure not printed is 0.
func parseP95(name, out string) (issue, update float64) {
	lines := linesOf[name]
	issue, _ = figure(lines.issueP95, out)
	update, _ = figure(lines.updateP95, out)
	return issue, update
}

// parseTotal finds the end-to-end seconds in a run's output.
func parseTotal(name, out string) (float64, error) {
	total, ok := figure(linesOf[name].total, out)
	if !ok {
		return 0, fmt.Errorf("%s printed no end-to-end time:\n%s", name, out)
	}
	return total, nil
}

// compareFloor runs the bare-Temporal floor (../shared/bench/floor, built by
// the caller) and duban bench alternately, rounds times each, as separate
// processes on the same machine, and prints every run and the median ratios:
// alternating runs see the same machine load, so the ratio is what carries
// over between machines and moments.
func compareFloor(ctx context.Context, out io.Writer, o benchOptions) error {
	if len(o.urls) > 0 {
		return errors.New("--compare-floor measures the embedded default; it cannot be used with --url")
	}
	if _, err := os.Stat(o.compareFloor); err != nil {
		return fmt.Errorf("--compare-floor: the floor binary: %w (build it: cd ../shared/bench/floor && go build -o /tmp/floor .)", err)
	}
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("compare floor: find this binary: %w", err)
	}
	n, c := strconv.Itoa(o.slips), strconv.Itoa(o.concurrency)
	floorArgs := []string{"-mode", "sqlite", "-n", n, "-c", c}
	dubanArgs := []string{"bench", "--slips", n, "--concurrency", c,
		"--departments", strconv.Itoa(o.departments), "--offices", strconv.Itoa(o.offices)}
	fmt.Fprintf(out, "comparing duban bench with the floor: %d slips at concurrency %d, %d rounds (floor, duban, …)\n", o.slips, o.concurrency, o.rounds)
	fmt.Fprintf(out, "load average before: %s\n", loadAverage())
	var runs []floorRun
	for round := 1; round <= o.rounds; round++ {
		for _, p := range []struct {
			name, bin string
			args      []string
		}{{"floor", o.compareFloor, floorArgs}, {"duban", self, dubanArgs}} {
			r, err := measureTwice(ctx, out, round, p.name, p.bin, p.args, float64(o.slips))
			if err != nil {
				return fmt.Errorf("round %d: %w", round, err)
			}
			runs = append(runs, r)
			fmt.Fprintf(out, "round %d %-5s end to end %7.2fs = %6.1f slips/s, CPU %6.1fs (%.1f ms/slip), peak RSS %d MiB\n",
				round, r.name, r.total, r.perSec, r.cpu, 1000*r.cpu/float64(o.slips), r.peakRSS/1024)
		}
	}
	fmt.Fprintf(out, "load average after: %s\n", loadAverage())
	s := summarizeFloor(runs)
	fmt.Fprintf(out, "\nduban ÷ floor, median of %d rounds: throughput %.2f× (goal ≥ 0.8), CPU per slip %.2f× (goal ≤ 1.25), peak RSS %.2f×\n",
		s.rounds, s.throughput, s.cpu, s.rss)
	if s.updateP95 > 0 {
		fmt.Fprintf(out, "action p95 (the five after the issue, pooled) %.2f×: duban %.0f ms, floor %.0f ms (medians); issue p95 %.2f×\n",
			s.updateP95, s.dubanUpdateP95, s.floorUpdateP95, s.issueP95)
	}
	if o.verbose {
		for _, r := range runs {
			fmt.Fprintf(out, "\n--- %s\n%s", r.name, r.output)
		}
	}
	return nil
}

// measureTwice measures one run, and runs it once more if it failed: the
// floor has exited 1 about once in 40 runs on the 2-core machine, which
// should not end a comparison of many rounds. A second failure does.
func measureTwice(ctx context.Context, out io.Writer, round int, name, bin string, args []string, slips float64) (floorRun, error) {
	r, err := measureRun(ctx, name, bin, args, slips)
	if err == nil || ctx.Err() != nil {
		return r, err
	}
	fmt.Fprintf(out, "round %d %-5s failed, running it once more: %v\n", round, name, firstLine(err))
	return measureRun(ctx, name, bin, args, slips)
}

// measureRun runs one program to the end and measures it.
func measureRun(ctx context.Context, name, bin string, args []string, slips float64) (floorRun, error) {
	var buf bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := cmd.Run(); err != nil {
		return floorRun{}, fmt.Errorf("%s %s: %w\n%s", bin, strings.Join(args, " "), err, buf.String())
	}
	total, err := parseTotal(name, buf.String())
	if err != nil {
		return floorRun{}, err
	}
	r := floorRun{name: name, total: total, perSec: slips / total, output: buf.String(),
		cpu: (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()}
	r.issueP95, r.updateP95 = parseP95(name, r.output)
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.peakRSS = ru.Maxrss // KiB on Linux
	}
	return r, nil
}

// floorSummary is the median ratios duban ÷ floor over the rounds.
type floorSummary struct {
	rounds               int
	throughput, cpu, rss float64
	// issueP95 and updateP95 are ratios of the runs' p95 latencies (0 when
	// a run printed none); dubanUpdateP95 and floorUpdateP95 the medians
	// of each program's own, in ms.
	issueP95, updateP95            float64
	dubanUpdateP95, floorUpdateP95 float64
}

// summarizeFloor pairs each duban run with the floor run before it and takes
// the median of each ratio.
func summarizeFloor(runs []floorRun) floorSummary {
	var tp, cpu, rss, issue, update, dubanUpdate, floorUpdate []float64
	for i := 0; i+1 < len(runs); i += 2 {
		f, d := runs[i], runs[i+1]
		tp = append(tp, d.perSec/f.perSec)
		cpu = append(cpu, d.cpu/f.cpu)
		if f.peakRSS > 0 {
			rss = append(rss, float64(d.peakRSS)/float64(f.peakRSS))
		}
		if f.issueP95 > 0 && d.issueP95 > 0 {
			issue = append(issue, d.issueP95/f.issueP95)
		}
		if f.updateP95 > 0 && d.updateP95 > 0 {
			update = append(update, d.updateP95/f.updateP95)
			dubanUpdate, floorUpdate = append(dubanUpdate, d.updateP95), append(floorUpdate, f.updateP95)
		}
	}
	return floorSummary{rounds: len(tp), throughput: median(tp), cpu: median(cpu), rss: median(rss),
		issueP95: median(issue), updateP95: median(update),
		dubanUpdateP95: median(dubanUpdate), floorUpdateP95: median(floorUpdate)}
}

// median of xs (0 for none).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// loadAverage is the machine's 1, 5 and 15 minute load, to print beside
// the runs: other work on the machine slows both programs.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "n/a"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "n/a"
	}
	return strings.Join(f[:3], " ") + " (" + time.Now().UTC().Format("15:04 UTC") + ")"
}

// firstLine is err's message up to its first line break: a failed run's
// error carries the run's whole output.
func firstLine(err error) string {
	msg, _, _ := strings.Cut(err.Error(), "\n")
	return msg
}
