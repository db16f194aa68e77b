package calendar_test

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/duban-gov/duban/calendar"
)

// TestAddWorkingDaysRealNotices walks through arrangements taken from the
// State Council notices; each case's comment is the hand count.
func TestAddWorkingDaysRealNotices(t *testing.T) {
	c := defaultCalendar(t)
	tests := []struct {
		name string
		from string
		n    int
		want string
	}{
		{
			// 2025 National Day + Mid-Autumn: Oct 1 (Wed) – Oct 8 (Wed) off;
			// Sun Sep 28 and Sat Oct 11 are 调休 working days.
			// From Tue Sep 30: Thu Oct 9 (1), Fri Oct 10 (2), Sat Oct 11 (3, 调休),
			// Sun Oct 12 off, Mon Oct 13 (4), Tue Oct 14 (5).
			name: "national day 2025", from: "2025-09-30", n: 5, want: "2025-10-14",
		},
		{
			// Backwards over the same holiday: from Thu Oct 9, Tue Sep 30 (1),
			// Mon Sep 29 (2), Sun Sep 28 (3, 调休), Fri Sep 26 (4).
			name: "national day 2025 backwards", from: "2025-10-09", n: -4, want: "2025-09-26",
		},
		{
			// 2026 Spring Festival: Feb 15 (Sun) – Feb 23 (Mon) off; Sat Feb 14
			// and Sat Feb 28 are 调休 working days. From Thu Feb 12: Fri Feb 13 (1),
			// Sat Feb 14 (2, 调休), Feb 15–23 off, Tue Feb 24 (3).
			name: "spring festival 2026 from thursday", from: "2026-02-12", n: 3, want: "2026-02-24",
		},
		{
			// From Fri Feb 13: Sat Feb 14 (1, 调休), Tue Feb 24 (2), Wed Feb 25 (3).
			name: "spring festival 2026 from friday", from: "2026-02-13", n: 3, want: "2026-02-25",
		},
		{
			// From a day inside the holiday: the start never counts, so the first
			// working day after Mon Feb 16 is Tue Feb 24.
			name: "start on a holiday", from: "2026-02-16", n: 1, want: "2026-02-24",
		},
		{
			// From the make-up Saturday Feb 28: Mon Mar 2 (1); Sun Mar 1 is an
			// ordinary Sunday.
			name: "start on a make-up day", from: "2026-02-28", n: 1, want: "2026-03-02",
		},
		{
			// Year boundary: 2026 New Year's Day Jan 1 (Thu) – Jan 3 (Sat) off, Sun
			// Jan 4 works. From Tue 2025-12-30: Wed Dec 31 (1), Sun Jan 4 (2),
			// Mon Jan 5 (3).
			name: "new year 2026", from: "2025-12-30", n: 3, want: "2026-01-05",
		},
		{
			// And back: Sun Jan 4 (1), Wed Dec 31 (2), Tue Dec 30 (3).
			name: "new year 2026 backwards", from: "2026-01-05", n: -3, want: "2025-12-30",
		},
		{
			// 2020's Spring Festival, extended by the second notice to Sun Feb 2
			// (the original plan had Sat Feb 1 as a 调休 working day). From Thu
			// Jan 23 the next working day is Mon Feb 3.
			name: "spring festival 2020 extended", from: "2020-01-23", n: 1, want: "2020-02-03",
		},
		{
			// Backwards from a day off: 2025 端午节 is Sat May 31 – Mon Jun 2. From
			// Sun Jun 1, Sat May 31 is off and Fri May 30 is the first working day
			// before; WorkingDaysBetween counts it as -1 because walking back the
			// start (Jun 1) is excluded and the end (May 30) included.
			name: "dragon boat 2025 backwards from the holiday", from: "2025-06-01", n: -1, want: "2025-05-30",
		},
		{
			name: "zero is the day itself, even a holiday", from: "2026-02-16", n: 0, want: "2026-02-16",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from := date(t, tt.from)
			got, err := c.AddWorkingDays(from, tt.n)
			if err != nil || got != date(t, tt.want) {
				t.Fatalf("AddWorkingDays(%s, %d) = %s, %v; want %s", tt.from, tt.n, got, err, tt.want)
			}
			between, err := c.WorkingDaysBetween(from, got)
			if err != nil || between != tt.n {
				t.Errorf("WorkingDaysBetween(%s, %s) = %d, %v; want %d", tt.from, got, between, err, tt.n)
			}
		})
	}
}

// TestNewYear2019ReachesUndeclared2018: the 2019 notice starts its New Year
// holiday on 2018-12-30, and cn-2019.txt lists those days, but no file
// declares 2018, so walking into it is still an error under Strict.
func TestNewYear2019ReachesUndeclared2018(t *testing.T) {
	c := defaultCalendar(t)
	// Wed 2019-01-02 back one: Jan 1 off, then 2018-12-31.
	_, err := c.AddWorkingDays(date(t, "2019-01-02"), -1)
	var nd *calendar.NoDataError
	if !errors.As(err, &nd) || nd.Year != 2018 {
		t.Fatalf("AddWorkingDays(2019-01-02, -1) error = %v, want NoDataError for 2018", err)
	}
}

// TestDay checks kinds and reasons of listed and unlisted days.
func TestDay(t *testing.T) {
	c := defaultCalendar(t)
	tests := []struct {
		date string
		want calendar.Day
	}{
		{"2026-01-04", calendar.Day{Working: true, Kind: calendar.KindMakeupWorkday, Reason: "元旦 调休上班"}}, // Sunday
		{"2026-02-17", calendar.Day{Working: false, Kind: calendar.KindHoliday, Reason: "春节"}},
		{"2026-02-21", calendar.Day{Working: false, Kind: calendar.KindHoliday, Reason: "春节"}}, // a Saturday inside the holiday
		{"2025-10-11", calendar.Day{Working: true, Kind: calendar.KindMakeupWorkday, Reason: "国庆节、中秋节 调休上班"}},
		{"2026-09-20", calendar.Day{Working: true, Kind: calendar.KindMakeupWorkday, Reason: "国庆节 调休上班"}},
		{"2020-02-03", calendar.Day{Working: true, Kind: calendar.KindWorking, Reason: "春节 正常上班"}}, // listed Monday
		{"2026-03-07", calendar.Day{Working: false, Kind: calendar.KindWeekend, Reason: "周末"}},
		{"2026-03-10", calendar.Day{Working: true, Kind: calendar.KindWorking, Reason: "工作日"}},
	}
	for _, tt := range tests {
		tt.want.Date = date(t, tt.date)
		got, err := c.Day(tt.want.Date)
		if err != nil || got != tt.want {
			t.Errorf("Day(%s) = %+v, %v; want %+v", tt.date, got, err, tt.want)
		}
		working, err := c.IsWorkingDay(tt.want.Date)
		if err != nil || working != tt.want.Working {
			t.Errorf("IsWorkingDay(%s) = %v, %v", tt.date, working, err)
		}
	}
	jan4, err := c.Day(date(t, "2026-01-04"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(jan4)
	if want := `{"date":"2026-01-04","working":true,"kind":"makeup_workday","reason":"元旦 调休上班"}`; err != nil || string(b) != want {
		t.Errorf("json = %s, %v; want %s", b, err, want)
	}
}

// TestWorkingDaysPerYear counts each shipped year with Range and compares it
// with what the notices imply independently of the file contents: the
// Monday–Friday count, less the statutory days off (11 a year until 2024; 13
// from 2025, when 春节 and 劳动节 gained a day each), since a statutory day
// that falls on a weekend is given back on a weekday and 调休 only swaps days.
// 2020 loses two more: the extension notice added Fri Jan 31 and turned the
// planned make-up Sat Feb 1 into a day off.
func TestWorkingDaysPerYear(t *testing.T) {
	c := defaultCalendar(t)
	tests := []struct {
		year, weekdays, statutory, extra, want int
	}{
		{2019, 261, 11, 0, 250}, // starts Tue, 365 days: 52 weeks + Tue
		{2020, 262, 11, 2, 249}, // starts Wed, leap: + Wed, Thu
		{2021, 261, 11, 0, 250}, // starts Fri: + Fri
		{2022, 260, 11, 0, 249}, // starts Sat: + Sat
		{2023, 260, 11, 0, 249}, // starts Sun: + Sun
		{2024, 262, 11, 0, 251}, // starts Mon, leap: + Mon, Tue
		{2025, 261, 13, 0, 248}, // starts Wed: + Wed
		{2026, 261, 13, 0, 248}, // starts Thu: + Thu
	}
	var years []int
	for _, tt := range tests {
		years = append(years, tt.year)
		if tt.weekdays-tt.statutory-tt.extra != tt.want {
			t.Fatalf("%d: table arithmetic is off", tt.year)
		}
		days, err := c.Range(calendar.Date{Year: tt.year, Month: 1, Day: 1}, calendar.Date{Year: tt.year, Month: 12, Day: 31})
		if err != nil {
			t.Fatalf("Range(%d): %v", tt.year, err)
		}
		working, weekdays := 0, 0
		for _, d := range days {
			if d.Working {
				working++
			}
			if wd := d.Date.Weekday(); wd >= 1 && wd <= 5 {
				weekdays++
			}
		}
		if weekdays != tt.weekdays || working != tt.want {
			t.Errorf("%d: %d weekdays, %d working days; want %d, %d", tt.year, weekdays, working, tt.weekdays, tt.want)
		}
	}
	if got := c.Years(); !slices.Equal(got, years) {
		t.Errorf("Years() = %v, want %v", got, years)
	}
}

func TestRange(t *testing.T) {
	c := defaultCalendar(t)
	days, err := c.Range(date(t, "2026-02-13"), date(t, "2026-02-16"))
	if err != nil {
		t.Fatal(err)
	}
	want := []calendar.Day{
		{Date: date(t, "2026-02-13"), Working: true, Kind: calendar.KindWorking, Reason: "工作日"},
		{Date: date(t, "2026-02-14"), Working: true, Kind: calendar.KindMakeupWorkday, Reason: "春节 调休上班"},
		{Date: date(t, "2026-02-15"), Working: false, Kind: calendar.KindHoliday, Reason: "春节"},
		{Date: date(t, "2026-02-16"), Working: false, Kind: calendar.KindHoliday, Reason: "春节"},
	}
	if !slices.Equal(days, want) {
		t.Errorf("Range = %+v\nwant %+v", days, want)
	}
	one, err := c.Range(date(t, "2026-02-14"), date(t, "2026-02-14"))
	if err != nil || len(one) != 1 || one[0] != want[1] {
		t.Errorf("single-day Range = %+v, %v", one, err)
	}
}

// TestInvalidQueries: arguments out of bounds fail fast with ErrInvalid
// instead of walking for ever or answering about a date that does not exist.
func TestInvalidQueries(t *testing.T) {
	c := defaultCalendar(t)
	d := date(t, "2026-03-10")
	bad := calendar.Date{Year: 2026, Month: 2, Day: 30}
	tests := []struct {
		name string
		call func() error
	}{
		{"add too many", func() error { _, err := c.AddWorkingDays(d, calendar.MaxWorkingDays+1); return err }},
		{"add too many back", func() error { _, err := c.AddWorkingDays(d, -calendar.MaxWorkingDays-1); return err }},
		{"add from invalid date", func() error { _, err := c.AddWorkingDays(bad, 1); return err }},
		{"day of invalid date", func() error { _, err := c.Day(bad); return err }},
		{"zero date", func() error { _, err := c.IsWorkingDay(calendar.Date{}); return err }},
		{"range backwards", func() error { _, err := c.Range(d, d.AddDays(-1)); return err }},
		{"range too long", func() error { _, err := c.Range(d.AddDays(-200), d.AddDays(calendar.MaxRangeDays-200)); return err }},
		{"range to invalid", func() error { _, err := c.Range(d, bad); return err }},
		{"between too far", func() error { _, err := c.WorkingDaysBetween(d, d.AddDays(-calendar.MaxSpanDays-1)); return err }},
		{"between invalid", func() error { _, err := c.WorkingDaysBetween(bad, d); return err }},
	}
	for _, tt := range tests {
		if err := tt.call(); !errors.Is(err, calendar.ErrInvalid) {
			t.Errorf("%s: error = %v, want ErrInvalid", tt.name, err)
		}
	}
	// The cap itself is allowed: 1000 working days from the start of 2019
	// stay within the shipped years.
	start := date(t, "2019-01-02")
	end, err := c.AddWorkingDays(start, calendar.MaxWorkingDays)
	if err != nil {
		t.Fatalf("AddWorkingDays(%s, %d): %v", start, calendar.MaxWorkingDays, err)
	}
	if n, err := c.WorkingDaysBetween(start, end); err != nil || n != calendar.MaxWorkingDays {
		t.Errorf("WorkingDaysBetween(%s, %s) = %d, %v", start, end, n, err)
	}
}
