package store

import (
	"context"
	"fmt"
	"reflect"

	"gorm.io/gorm"

	"github.com/duban-gov/duban/slip"
)

// condition is a SQL predicate on the slips table with its arguments.
type condition struct {
	sql  string
	args []any
}

// inDepartment keeps slips a department leads or helps with.
const inDepartment = "id IN (SELECT slip_id FROM slip_departments WHERE department_code = ?)"

// inUnits keeps slips any of a list of departments leads or helps with (an
// empty list: none). The list is precomputed from the unit tree
// (identity.User.Confine), so this is one index range per code.
const inUnits = "id IN (SELECT slip_id FROM slip_departments WHERE department_code IN ?)"

// aboutUnits is inUnits for a table that names its slip by slip_id (a
// notification, a 回头看): rows about a slip any of a list of departments
// leads or helps with.
const aboutUnits = "slip_id IN (SELECT slip_id FROM slip_departments WHERE department_code IN ?)"

// A slip is coloured and counted overdue by its worst open part's deadline
// (slip.Slip.WorstDeadline): the slips table keeps it as worst_deadline; the
// rollup (slip_stats) keeps it, for open slips, in its effective_deadline
// key column. The conditions below take the column to read.
const (
	slipsColourColumn  = "worst_deadline"
	rollupColourColumn = "effective_deadline"
)

// overdueOn keeps open slips whose deadline in column is before day.
func overdueOn(column, day string) condition {
	return condition{"status IN ? AND " + column + " < ?", []any{statusStrings(slip.OpenStatuses()), day}}
}

// colourConditions are the rules of reminder.ColourOf in SQL, as of today,
// with yellowBy the last deadline that counts as due soon. The ledger's
// colour filter and the statistics' colour counts both use them.
func colourConditions(column, today, yellowBy string) map[string]condition {
	open := statusStrings(slip.OpenStatuses())
	return map[string]condition{
		"red": overdueOn(column, today),
		"yellow": {"status IN ? AND " + column + " >= ? AND (" + column + " <= ? OR (status = ? AND ack_reminded))",
			[]any{open, today, yellowBy, slip.StatusIssued}},
		"green": {"status IN ? AND " + column + " >= ? AND " + column + " > ? AND NOT (status = ? AND ack_reminded)",
			[]any{open, today, yellowBy, slip.StatusIssued}},
	}
}

// A department's own ledger (Filter.VisibleTo: a department user) colours
// and counts a slip overdue by that unit's part instead
// (reminder.PartColourOf): the lead's by the lead's part, a co-unit's by its
// own part's deadline. Open parts are found through slip_tracks_open_part_idx
// (unit, deadline; migration 0090), so a colour is one range of the unit's
// open parts, whatever the ledger's size. A slip without parts (issued
// before they existed) keeps the slip's colour. These conditions stand
// beside inDepartment, which says the slip is the unit's at all.
const (
	openPartStatuses = "('issued', 'in_progress', 'refused')" // slip.TrackStatus.Open
	// ownPartSQL keeps slips where the unit has an open part meeting the
	// first %s (a condition on the part, t), or that have no parts and meet
	// the second (a condition on the slip). One IN over a UNION, so each
	// half reads its own index (slip_tracks_open_part_idx,
	// slips_without_parts_idx); an OR of the two was seconds at a million.
	ownPartSQL = "id IN (SELECT t.slip_id FROM slip_tracks t WHERE t.department_code = ? AND t.status IN " + openPartStatuses + " AND %s" +
		" UNION ALL SELECT w.id FROM slips w WHERE w.without_parts AND " + inDepartmentW + " AND %s)"
	// inDepartmentW is inDepartment on the slip w.
	inDepartmentW = "w.id IN (SELECT slip_id FROM slip_departments WHERE department_code = ?)"
)

// partConditions are PartColourOf's rules on a unit's part t, as of today.
func partConditions(today, yellowBy string) map[string]condition {
	reminded := "(t.status = 'issued' AND t.ack_reminded)"
	return map[string]condition{
		"red":    {"t.deadline < ?", []any{today}},
		"yellow": {"t.deadline >= ? AND (t.deadline <= ? OR " + reminded + ")", []any{today, yellowBy}},
		"green":  {"t.deadline >= ? AND t.deadline > ? AND NOT " + reminded, []any{today, yellowBy}},
	}
}

// ownPart is the condition on slips that unit dept's part (or, for a slip
// without parts of dept's, the slip) meets part — it implies the slip is
// dept's (inDepartment), which the ledger then leaves out — where whole is the same condition on
// a slip without parts (its columns read from that slip, w).
func ownPart(dept string, part, whole condition) condition {
	args := append([]any{statusStrings(slip.OpenStatuses()), dept}, part.args...)
	args = append(append(args, dept), whole.args...)
	return condition{"status IN ? AND " + fmt.Sprintf(ownPartSQL, part.sql, whole.sql), args}
}

// partColourCondition keeps the slips whose colour on unit dept's ledger is
// colour ("red", "yellow", "green"), as of today.
func partColourCondition(dept, colour, today, yellowBy string) (condition, bool) {
	part, ok := partConditions(today, yellowBy)[colour]
	if !ok {
		return condition{}, false
	}
	return ownPart(dept, part, colourConditions(slipsColourColumn, today, yellowBy)[colour]), true
}

// partOverdueOn keeps the slips overdue on day on unit dept's ledger: its
// open part is past its deadline.
func partOverdueOn(dept, day string) condition {
	return ownPart(dept, condition{"t.deadline < ?", []any{day}}, overdueOn(slipsColourColumn, day))
}

// byOwnPart reports whether f colours or counts overdue by a unit's own
// part: on a department's own ledger (VisibleTo).
func (f Filter) byOwnPart() bool {
	return f.VisibleTo != "" && (f.OverdueOn != "" || f.Colour != "")
}

// colourFilters are f's overdue and colour conditions: by the slip's worst
// part, or on a department's own ledger by that unit's part.
func (f Filter) colourFilters() []condition {
	var out []condition
	if f.OverdueOn != "" {
		if f.VisibleTo != "" {
			out = append(out, partOverdueOn(f.VisibleTo, f.OverdueOn))
		} else {
			out = append(out, overdueOn(slipsColourColumn, f.OverdueOn))
		}
	}
	if f.VisibleTo != "" {
		if c, ok := partColourCondition(f.VisibleTo, f.Colour, f.Today, f.YellowBy); ok {
			out = append(out, c)
		}
	} else if c, ok := colourConditions(slipsColourColumn, f.Today, f.YellowBy)[f.Colour]; ok {
		out = append(out, c)
	}
	return out
}

// ownPartQueries are the two halves of what f selects on a department's
// own ledger, when f filters by nothing but that unit's part's colour or
// overdue: the unit's open parts meeting them (t; one range of
// slip_tracks_open_part_idx or a walk of slip_tracks_open_part_slip_idx,
// neither visiting a part's row), and its slips without parts meeting them
// (w). No slip is read for the parts: an open part is only ever on an open
// slip, since sign-off completes the lead's part, the lead resolves only
// once no co part is open, and cancelling cancels every open part; and a
// unit has at most one current part on a slip. ok is false for any other
// filter.
func (s *Store) ownPartQueries(ctx context.Context, f Filter) (parts, legacy *gorm.DB, ok bool) {
	if !f.byOwnPart() {
		return nil, nil, false
	}
	rest := f
	rest.VisibleTo, rest.OverdueOn, rest.Colour, rest.Today, rest.YellowBy, rest.Sort, rest.PageSize, rest.Cursor = "", "", "", "", "", "", 0, ""
	if !reflect.DeepEqual(rest, Filter{}) {
		return nil, nil, false
	}
	var part, whole []condition
	if f.OverdueOn != "" {
		part = append(part, condition{"t.deadline < ?", []any{f.OverdueOn}})
		whole = append(whole, overdueOn(slipsColourColumn, f.OverdueOn))
	}
	if c, ok := partConditions(f.Today, f.YellowBy)[f.Colour]; ok {
		part = append(part, c)
		whole = append(whole, colourConditions(slipsColourColumn, f.Today, f.YellowBy)[f.Colour])
	} else if f.Colour != "" {
		return nil, nil, false
	}
	parts = s.db.WithContext(ctx).Table("slip_tracks t").
		Where("t.department_code = ? AND t.status IN "+openPartStatuses, f.VisibleTo)
	legacy = s.db.WithContext(ctx).Table("slips w").
		Where("w.without_parts AND "+inDepartmentW, f.VisibleTo)
	for i := range part {
		parts = parts.Where(part[i].sql, part[i].args...)
		legacy = legacy.Where(whole[i].sql, whole[i].args...)
	}
	return parts, legacy, true
}

// ownPartCount is the query whose rows are what f selects on a department's
// own ledger by its part's colour or overdue (ownPartQueries), up to limit
// and one more of each half.
func (s *Store) ownPartCount(ctx context.Context, f Filter, limit int64) (*gorm.DB, bool) {
	parts, legacy, ok := s.ownPartQueries(ctx, f)
	if !ok {
		return nil, false
	}
	return s.db.WithContext(ctx).Raw("SELECT 1 AS one FROM (?) AS p UNION ALL SELECT 1 AS one FROM (?) AS l",
		parts.Select("1").Limit(int(limit)+1), legacy.Select("1").Limit(int(limit)+1)), true
}

// ownPartPage is the query of the page of n slips after position after that
// f selects on a department's own ledger by its part's colour or overdue
// (ownPartQueries), newest first: the newest n matching parts of the unit
// and the newest n matching slips without parts, then those slips. Read the
// other way — every matching part, then its slip, then the newest n — a
// page of 住建局's green slips at a million read 6,362 of each (67 ms).
// ok is false for another filter or order, which ListSlips pages as usual.
func (s *Store) ownPartPage(ctx context.Context, f Filter, after *position, n int) (*gorm.DB, bool) {
	if f.Sort != SortNewest {
		return nil, false
	}
	parts, legacy, ok := s.ownPartQueries(ctx, f)
	if !ok {
		return nil, false
	}
	if after != nil {
		parts = parts.Where("t.slip_id < ?", after.ID)
		legacy = legacy.Where("w.id < ?", after.ID)
	}
	newest := s.db.WithContext(ctx).Raw("SELECT p.slip_id FROM (?) AS p UNION ALL SELECT l.id FROM (?) AS l",
		parts.Select("t.slip_id").Order("t.slip_id DESC").Limit(n),
		legacy.Select("w.id").Order("w.id DESC").Limit(n))
	q := s.db.WithContext(ctx).Model(&slipRow{}).
		Where("status IN ? AND id IN (?)", statusStrings(slip.OpenStatuses()), newest)
	return f.ordered(q, after).Limit(n), true
}
