package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/stats"
)

// ClosureStats counts slips per group. Queries over whole months grouped by
// lead department, month or nothing (and, for a department's own view of
// the slips it leads or helps with, or a scoped office's subtree, by month
// or nothing; the subtree by lead department adds the slips its root helps
// with) sum the slip_stats rollup; the whole ledger's by batch, category or
// leader sum slip_group_stats; the rest read the slips. Both give the
// same counts (tested). Its statements are planned for their arguments
// (customPlans).
func (s *Store) ClosureStats(ctx context.Context, q stats.Query) (rows []stats.Row, err error) {
	if !q.GroupBy.Valid() {
		return nil, slip.Invalid("group_by", "分组方式只能是 department、batch、category、month、leader 或 all")
	}
	err = s.planned(ctx, func(s *Store) error {
		rows, err = s.closureStatsOf(ctx, q)
		return err
	})
	return rows, err
}

// closureStatsOf is ClosureStats on s as given.
func (s *Store) closureStatsOf(ctx context.Context, q stats.Query) ([]stats.Row, error) {
	scope := ""
	if q.VisibleUnits != nil && q.VisibleTo == "" && q.Lead == "" {
		scope, _ = s.scopeOf(ctx, q.VisibleUnits)
	}
	switch {
	case useRollup && fromGroupRollup(q):
		return s.closureStats(ctx, q, s.statsQuery(ctx, q, groupRollupSource, statsPart{}), groupRollupSource)
	case !useRollup || !fromRollup(q, scope):
		return s.closureStats(ctx, q, s.statsQuery(ctx, q, slipsSource, statsPart{}), slipsSource)
	case scope != "" && q.GroupBy == stats.GroupByDepartment:
		// By lead department, a subtree's slips are those its root leads
		// and those only below it, from the rollup, with those its root
		// helps with, from the slips (a few thousand for a district).
		rows := s.statsQuery(ctx, q, rollupSource, statsPart{scope: scope, byLead: true})
		helped := s.statsQuery(ctx, q, slipsSource, statsPart{helpedBy: scope})
		return s.closureStats(ctx, q, s.db.WithContext(ctx).Table("(? UNION ALL ?) AS parts", rows, helped), unionSource)
	}
	return s.closureStats(ctx, q, s.statsQuery(ctx, q, rollupSource, statsPart{scope: scope}), rollupSource)
}

// useRollup is true but for tests comparing the rollup with the slips.
var useRollup = true

// fromRollup says whether the rollup holds what q asks. scope is the root of
// q.VisibleUnits when they are a subtree ("" otherwise), whose rows in every
// role hold the subtree's slips (migration 0160); by lead department, with
// the slips the root helps with.
func fromRollup(q stats.Query, scope string) bool {
	switch {
	case q.GroupBy == stats.GroupByMonth, q.GroupBy == stats.GroupByAll:
	case q.GroupBy == stats.GroupByDepartment && q.VisibleTo == "":
	default:
		return false
	}
	if q.VisibleTo != "" && q.Lead != "" || q.VisibleUnits != nil && scope == "" {
		return false
	}
	return monthStart(q.From) && monthEnd(q.To)
}

// fromGroupRollup says whether the group rollup (migrations 0180 and 0200)
// holds what q asks: the whole ledger's slips by batch, category or leader,
// over whole months.
func fromGroupRollup(q stats.Query) bool {
	return (q.GroupBy == stats.GroupByBatch || q.GroupBy == stats.GroupByCategory || q.GroupBy == stats.GroupByLeader) &&
		q.VisibleTo == "" && q.VisibleUnits == nil && q.Lead == "" && monthStart(q.From) && monthEnd(q.To)
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
	groups map[stats.GroupBy]string
	// sums are the SQL of the summed columns, by stats.Row column.
	sums map[string]string
	// filters are the period's conditions.
	from, to func(day string) condition
	// colourColumn is the deadline open slips are coloured by.
	colourColumn string
}

var slipsSource = statsSource{
	table: "slips", unit: "1", colourColumn: slipsColourColumn,
	groups: map[stats.GroupBy]string{
		stats.GroupByDepartment: "lead_department",
		stats.GroupByBatch:      "batch",
		stats.GroupByCategory:   "category",
		stats.GroupByMonth:      "SUBSTR(issued_on, 1, 7)",
		stats.GroupByLeader:     "COALESCE(CAST(leader_user_id AS TEXT), '')",
		stats.GroupByAll:        "'all'",
	},
	sums: map[string]string{
		"extensions":         "extensions",
		"acknowledged":       "CASE WHEN acknowledged_at IS NOT NULL THEN 1 ELSE 0 END",
		"acked_on_time":      "CASE WHEN acknowledged_at IS NOT NULL AND NOT ack_late THEN 1 ELSE 0 END",
		"reviewed":           "CASE WHEN reviewed THEN 1 ELSE 0 END",
		"sent_back":          "CASE WHEN rework_count > 0 THEN 1 ELSE 0 END",
		"send_backs":         "rework_count",
		"timed_closes":       "CASE WHEN close_working_days IS NOT NULL THEN 1 ELSE 0 END",
		"close_working_days": "close_working_days",
		"closed_on_time":     "CASE WHEN status = 'closed' AND resolved_on <= effective_deadline THEN 1 ELSE 0 END",
	},
	from: func(day string) condition { return condition{"issued_on >= ?", []any{day}} },
	to:   func(day string) condition { return condition{"issued_on <= ?", []any{day}} },
}

var rollupSource = statsSource{
	table: "slip_stats", unit: "slips", colourColumn: rollupColourColumn,
	groups: map[stats.GroupBy]string{
		stats.GroupByDepartment: "department_code", // with role = 'lead' (see closureStats)
		stats.GroupByMonth:      "issued_month",
		stats.GroupByAll:        "'all'",
	},
	sums: map[string]string{
		"extensions":         "extensions",
		"acknowledged":       "acknowledged",
		"acked_on_time":      "acked_on_time",
		"reviewed":           "reviewed",
		"sent_back":          "sent_back",
		"send_backs":         "send_backs",
		"timed_closes":       "timed_closes",
		"close_working_days": "close_working_days",
		"closed_on_time":     "closed_on_time",
	},
	from: func(day string) condition { return condition{"issued_month >= ?", []any{day[:7]}} },
	to:   func(day string) condition { return condition{"issued_month <= ?", []any{day[:7]}} },
}

// groupRollupSource is the group rollup (migrations 0180 and 0200):
// rollupSource's columns, a row per group of one grouping (grouped_by).
var groupRollupSource = func() statsSource {
	src := rollupSource
	src.table = "slip_group_stats"
	src.groups = map[stats.GroupBy]string{
		stats.GroupByBatch: "group_key", stats.GroupByCategory: "group_key", stats.GroupByLeader: "group_key",
	}
	return src
}()

// statsPart narrows a statistics query to part of a scoped office's
// subtree (the zero value: q's own visibility).
type statsPart struct {
	// scope: the rollup rows of the subtree under this root, in every role;
	// byLead, those it leads and those only below it, by lead department.
	scope  string
	byLead bool
	// helpedBy: the slips this department is a co-unit of.
	helpedBy string
}

// statsQuery is the grouped query counting what q asks from one source (or
// a part of it); the status rules (open, overdue, 三色) are the same SQL on
// both, weighted by the source's unit.
func (s *Store) statsQuery(ctx context.Context, q stats.Query, src statsSource, part statsPart) *gorm.DB {
	col := src.groups[q.GroupBy]
	if part.byLead {
		col = "CASE WHEN role = 'lead' THEN department_code ELSE lead_department END"
	}
	open := statusStrings(slip.OpenStatuses())
	colours := colourConditions(src.colourColumn, q.Today, q.YellowBy)
	// count is how many slips c holds for (0 over none), its arguments
	// appended in order.
	var args []any
	count := func(c condition) string {
		args = append(args, c.args...)
		return "COALESCE(SUM(CASE WHEN " + c.sql + " THEN " + src.unit + " ELSE 0 END), 0)"
	}
	sum := func(name string) string { return "COALESCE(SUM(" + src.sums[name] + "), 0) AS " + name }
	counted := map[string]condition{
		"closed":          {"status = ?", []any{slip.StatusClosed}},
		"cancelled":       {"status = ?", []any{slip.StatusCancelled}},
		`"open"`:          {"status IN ?", []any{open}},
		"issued":          {"status = ?", []any{slip.StatusIssued}},
		"in_progress":     {"status = ?", []any{slip.StatusInProgress}},
		"pending_review":  {"status = ?", []any{slip.StatusPendingReview}},
		"pending_signoff": {"status = ?", []any{slip.StatusPendingSignoff}},
		"overdue_open":    overdueOn(src.colourColumn, q.Today),
		"red":             colours["red"],
		"yellow":          colours["yellow"],
		"green":           colours["green"],
	}
	selectSQL := col + ` AS "key",
		COALESCE(SUM(` + src.unit + `), 0) AS assigned`
	for _, name := range statsCounts { // in this order, which args follow
		selectSQL += ",\n\t\t" + count(counted[name]) + " AS " + name
	}
	for _, name := range statsSums {
		selectSQL += ",\n\t\t" + sum(name)
	}
	db := s.db.WithContext(ctx).Table(src.table).Select(selectSQL, args...)
	switch {
	case part.helpedBy != "": // of the slips
		db = db.Where("id IN (SELECT slip_id FROM slip_departments WHERE department_code = ? AND role = 'co')", part.helpedBy)
	case src.table == slipsSource.table:
		if q.VisibleTo != "" {
			db = db.Where(inDepartment, q.VisibleTo)
		}
		if q.VisibleUnits != nil {
			db = db.Where(inUnits, q.VisibleUnits)
		}
		if q.Lead != "" {
			db = db.Where("lead_department = ?", q.Lead)
		}
	case src.table == groupRollupSource.table:
		db = db.Where("grouped_by = ?", string(q.GroupBy))
	case part.byLead:
		db = db.Where("department_code = ? AND role IN ('lead', ?)", part.scope, roleBelow)
	case part.scope != "": // every slip of the subtree: its root's rows in every role
		db = db.Where("department_code = ?", part.scope)
	case q.VisibleTo != "": // every slip the department is on, as lead or co-unit
		db = db.Where("department_code = ? AND "+ownRoles, q.VisibleTo)
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
	if q.GroupBy != stats.GroupByAll {
		db = db.Group(col)
	}
	return db
}

// statsCounts are the columns of a statistics row counting the slips a
// condition holds for, after assigned; statsSums are the summed columns
// after them.
var statsCounts = []string{"closed", "cancelled", `"open"`, "issued", "in_progress", "pending_review",
	"pending_signoff", "overdue_open", "red", "yellow", "green"}

var statsSums = []string{"closed_on_time", "extensions", "acknowledged", "acked_on_time",
	"reviewed", "sent_back", "send_backs", "timed_closes", "close_working_days"}

// unionSource adds up parts' rows (statsQuery's) by key: each column is
// summed again.
var unionSource = statsSource{table: "parts"}

// closureStats runs a statistics query of src (statsQuery's, or parts of
// them as unionSource) and labels its rows.
func (s *Store) closureStats(ctx context.Context, q stats.Query, db *gorm.DB, src statsSource) ([]stats.Row, error) {
	if src.table == unionSource.table {
		cols := `"key"`
		for _, c := range slices.Concat([]string{"assigned"}, statsCounts, statsSums) {
			cols += ", SUM(" + c + ") AS " + c
		}
		db = db.Select(cols).Group("key") // quoted by GORM
	}
	if q.GroupBy != stats.GroupByAll {
		db = db.Order(`"key"`)
	}
	var rows []stats.Row
	if err := db.Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("closure stats by %s from %s: %w", q.GroupBy, src.table, err)
	}
	if src.table != slipsSource.table {
		// Rollup rows of slips since moved elsewhere stay at zero.
		rows = slices.DeleteFunc(rows, func(r stats.Row) bool { return r.Assigned == 0 && q.GroupBy != stats.GroupByAll })
	}
	if q.GroupBy == stats.GroupByLeader {
		if err := s.labelLeaders(ctx, rows); err != nil {
			return nil, err
		}
	}
	if q.GroupBy == stats.GroupByDepartment {
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
