package calendar_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/duban-gov/duban/calendar"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    calendar.Date
		wantErr string
	}{
		{in: "2026-01-04", want: calendar.Date{Year: 2026, Month: time.January, Day: 4}},
		{in: "2024-02-29", want: calendar.Date{Year: 2024, Month: time.February, Day: 29}}, // leap year
		{in: "0001-01-01", want: calendar.Date{Year: 1, Month: time.January, Day: 1}},
		{in: "2026-02-29", wantErr: "no such date"}, // 2026 is not a leap year
		{in: "2100-02-29", wantErr: "no such date"}, // divisible by 100, not by 400
		{in: "2026-04-31", wantErr: "no such date"},
		{in: "2026-13-01", wantErr: "no such date"},
		{in: "2026-00-10", wantErr: "no such date"},
		{in: "0000-01-01", wantErr: "no such date"},
		{in: "2026-1-04", wantErr: "want YYYY-MM-DD"},
		{in: "2026/01/04", wantErr: "want YYYY-MM-DD"},
		{in: "2026-01-04T00:00", wantErr: "want YYYY-MM-DD"},
		{in: " 2026-01-04", wantErr: "want YYYY-MM-DD"},
		{in: "+026-01-04", wantErr: "want YYYY-MM-DD"},
		{in: "2026-0a-04", wantErr: "want YYYY-MM-DD"},
		{in: "", wantErr: "want YYYY-MM-DD"},
	}
	for _, tt := range tests {
		got, err := calendar.ParseDate(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseDate(%q) = %v, %v; want error containing %q", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		if got.String() != tt.in {
			t.Errorf("ParseDate(%q).String() = %q", tt.in, got.String())
		}
	}
}

// TestDateOfAndAt pins the zone: 16:30 UTC on New Year's Eve is already
// 00:30 on New Year's Day in Beijing, and 18:00 Beijing is 10:00 UTC.
func TestDateOfAndAt(t *testing.T) {
	if got := calendar.DateOf(time.Date(2025, 12, 31, 16, 30, 0, 0, time.UTC)); got != date(t, "2026-01-01") {
		t.Errorf("DateOf(2025-12-31 16:30Z) = %s, want 2026-01-01", got)
	}
	if got := calendar.DateOf(time.Date(2025, 12, 31, 15, 59, 0, 0, time.UTC)); got != date(t, "2025-12-31") {
		t.Errorf("DateOf(2025-12-31 15:59Z) = %s, want 2025-12-31", got)
	}
	at := date(t, "2026-02-24").At(18, 0)
	if want := time.Date(2026, 2, 24, 10, 0, 0, 0, time.UTC); !at.Equal(want) {
		t.Errorf("At(18, 0) = %v, want %v", at, want)
	}
	if at.Location().String() != "Asia/Shanghai" {
		t.Errorf("At location = %s, want Asia/Shanghai", at.Location())
	}
	if got := calendar.DateOf(at); got != date(t, "2026-02-24") {
		t.Errorf("DateOf(At) = %s", got)
	}
}

// TestDateArithmeticMatchesTime checks AddDays, Weekday and Compare, which run
// on integer day numbers, against package time for every day of 1900–2100.
func TestDateArithmeticMatchesTime(t *testing.T) {
	start := date(t, "1900-01-01")
	tm := time.Date(1900, 1, 1, 12, 0, 0, 0, time.UTC)
	prev := start.AddDays(-1)
	for i := 0; tm.Year() <= 2100; i++ {
		d := start.AddDays(i)
		y, m, day := tm.Date()
		if want := (calendar.Date{Year: y, Month: m, Day: day}); d != want {
			t.Fatalf("1900-01-01 + %d days = %s, want %s", i, d, want)
		}
		if d.Weekday() != tm.Weekday() {
			t.Fatalf("%s.Weekday() = %s, want %s", d, d.Weekday(), tm.Weekday())
		}
		if !prev.Before(d) || !d.After(prev) || d.Compare(prev) != 1 || prev.Compare(d) != -1 || d.Compare(d) != 0 {
			t.Fatalf("Compare(%s, %s) inconsistent", prev, d)
		}
		if back := d.AddDays(-i); back != start {
			t.Fatalf("%s - %d days = %s", d, i, back)
		}
		prev = d
		tm = tm.AddDate(0, 0, 1)
	}
	// Out-of-range fields normalise like time.Date.
	for _, tt := range []struct {
		in   calendar.Date
		want string
	}{
		{calendar.Date{Year: 2026, Month: time.February, Day: 30}, "2026-03-02"},
		{calendar.Date{Year: 2026, Month: 13, Day: 1}, "2027-01-01"},
		{calendar.Date{Year: 2026, Month: 0, Day: 1}, "2025-12-01"},
		{calendar.Date{Year: 2026, Month: time.January, Day: 0}, "2025-12-31"},
	} {
		if got := tt.in.AddDays(0); got.String() != tt.want {
			t.Errorf("%v.AddDays(0) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestDateJSON(t *testing.T) {
	type wrapper struct {
		Due calendar.Date `json:"due"`
	}
	b, err := json.Marshal(wrapper{Due: date(t, "2026-02-24")})
	if err != nil || string(b) != `{"due":"2026-02-24"}` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	var w wrapper
	if err := json.Unmarshal([]byte(`{"due":"2025-10-14"}`), &w); err != nil || w.Due != date(t, "2025-10-14") {
		t.Fatalf("Unmarshal = %v, %v", w.Due, err)
	}
	for _, bad := range []string{`{"due":"2025-10-1"}`, `{"due":"2025-02-30"}`, `{"due":20251014}`} {
		if err := json.Unmarshal([]byte(bad), &w); err == nil {
			t.Errorf("Unmarshal(%s) accepted", bad)
		}
	}
	if b, err := json.Marshal(wrapper{}); err != nil || string(b) != `{"due":""}` {
		t.Errorf("Marshal of the zero Date = %s, %v; want the empty string, no date", b, err)
	}
	if err := json.Unmarshal([]byte(`{"due":""}`), &w); err != nil || !w.Due.IsZero() {
		t.Errorf("Unmarshal of \"\" = %v, %v; want the zero Date", w.Due, err)
	}
	if _, err := json.Marshal(wrapper{Due: calendar.Date{Year: 2026, Month: 2, Day: 30}}); err == nil {
		t.Error("Marshal of 2026-02-30 succeeded, want an error rather than an impossible date on the wire")
	}
}

// TestDateStringAsFmt: String writes the digits by hand; it must say what
// fmt's "%04d-%02d-%02d" says, for every day of four centuries and for
// fields out of range (left to fmt).
func TestDateStringAsFmt(t *testing.T) {
	for d := (calendar.Date{Year: 1900, Month: time.January, Day: 1}); d.Year < 2300; d = d.AddDays(1) {
		if want := fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day); d.String() != want {
			t.Fatalf("%#v.String() = %q, want %q", d, d.String(), want)
		}
	}
	for _, d := range []calendar.Date{
		{Year: 1, Month: time.January, Day: 1}, {Year: 9999, Month: time.December, Day: 31},
		{Year: 10000, Month: time.January, Day: 1}, {Year: -1, Month: time.March, Day: 3},
		{Year: 2026, Month: 13, Day: 1}, {Year: 2026, Month: time.May, Day: 100},
	} {
		if want := fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day); d.String() != want {
			t.Errorf("%#v.String() = %q, want %q", d, d.String(), want)
		}
	}
}
