package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/slip"
)

// GroupBy is a dimension the closure statistics can be grouped by.
type GroupBy string

// The groupings. Department means the lead department: the unit answerable
// for the slip.
const (
	GroupByDepartment GroupBy = "department"
	GroupByBatch      GroupBy = "batch"
	GroupByCategory   GroupBy = "category"
	GroupByMonth      GroupBy = "month" // the month of issue, YYYY-MM
	// GroupByAll gives one row over every slip selected: the dashboard's
	// summary.
	GroupByAll GroupBy = "all"
)

// Valid reports whether g is a known grouping (the slips can be grouped
// every way).
func (g GroupBy) Valid() bool { _, ok := slipsSource.groups[g]; return ok }

// StatsQuery selects slips issued between From and To (inclusive dates,
// YYYY-MM-DD; empty means unbounded) and counts overdue and colours as of
// Today (YellowBy: the last deadline that counts as due soon).
type StatsQuery struct {
	GroupBy  GroupBy
	From     string
	To       string
	Today    string
	YellowBy string
	// VisibleTo restricts the counts to one department's slips (lead or co).
	VisibleTo string
	// Lead restricts the counts to the slips one department leads.
	Lead string
}

// ClosureRow holds the counts of one group.
type ClosureRow struct {
	Key       string `gorm:"column:group_key"`
	Label     string `gorm:"-"`                     // the department's name when grouped by department
	Assigned  int64  `gorm:"column:assigned_count"` // every slip issued
	Closed    int64  `gorm:"column:closed_count"`   // signed off (销号)
	Cancelled int64  `gorm:"column:cancelled_count"`
	Open      int64  `gorm:"column:open_count"`
	// ByStatus counts the open slips in each open status (待签收, 办理中,
	// 待复核, 待销号), so a console's queue counts need no list.
	Issued         int64 `gorm:"column:issued_count"`
	InProgress     int64 `gorm:"column:in_progress_count"`
	PendingReview  int64 `gorm:"column:pending_review_count"`
	PendingSignoff int64 `gorm:"column:pending_signoff_count"`
	OverdueOpen    int64 `gorm:"column:overdue_open_count"`
	ClosedOnTime   int64 `gorm:"column:closed_on_time_count"` // closed, with the accepted resolution reported by the effective deadline
	Extensions     int64 `gorm:"column:extension_count"`      // approved extensions (延期次数)
	Red            int64 `gorm:"column:red_count"`            // open and overdue
	Yellow         int64 `gorm:"column:yellow_count"`         // open, due soon or a reminder unanswered
	Green          int64 `gorm:"column:green_count"`          // open and on track
	// Acknowledged counts slips signed for; AckedOnTime those signed for
	// before the acknowledgement reminder had to go out.
	Acknowledged int64 `gorm:"column:acknowledged_count"`
	AckedOnTime  int64 `gorm:"column:acked_on_time_count"`
	// Reviewed counts slips that went through re-inspection at least once;
	// SentBack those sent back at least once (重办).
	Reviewed int64 `gorm:"column:reviewed_count"`
	SentBack int64 `gorm:"column:sent_back_count"`
	// SendBacks counts send-backs in all: a slip sent back twice counts twice.
	SendBacks int64 `gorm:"column:send_back_count"`
	// TimedCloses counts closed slips whose working days to close are known,
	// and CloseWorkingDays sums those days.
	TimedCloses      int64 `gorm:"column:timed_close_count"`
	CloseWorkingDays int64 `gorm:"column:close_working_days_sum"`
}

// AvgWorkingDaysToClose is the mean number of working days from issue to
// sign-off over the closed slips, to one decimal (half-up), or nil when none
// closed.
func (r ClosureRow) AvgWorkingDaysToClose() *float64 {
	return tenthsHalfUp(r.CloseWorkingDays, r.TimedCloses)
}

// AckTimelyRate is 及时签收率: acknowledged without a reminder ÷ acknowledged.
func (r ClosureRow) AckTimelyRate() *float64 { return Percent(r.AckedOnTime, r.Acknowledged) }

// ReworkRate is 重办率: slips sent back at review ÷ slips reviewed.
func (r ClosureRow) ReworkRate() *float64 { return Percent(r.SentBack, r.Reviewed) }

// ClosureRate is 销号率: closed ÷ (assigned − cancelled), in percent.
func (r ClosureRow) ClosureRate() *float64 { return Percent(r.Closed, r.Assigned-r.Cancelled) }

// OnTimeRate is the share of closed slips whose accepted resolution was
// reported no later than the deadline, in percent.
func (r ClosureRow) OnTimeRate() *float64 { return Percent(r.ClosedOnTime, r.Closed) }

// Percent is n ÷ d as a percentage rounded half-up to one decimal, or nil
// when d is zero (a group with nothing to measure has no rate, not 0%).
// It works in integers so 305 ÷ 313 gives exactly 97.4.
func Percent(n, d int64) *float64 { return tenthsHalfUp(100*n, d) }

// tenthsHalfUp is n ÷ d rounded half-up to one decimal (n, d ≥ 0), in
// integers, or nil when d is zero.
func tenthsHalfUp(n, d int64) *float64 {
	if d <= 0 {
		return nil
	}
	tenths := (n*20 + d) / (2 * d) // round(n*10/d) half-up
	v := float64(tenths) / 10
	return &v
}

// ClosureStats counts slips per group. Queries over whole months grouped by
// lead department, month or nothing (and, for a department's own view of
// the slips it leads or helps with, by month or nothing) sum the slip_stats
// rollup; the rest read the slips. Both give the same counts (tested).
func (s *Store) ClosureStats(ctx context.Context, q StatsQuery) ([]ClosureRow, error) {
	if !q.GroupBy.Valid() {
		return nil, slip.Invalid("group_by", "分组方式只能是 department、batch、category、month 或 all")
	}
	if useRollup && q.fromRollup() {
		return s.closureStats(ctx, q, rollupSource)
	}
	return s.closureStats(ctx, q, slipsSource)
}

// useRollup is true but for tests comparing the rollup with the slips.
var useRollup = true

// fromRollup says whether the rollup holds what q asks.
func (q StatsQuery) fromRollup() bool {
	switch {
	case q.GroupBy == GroupByMonth, q.GroupBy == GroupByAll:
	case q.GroupBy == GroupByDepartment && q.VisibleTo == "":
	default:
		return false
	}
	if q.VisibleTo != "" && q.Lead != "" {
		return false
	}
	return monthStart(q.From) && monthEnd(q.To)
}

// monthStart: empty or the first of a month; monthEnd: empty or a last day.
func monthStart(day string) bool { return day == "" || strings.HasSuffix(day, "-01") }

func monthEnd(day string) bool {
	if day == "" {
		return true
	}
	d, err := calendar.ParseDate(day)
	return err == nil && d.AddDays(1).Day == 1
}

// statsSource is a table ClosureStats can count from, and how.
type statsSource struct {
	table string
	// unit is what one row counts for.
	unit string
	// groups are the SQL of the group keys it can give.
	groups map[GroupBy]string
	// sums are the SQL of the summed columns, by ClosureRow column.
	sums map[string]string
	// filters are the period's conditions.
	from, to func(day string) condition
}

var slipsSource = statsSource{
	table: "slips", unit: "1",
	groups: map[GroupBy]string{
		GroupByDepartment: "lead_department",
		GroupByBatch:      "batch",
		GroupByCategory:   "category",
		GroupByMonth:      "SUBSTR(issued_on, 1, 7)",
		GroupByAll:        "'all'",
	},
	sums: map[string]string{
		"extension_count":        "extensions",
		"acknowledged_count":     "CASE WHEN acknowledged_at IS NOT NULL THEN 1 ELSE 0 END",
		"acked_on_time_count":    "CASE WHEN acknowledged_at IS NOT NULL AND NOT ack_late THEN 1 ELSE 0 END",
		"reviewed_count":         "CASE WHEN reviewed THEN 1 ELSE 0 END",
		"sent_back_count":        "CASE WHEN rework_count > 0 THEN 1 ELSE 0 END",
		"send_back_count":        "rework_count",
		"timed_close_count":      "CASE WHEN close_working_days IS NOT NULL THEN 1 ELSE 0 END",
		"close_working_days_sum": "close_working_days",
		"closed_on_time_count":   "CASE WHEN status = 'closed' AND resolved_on <= effective_deadline THEN 1 ELSE 0 END",
	},
	from: func(day string) condition { return condition{"issued_on >= ?", []any{day}} },
	to:   func(day string) condition { return condition{"issued_on <= ?", []any{day}} },
}

var rollupSource = statsSource{
	table: "slip_stats", unit: "slips",
	groups: map[GroupBy]string{
		GroupByDepartment: "department_code", // with role = 'lead' (see closureStats)
		GroupByMonth:      "issued_month",
		GroupByAll:        "'all'",
	},
	sums: map[string]string{
		"extension_count":        "extensions",
		"acknowledged_count":     "acknowledged",
		"acked_on_time_count":    "acked_on_time",
		"reviewed_count":         "reviewed",
		"sent_back_count":        "sent_back",
		"send_back_count":        "send_backs",
		"timed_close_count":      "timed_closes",
		"close_working_days_sum": "close_working_days",
		"closed_on_time_count":   "closed_on_time",
	},
	from: func(day string) condition { return condition{"issued_month >= ?", []any{day[:7]}} },
	to:   func(day string) condition { return condition{"issued_month <= ?", []any{day[:7]}} },
}

// closureStats counts from one source; the status rules (open, overdue,
// 三色) are the same SQL on both, weighted by the source's unit.
func (s *Store) closureStats(ctx context.Context, q StatsQuery, src statsSource) ([]ClosureRow, error) {
	col := src.groups[q.GroupBy]
	open := statusStrings(slip.OpenStatuses())
	colours := colourConditions(q.Today, q.YellowBy)
	// count is how many slips c holds for (0 over none), its arguments
	// appended in order.
	var args []any
	count := func(c condition) string {
		args = append(args, c.args...)
		return "COALESCE(SUM(CASE WHEN " + c.sql + " THEN " + src.unit + " ELSE 0 END), 0)"
	}
	sum := func(name string) string { return "COALESCE(SUM(" + src.sums[name] + "), 0) AS " + name }
	selectSQL := col + ` AS group_key,
		COALESCE(SUM(` + src.unit + `), 0) AS assigned_count,
		` + count(condition{"status = ?", []any{slip.StatusClosed}}) + ` AS closed_count,
		` + count(condition{"status = ?", []any{slip.StatusCancelled}}) + ` AS cancelled_count,
		` + count(condition{"status IN ?", []any{open}}) + ` AS open_count,
		` + count(condition{"status = ?", []any{slip.StatusIssued}}) + ` AS issued_count,
		` + count(condition{"status = ?", []any{slip.StatusInProgress}}) + ` AS in_progress_count,
		` + count(condition{"status = ?", []any{slip.StatusPendingReview}}) + ` AS pending_review_count,
		` + count(condition{"status = ?", []any{slip.StatusPendingSignoff}}) + ` AS pending_signoff_count,
		` + count(overdueOn(q.Today)) + ` AS overdue_open_count,
		` + count(colours["red"]) + ` AS red_count,
		` + count(colours["yellow"]) + ` AS yellow_count,
		` + count(colours["green"]) + ` AS green_count`
	for _, name := range []string{"closed_on_time_count", "extension_count", "acknowledged_count", "acked_on_time_count",
		"reviewed_count", "sent_back_count", "send_back_count", "timed_close_count", "close_working_days_sum"} {
		selectSQL += ",\n\t\t" + sum(name)
	}
	db := s.db.WithContext(ctx).Table(src.table).Select(selectSQL, args...)
	switch {
	case src.table == slipsSource.table:
		if q.VisibleTo != "" {
			db = db.Where(inDepartment, q.VisibleTo)
		}
		if q.Lead != "" {
			db = db.Where("lead_department = ?", q.Lead)
		}
	case q.VisibleTo != "": // every slip the department is on, in any role
		db = db.Where("department_code = ?", q.VisibleTo)
	case q.Lead != "":
		db = db.Where("role = 'lead' AND department_code = ?", q.Lead)
	default:
		db = db.Where("role = 'lead'")
	}
	if q.From != "" {
		c := src.from(q.From)
		db = db.Where(c.sql, c.args...)
	}
	if q.To != "" {
		c := src.to(q.To)
		db = db.Where(c.sql, c.args...)
	}
	var rows []ClosureRow
	if q.GroupBy != GroupByAll {
		db = db.Group(col).Order(col)
	}
	if err := db.Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("closure stats by %s from %s: %w", q.GroupBy, src.table, err)
	}
	if src.table == rollupSource.table {
		// Rollup rows of slips since moved elsewhere stay at zero.
		rows = slices.DeleteFunc(rows, func(r ClosureRow) bool { return r.Assigned == 0 && q.GroupBy != GroupByAll })
	}
	if q.GroupBy == GroupByDepartment {
		depts, err := s.ListDepartments(ctx)
		if err != nil {
			return nil, err
		}
		names := map[string]string{}
		for _, d := range depts {
			names[d.Code] = d.Name
		}
		for i := range rows {
			rows[i].Label = names[rows[i].Key]
		}
	}
	return rows, nil
}
