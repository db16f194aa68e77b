package activities

import (
	"cmp"
	"context"
	"fmt"
	"maps"
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

// missing lists the units (codes, sorted) behind on month, per unit the
// names of the indicators it has not reported, and per lead leader the
// "unit: indicator" lines.
func (a *Activities) missing(ctx context.Context, month string) (units []string, byUnit, byLeader map[string][]string, err error) {
	inds, err := a.Store.Indicators(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	vals, err := a.Store.Values(ctx, month, "")
	if err != nil {
		return nil, nil, nil, err
	}
	done := map[string]bool{}
	for _, v := range vals {
		done[v.Indicator+"/"+v.Unit] = true
	}
	depts, err := a.Store.ListDepartments(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	name := map[string]string{}
	for _, d := range depts {
		name[d.Code] = d.Name
	}
	label := func(u string) string { return cmp.Or(name[u], u) }
	byUnit, byLeader = map[string][]string{}, map[string][]string{}
	for _, ind := range inds {
		for _, u := range ind.Departments {
			if done[ind.Code+"/"+u] {
				continue
			}
			if _, ok := byUnit[u]; !ok {
				units = append(units, u)
			}
			byUnit[u] = append(byUnit[u], ind.Name)
			if ind.Leader != "" {
				byLeader[ind.Leader] = append(byLeader[ind.Leader], label(u)+"："+ind.Name)
			}
		}
	}
	slices.Sort(units)
	return units, byUnit, byLeader, nil
}

// unreported composes the reminders: one per unit with something missing
// and, with the 催办 (level 2), one per lead leader naming the units behind
// on the indicators they lead — the ladder slips climb.
func (a *Activities) unreported(ctx context.Context, req RemindRequest, closesOn string) ([]store.Notification, error) {
	units, byUnit, byLeader, err := a.missing(ctx, req.Month)
	if err != nil {
		return nil, err
	}
	kind, title := "reporting_reminder", "【指标填报提醒】"
	if req.Level >= 2 {
		kind, title = "reporting_urge", "【指标填报催办】"
	}
	out := make([]store.Notification, 0, len(units))
	for _, u := range units {
		out = append(out, store.Notification{
			DedupeKey:     fmt.Sprintf("reporting/%s/%d/%s", req.Month, req.Level, u),
			RecipientKind: store.RecipientDepartment, Recipient: u, Kind: kind, Level: req.Level,
			Title: fmt.Sprintf("%s%s 尚有 %d 项指标未填报，%s 截止", title, req.Month, len(byUnit[u]), closesOn),
			Body:  "未填报：" + strings.Join(byUnit[u], "、"), CreatedAt: req.At,
		})
	}
	if req.Level >= 2 {
		leaders := slices.Sorted(maps.Keys(byLeader))
		for _, l := range leaders {
			out = append(out, store.Notification{
				DedupeKey:     fmt.Sprintf("reporting/%s/%d/leader/%s", req.Month, req.Level, l),
				RecipientKind: store.RecipientLeader, Recipient: l, Kind: kind, Level: req.Level,
				Title: fmt.Sprintf("%s%s 您牵头的指标尚有 %d 项未填报，%s 截止", title, req.Month, len(byLeader[l]), closesOn),
				Body:  strings.Join(byLeader[l], "\n"), CreatedAt: req.At,
			})
		}
	}
	return out, nil
}

// CloseReporting closes month's window (a repeat changes nothing) and tells
// the office which units never reported (通报), if any.
func (a *Activities) CloseReporting(ctx context.Context, req ReportingRequest) error {
	if _, err := a.Store.CloseWindow(ctx, req.Month, req.At); err != nil {
		return err
	}
	units, byUnit, _, err := a.missing(ctx, req.Month)
	if err != nil || len(units) == 0 {
		return err
	}
	depts, err := a.Store.ListDepartments(ctx)
	if err != nil {
		return err
	}
	name := map[string]string{}
	for _, d := range depts {
		name[d.Code] = d.Name
	}
	lines := make([]string, len(units))
	for i, u := range units {
		lines[i] = cmp.Or(name[u], u) + "：" + strings.Join(byUnit[u], "、")
	}
	_, err = a.Store.Notify(ctx, []store.Notification{{
		DedupeKey:     "reporting/" + req.Month + "/closed",
		RecipientKind: store.RecipientOffice, Recipient: "office", Kind: "reporting_closed", Level: 3,
		Title:     fmt.Sprintf("【指标填报通报】%s 填报期已截止，%d 个单位未报齐", req.Month, len(units)),
		Body:      strings.Join(lines, "\n"),
		CreatedAt: req.At,
	}})
	if err != nil {
		return fmt.Errorf("report the units behind on %s: %w", req.Month, err)
	}
	return nil
}
