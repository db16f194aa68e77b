package service

import (
	"context"
	"time"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/slip"
)

// refuseBy is the last day of the 退回 window for a part assigned at
// instant at: refuseDays working days after its day. Without holiday data
// for the year it counts weekends only (the window is a courtesy, not a
// commitment like a deadline) and says so in the log.
func (s *Slips) refuseBy(ctx context.Context, at time.Time) calendar.Date {
	n := s.refuseDays
	if n <= 0 {
		n = slip.DefaultRefuseWorkingDays
	}
	day := calendar.DateOf(at)
	if s.calendar != nil {
		due, err := s.calendar.AddWorkingDays(day, n)
		if err == nil {
			return due
		}
		s.log.WarnContext(ctx, "refusal window counted with weekends only", "error", err)
	}
	for n > 0 {
		day = day.AddDays(1)
		if wd := day.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return day
}

// checkCoDeadlines refuses a co-unit's own deadline in the past or after
// the slip's (due, once a working-day count has become a date).
func checkCoDeadlines(d slip.Draft, due, today calendar.Date) error {
	for code, date := range d.CoDeadlines {
		if date.Before(today) {
			return slip.Unprocessable(slip.CodeDeadlinePassed, "co_deadlines", "协办单位 %s 的时限 %s 早于今天（%s）", code, date, today)
		}
		if date.After(due) {
			return slip.Unprocessable(slip.CodeDeadlinePassed, "co_deadlines", "协办单位 %s 的时限 %s 晚于交办单的办结时限 %s", code, date, due)
		}
	}
	return nil
}

// prepareTrackAction fills in what a track action needs from outside the
// request: the acting unit of a department (its own part, whatever the body
// says), the new unit's 退回 window on 改派; and checks against the store
// and today what the workflow cannot (the new unit exists, measures are not
// due in the past) so that bad input is answered before Temporal.
func (s *Slips) prepareTrackAction(ctx context.Context, user identity.User, current slip.Slip, cmd *slip.Command) error {
	now := s.now()
	if user.Role == slip.RoleDepartment {
		cmd.Department = user.Department
	}
	if err := slip.CheckMeasures(cmd.Measures, calendar.DateOf(now)); err != nil {
		return err
	}
	if cmd.Action != slip.ActionReassign {
		return nil
	}
	if cmd.NewDepartment == cmd.Department {
		return slip.Unprocessable(slip.CodeReassignTarget, "new_department", "改派后的单位不能与原单位（%s）相同", cmd.Department)
	}
	missing, err := s.store.MissingDepartments(ctx, []string{cmd.NewDepartment})
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return slip.Unprocessable(slip.CodeUnknownDepartment, "new_department", "单位不存在：%s", cmd.NewDepartment)
	}
	if err := user.MayIssueTo("new_department", cmd.NewDepartment); err != nil {
		return err
	}
	if err := slip.CheckDeadlineWindow("deadline", cmd.Deadline, current.IssuedAt, s.deadlineYears); err != nil {
		return err
	}
	cmd.RefuseBy = s.refuseBy(ctx, now)
	return nil
}
