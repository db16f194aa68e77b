package calendar_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/duban-gov/duban/calendar"
)

// localOverrides is a city's own file: a typhoon closure on a Wednesday, a
// working Saturday to make it up, duty on National Day, and a closure in a
// year with no national data yet.
const localOverrides = `# 本市2026年调整（测试用）
override
2026-07-08 off 台风停工
2026-07-11 work 台风停工 补班
2026-10-01 work 国庆值守
2027-07-14 off 台风停工
`

func TestOverrideWins(t *testing.T) {
	requireNoEmbedded2027(t, defaultCalendar(t))
	c, err := calendar.New(calendar.Options{Extra: []calendar.Source{source(t, "local.txt", localOverrides)}})
	if err != nil {
		t.Fatal(err)
	}
	days := []struct {
		date string
		want calendar.Day
	}{
		{"2026-07-08", calendar.Day{Working: false, Kind: calendar.KindHoliday, Reason: "台风停工"}},         // Wednesday
		{"2026-07-11", calendar.Day{Working: true, Kind: calendar.KindMakeupWorkday, Reason: "台风停工 补班"}}, // Saturday
		{"2026-10-01", calendar.Day{Working: true, Kind: calendar.KindWorking, Reason: "国庆值守"}},          // national holiday overridden
		{"2026-10-02", calendar.Day{Working: false, Kind: calendar.KindHoliday, Reason: "国庆节"}},          // untouched
	}
	for _, tt := range days {
		tt.want.Date = date(t, tt.date)
		if got, err := c.Day(tt.want.Date); err != nil || got != tt.want {
			t.Errorf("Day(%s) = %+v, %v; want %+v", tt.date, got, err, tt.want)
		}
	}
	adds := []struct {
		from string
		n    int
		want string
	}{
		{"2026-07-07", 1, "2026-07-09"},  // Tue → skip the closed Wed → Thu
		{"2026-07-10", 1, "2026-07-11"},  // Fri → the working Sat
		{"2026-07-13", -2, "2026-07-10"}, // Mon back: Sat Jul 11 (1), Fri Jul 10 (2)
	}
	for _, tt := range adds {
		if got, err := c.AddWorkingDays(date(t, tt.from), tt.n); err != nil || got != date(t, tt.want) {
			t.Errorf("AddWorkingDays(%s, %d) = %s, %v; want %s", tt.from, tt.n, got, err, tt.want)
		}
	}

	// The 2027 closure does not make 2027 known.
	if slices.Contains(c.Years(), 2027) {
		t.Errorf("Years() = %v: an override file made 2027 known", c.Years())
	}
	var nd *calendar.NoDataError
	if _, err := c.Day(date(t, "2027-07-14")); !errors.As(err, &nd) || nd.Year != 2027 {
		t.Errorf("Day(2027-07-14) error = %v, want NoDataError{2027}", err)
	}
	// Under WeekendsOnly the closure still applies in the unknown year.
	w, err := calendar.New(calendar.Options{
		Extra:       []calendar.Source{source(t, "local.txt", localOverrides)},
		MissingYear: calendar.WeekendsOnly,
		Log:         discardLogger(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if d, err := w.Day(date(t, "2027-07-14")); err != nil || d.Working || d.Reason != "台风停工" {
		t.Errorf("WeekendsOnly Day(2027-07-14) = %+v, %v", d, err)
	}
}
