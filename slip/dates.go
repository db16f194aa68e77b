package slip

import (
	"time"

	"github.com/duban-gov/duban/calendar"
)

// DefaultDeadlineYears is how far past its issue date a slip's deadline may
// be set, in years, unless the operator configures another window
// (DUBAN_DEADLINE_MAX_YEARS). Supervision work is due in weeks or months; a
// date decades ahead is a typing error, and one at the calendar's end
// (9999-12-31) leaves no day after it to escalate on.
const DefaultDeadlineYears = 10

// LatestDeadline is the last date any deadline of a slip issued at instant
// issued may name, with a window of years (≤ 0: the default).
func LatestDeadline(issued time.Time, years int) calendar.Date {
	if years <= 0 {
		years = DefaultDeadlineYears
	}
	return calendar.DateOf(issued.In(calendar.Zone).AddDate(years, 0, 0))
}

// CheckDeadlineWindow refuses date (the value of field) when it lies past
// LatestDeadline(issued, years); the zero date passes. It is the
// one rule for the issue deadline, a send-back's new deadline, an extension
// asked for and an extension granted.
func CheckDeadlineWindow(field string, date calendar.Date, issued time.Time, years int) error {
	if years <= 0 {
		years = DefaultDeadlineYears
	}
	if latest := LatestDeadline(issued, years); !date.IsZero() && date.After(latest) {
		return Unprocessable(CodeDateOutOfRange, field, "日期 %s 超出允许范围：办结时限最晚为交办之日起 %d 年内（%s）", date, years, latest)
	}
	return nil
}

// LatestDeadline is the last date any deadline of s may name: its issue date
// plus the window fixed on it when it was issued.
func (s *Slip) LatestDeadline() calendar.Date { return LatestDeadline(s.IssuedAt, s.DeadlineYears) }

// CheckDates refuses a command that would set a deadline outside the slip's
// window: an extension asked for, a send-back's new deadline, an extension
// granted (the date given, else the one asked for, so a request made before
// the window existed cannot be approved past it; refusing it stays
// possible). The workflow's validators (through Apply) and the service,
// before the command reaches the workflow, apply this same rule.
func (s *Slip) CheckDates(cmd Command) error {
	var date calendar.Date
	switch cmd.Action {
	case ActionRequestExtension, ActionSendBack:
		date = cmd.Deadline
	case ActionDecideExtension:
		if cmd.Approved == nil || !*cmd.Approved {
			return nil
		}
		date = s.granted(cmd)
	}
	return CheckDeadlineWindow("deadline", date, s.IssuedAt, s.DeadlineYears)
}
