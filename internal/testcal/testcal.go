// Package testcal lets tests count working days past the shipped holiday
// data. The State Council publishes a year's arrangement late in the year
// before, and until then the calendar refuses to count into that year (its
// own tests check the refusal). A test about something else — a meeting's
// table with "20个工作日", a project planned backwards from its end date —
// would otherwise start failing every December.
package testcal

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/duban-gov/duban/calendar"
)

// YearFiles writes a year file for each year from this one through the
// next that the shipped calendar has no arrangement for, declaring it with
// weekends only, and returns their paths for app.RuleFiles.Calendars (none
// once the shipped data covers both years).
func YearFiles(tb testing.TB) []string {
	tb.Helper()
	shipped, err := calendar.Default()
	if err != nil {
		tb.Fatalf("shipped calendar: %v", err)
	}
	dir := tb.TempDir()
	var paths []string
	this := time.Now().In(calendar.Zone).Year()
	for year := this; year <= this+1; year++ {
		var missing *calendar.NoDataError
		_, err := shipped.AddWorkingDays(calendar.MustParseDate(fmt.Sprintf("%d-07-01", year)), 1)
		if !errors.As(err, &missing) {
			continue
		}
		path := filepath.Join(dir, fmt.Sprintf("test-%d.txt", year))
		body := fmt.Sprintf("# testcal: %d declared with weekends only, for tests\nyear %d\n", year, year)
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			tb.Fatalf("write test calendar: %v", err)
		}
		paths = append(paths, path)
	}
	return paths
}
