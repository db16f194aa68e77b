package e2e

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/slip"
)

// TestWorkingDayDeadlineAndCalendar issues a slip with a deadline in
// working days and reads the calendar the API computed it on.
func TestWorkingDayDeadlineAndCalendar(t *testing.T) {
	s := start(t)
	s.seedDepartments(t)
	d := draft("按工作日计算时限")
	delete(d, "deadline")
	d["deadline_working_days"] = 3
	// Late in a year whose successor's holidays are not published yet, the
	// count reaches a year without data: that must be an explicit refusal.
	cal0, err := calendar.Default()
	if err != nil {
		t.Fatal(err)
	}
	var noData *calendar.NoDataError
	if _, err := cal0.AddWorkingDays(calendar.DateOf(time.Now()), 3); errors.As(err, &noData) {
		if code := s.must(t, http.StatusUnprocessableEntity, "POST", "/api/v1/slips", d, s.as("office")...).errorCode(t); code != slip.CodeNoCalendarData {
			t.Fatalf("working days into %d: code %s", noData.Year, code)
		}
		t.Skipf("%d has no holiday data yet: refused explicitly, as it should be", noData.Year)
	}
	var sl slipView
	s.must(t, http.StatusCreated, "POST", "/api/v1/slips", d, s.as("office")...).json(t, &sl)
	if sl.WorkingDays != 3 || sl.Deadline == "" || sl.Deadline != sl.Original {
		t.Fatalf("slip: working days %d, deadline %q, original %q", sl.WorkingDays, sl.Deadline, sl.Original)
	}
	today := time.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
	var cal struct {
		WorkingDays int `json:"working_days"`
		Items       []struct {
			Date    string `json:"date"`
			Working bool   `json:"working"`
			Reason  string `json:"reason"`
		} `json:"items"`
	}
	// (today, deadline] holds exactly 3 working days, the last on the deadline.
	from, _ := time.Parse(time.DateOnly, today)
	s.must(t, http.StatusOK, "GET", "/api/v1/calendar?from="+from.AddDate(0, 0, 1).Format(time.DateOnly)+"&to="+sl.Deadline, nil, s.as("office")...).json(t, &cal)
	if cal.WorkingDays != 3 || !cal.Items[len(cal.Items)-1].Working {
		t.Fatalf("calendar from tomorrow to %s: %d working days: %+v", sl.Deadline, cal.WorkingDays, cal.Items)
	}

	// National Day 2026 as the API tells it.
	s.must(t, http.StatusOK, "GET", "/api/v1/calendar?from=2026-10-01&to=2026-10-11", nil, s.as("office")...).json(t, &cal)
	if cal.WorkingDays != 3 || cal.Items[0].Reason != "国庆节" || !cal.Items[9].Working {
		t.Fatalf("National Day 2026: %+v", cal)
	}
}
