package calendar_test

import (
	"log/slog"
	"testing"

	"github.com/duban-gov/duban/calendar"
)

// date parses a YYYY-MM-DD literal, failing the test on a typo.
func date(t testing.TB, s string) calendar.Date {
	t.Helper()
	d, err := calendar.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// defaultCalendar is the embedded data under the Strict policy.
func defaultCalendar(t testing.TB) *calendar.Calendar {
	t.Helper()
	c, err := calendar.Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	return c
}

// source parses an in-memory calendar file.
func source(t testing.TB, name, text string) calendar.Source {
	t.Helper()
	s, err := calendar.ParseSource(name, []byte(text))
	if err != nil {
		t.Fatalf("ParseSource(%s): %v", name, err)
	}
	return s
}

// firstYearWithoutData is the year the missing-year tests rely on being
// absent from the embedded data. When its notice is published and committed,
// these tests must move to the next unpublished year; this says so rather
// than failing obscurely.
const firstYearWithoutData = 2027

func requireNoEmbedded2027(t testing.TB, c *calendar.Calendar) {
	t.Helper()
	for _, y := range c.Years() {
		if y == firstYearWithoutData {
			t.Fatalf("calendar/data now has %d: move the missing-year tests to the next unpublished year", y)
		}
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
