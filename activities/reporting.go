package activities

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/indicator"
	"github.com/duban-gov/duban/store"
)

// Reporting windows: units report the month before from the 1st to the
// ReportingDays-th working day; a reminder goes out on the
// ReminderDay-th working day and a 催办 on the last day, at ReportingHour.
const (
	ReportingDays = 5
	ReminderDay   = 3
	ReportingHour = 9
)

// ReportingRequest names a month whose values are being reported.
type ReportingRequest struct {
	Month string    `json:"month"` // YYYY-MM
	At    time.Time `json:"at"`    // when, by the workflow's clock
}

// ReportingPlan is a window's clock: when to remind the units that have not
// reported, and when to close.
type ReportingPlan struct {
	ClosesOn  string      `json:"closes_on"` // the last day to report
	Reminders []time.Time `json:"reminders"` // 提醒, then 催办 on the last day
	CloseAt   time.Time   `json:"close_at"`  // the start of the day after ClosesOn
}

// PlanReporting computes the window of month's values on the working-day
// calendar: from the 1st of the next month to its ReportingDays-th working
// day, reminders at ReportingHour on the ReminderDay-th and the last day.
func PlanReporting(cal *calendar.Calendar, month string) (ReportingPlan, error) {
	p, err := indicator.ParseMonth(month)
	if err != nil {
		return ReportingPlan{}, err
	}
	next := calendar.Date{Year: p.Year, Month: time.Month(p.Index), Day: 1}.AddDays(32)
	lastOfMonth := calendar.Date{Year: next.Year, Month: next.Month, Day: 1}.AddDays(-1)
	remind, err := cal.AddWorkingDays(lastOfMonth, ReminderDay)
	if err != nil {
		return ReportingPlan{}, fmt.Errorf("plan reporting of %s: %w", month, err)
	}
	closes, err := cal.AddWorkingDays(lastOfMonth, ReportingDays)
	if err != nil {
		return ReportingPlan{}, fmt.Errorf("plan reporting of %s: %w", month, err)
	}
	at := func(d calendar.Date, hour int) time.Time {
		return time.Date(d.Year, d.Month, d.Day, hour, 0, 0, 0, calendar.Zone)
	}
	return ReportingPlan{ClosesOn: closes.String(), Reminders: []time.Time{at(remind, ReportingHour), at(closes, ReportingHour)},
		CloseAt: at(closes.AddDays(1), 0)}, nil
}

// OpenReporting opens month's reporting window (a repeat changes nothing)
// and returns its plan.
func (a *Activities) OpenReporting(ctx context.Context, req ReportingRequest) (ReportingPlan, error) {
	plan, err := PlanReporting(a.Planner.Calendar, req.Month)
	if err != nil {
		return ReportingPlan{}, err
	}
	if _, err := a.Store.OpenWindow(ctx, req.Month, plan.ClosesOn, req.At); err != nil {
		return ReportingPlan{}, err
	}
	return plan, nil
}

// RemindRequest asks for the level-th reminder of a month's window.
type RemindRequest struct {
	Month string    `json:"month"`
	Level int       `json:"level"` // 1 提醒, 2 催办 (the last day)
	At    time.Time `json:"at"`
}

// RemindUnreported writes, to the inbox of every unit responsible for an
// indicator it has not reported for the month, one notification naming
// them — the inbox and webhooks slips use — and returns the webhook
// deliveries to start. Keyed by month, level and unit: a repeat writes
// nothing new.
func (a *Activities) RemindUnreported(ctx context.Context, req RemindRequest) ([]Delivery, error) {
	w, err := a.Store.Window(ctx, req.Month)
	if err != nil {
		return nil, err
	}
	if w.Status != indicator.WindowOpen {
		return nil, nil
	}
	ns, err := a.unreported(ctx, req, w.ClosesOn)
	if err != nil {
		return nil, err
	}
	ids, err := a.Store.Notify(ctx, ns)
	if err != nil {
		return nil, fmt.Errorf("remind the units of %s: %w", req.Month, err)
	}
	return deliveries(ids), nil
}

// unreported composes the reminders: one per unit with something missing.
func (a *Activities) unreported(ctx context.Context, req RemindRequest, closesOn string) ([]store.Notification, error) {
	inds, err := a.Store.Indicators(ctx)
	if err != nil {
		return nil, err
	}
	vals, err := a.Store.Values(ctx, req.Month, "")
	if err != nil {
		return nil, err
	}
	done := map[string]bool{}
	for _, v := range vals {
		done[v.Indicator+"/"+v.Unit] = true
	}
	missing := map[string][]string{}
	var units []string
	for _, ind := range inds {
		for _, u := range ind.Departments {
			if done[ind.Code+"/"+u] {
				continue
			}
			if _, ok := missing[u]; !ok {
				units = append(units, u)
			}
			missing[u] = append(missing[u], ind.Name)
		}
	}
	slices.Sort(units)
	kind, title := "reporting_reminder", "【指标填报提醒】"
	if req.Level >= 2 {
		kind, title = "reporting_urge", "【指标填报催办】"
	}
	out := make([]store.Notification, 0, len(units))
	for _, u := range units {
		out = append(out, store.Notification{
			DedupeKey:     fmt.Sprintf("reporting/%s/%d/%s", req.Month, req.Level, u),
			RecipientKind: store.RecipientDepartment, Recipient: u, Kind: kind, Level: req.Level,
			Title: fmt.Sprintf("%s%s 尚有 %d 项指标未填报，%s 截止", title, req.Month, len(missing[u]), closesOn),
			Body:  "未填报：" + strings.Join(missing[u], "、"), CreatedAt: req.At,
		})
	}
	return out, nil
}

// CloseReporting closes month's window (a repeat changes nothing).
func (a *Activities) CloseReporting(ctx context.Context, req ReportingRequest) error {
	_, err := a.Store.CloseWindow(ctx, req.Month, req.At)
	return err
}
