package calendar_test

import (
	"testing"

	"github.com/duban-gov/duban/calendar"
)

// BenchmarkAddWorkingDays is the deadline computation of an issued slip: 20
// working days, from starts that cross the Spring Festival, National Day and
// a year boundary.
func BenchmarkAddWorkingDays(b *testing.B) {
	c := defaultCalendar(b)
	starts := []calendar.Date{
		date(b, "2026-02-12"), date(b, "2025-09-30"), date(b, "2025-12-30"), date(b, "2024-06-03"),
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := c.AddWorkingDays(starts[i%len(starts)], 20); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWorkingDaysBetween counts across a whole shipped year.
func BenchmarkWorkingDaysBetween(b *testing.B) {
	c := defaultCalendar(b)
	from, to := date(b, "2025-01-01"), date(b, "2025-12-31")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.WorkingDaysBetween(from, to); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNew is the cost of building a calendar (parsing the embedded
// files), paid once at start-up.
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := calendar.Default(); err != nil {
			b.Fatal(err)
		}
	}
}
