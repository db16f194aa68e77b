package calendar_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/duban-gov/duban/calendar"
)

// TestStrictMissingYear: the embedded data stops at 2026, so anything that
// touches 2027 must fail loudly rather than guess.
func TestStrictMissingYear(t *testing.T) {
	c := defaultCalendar(t)
	requireNoEmbedded2027(t, c)
	queries := map[string]func() error{
		"Day":          func() error { _, err := c.Day(date(t, "2027-01-04")); return err },
		"IsWorkingDay": func() error { _, err := c.IsWorkingDay(date(t, "2027-03-01")); return err },
		// From Wed 2026-12-30: Thu Dec 31 (1), then 2027-01-01 is unknown.
		"AddWorkingDays across": func() error { _, err := c.AddWorkingDays(date(t, "2026-12-30"), 3); return err },
		"AddWorkingDays zero":   func() error { _, err := c.AddWorkingDays(date(t, "2027-06-01"), 0); return err },
		"AddWorkingDays back":   func() error { _, err := c.AddWorkingDays(date(t, "2027-01-05"), -1); return err },
		"WorkingDaysBetween":    func() error { _, err := c.WorkingDaysBetween(date(t, "2026-12-01"), date(t, "2027-01-04")); return err },
		"Range":                 func() error { _, err := c.Range(date(t, "2026-12-01"), date(t, "2027-01-31")); return err },
	}
	for name, q := range queries {
		err := q()
		var nd *calendar.NoDataError
		if !errors.As(err, &nd) || nd.Year != 2027 {
			t.Errorf("%s: error = %v, want *NoDataError{2027}", name, err)
			continue
		}
		msg := err.Error()
		for _, part := range []string{"2027年节假日安排尚未载入", "no holiday data for 2027", "cn-2027.txt"} {
			if !strings.Contains(msg, part) {
				t.Errorf("%s: message %q lacks %q", name, msg, part)
			}
		}
	}
	// Queries that stay inside 2026 are unaffected: Thu Dec 31 is one working
	// day after Wed Dec 30.
	if got, err := c.AddWorkingDays(date(t, "2026-12-30"), 1); err != nil || got != date(t, "2026-12-31") {
		t.Errorf("AddWorkingDays(2026-12-30, 1) = %s, %v", got, err)
	}
}

// cn2027 is how an operator would add 2027 before a release ships it. The
// contents are invented for the test (the real notice is not in the data):
// New Year's Day 2027 is a Friday.
const cn2027 = `# 2027 — 测试用，非真实通知 (test data, not the real notice)
year 2027
2027-01-01 off 元旦
`

func TestExtraYearFile(t *testing.T) {
	requireNoEmbedded2027(t, defaultCalendar(t))
	path := filepath.Join(t.TempDir(), "cn-2027.txt")
	if err := os.WriteFile(path, []byte(cn2027), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := calendar.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if y, ok := s.Year(); !ok || y != 2027 || s.Name() != path {
		t.Fatalf("source = %s year %d %v", s.Name(), y, ok)
	}
	c, err := calendar.New(calendar.Options{Extra: []calendar.Source{s}})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Years(); !slices.Contains(got, 2027) {
		t.Errorf("Years() = %v, want 2027 included", got)
	}
	// From Wed 2026-12-30: Thu Dec 31 (1), Fri Jan 1 off, weekend, Mon Jan 4
	// (2), Tue Jan 5 (3).
	if got, err := c.AddWorkingDays(date(t, "2026-12-30"), 3); err != nil || got != date(t, "2027-01-05") {
		t.Errorf("AddWorkingDays(2026-12-30, 3) = %s, %v; want 2027-01-05", got, err)
	}
	if d, err := c.Day(date(t, "2027-01-01")); err != nil || d.Kind != calendar.KindHoliday || d.Reason != "元旦" {
		t.Errorf("Day(2027-01-01) = %+v, %v", d, err)
	}
	// 2028 is still unknown.
	var nd *calendar.NoDataError
	if _, err := c.Day(date(t, "2028-01-03")); !errors.As(err, &nd) || nd.Year != 2028 {
		t.Errorf("Day(2028-01-03) error = %v, want NoDataError{2028}", err)
	}
	if _, err := calendar.LoadFile(filepath.Join(t.TempDir(), "missing.txt")); err == nil || !strings.Contains(err.Error(), "missing.txt") {
		t.Errorf("LoadFile(missing) error = %v", err)
	}
}

// TestWeekendsOnly: missing years count Monday–Friday, and the warning is
// logged once per year however many queries, even concurrent ones, reach it.
func TestWeekendsOnly(t *testing.T) {
	requireNoEmbedded2027(t, defaultCalendar(t))
	var buf syncBuffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	c, err := calendar.New(calendar.Options{MissingYear: calendar.WeekendsOnly, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	// From Wed 2026-12-30: Thu Dec 31 (1), Fri 2027-01-01 (2, no data so an
	// ordinary Friday), Mon Jan 4 (3).
	if got, err := c.AddWorkingDays(date(t, "2026-12-30"), 3); err != nil || got != date(t, "2027-01-04") {
		t.Fatalf("AddWorkingDays(2026-12-30, 3) = %s, %v; want 2027-01-04", got, err)
	}
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			for _, s := range []string{"2027-03-01", "2027-10-01", "2028-02-14"} {
				if _, err := c.Day(date(t, s)); err != nil {
					t.Error(err)
				}
			}
			if _, err := c.Range(date(t, "2027-12-01"), date(t, "2028-01-31")); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if d, err := c.Day(date(t, "2027-01-02")); err != nil || d.Kind != calendar.KindWeekend || d.Working {
		t.Errorf("Day(2027-01-02) = %+v, %v; want an ordinary Saturday", d, err)
	}
	// Known years are never warned about.
	if _, err := c.AddWorkingDays(date(t, "2025-09-30"), 5); err != nil {
		t.Fatal(err)
	}

	warned := map[float64]int{}
	sc := bufio.NewScanner(bytes.NewReader(buf.Bytes()))
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		if rec["level"] == "WARN" {
			warned[rec["year"].(float64)]++
		}
	}
	if len(warned) != 2 || warned[2027] != 1 || warned[2028] != 1 {
		t.Errorf("warnings per year = %v, want exactly one each for 2027 and 2028\n%s", warned, buf.Bytes())
	}
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.buf.Bytes())
}
