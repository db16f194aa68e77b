package store

import (
	"fmt"

	"github.com/duban-gov/duban/slip"
)

// condition is a SQL predicate on the slips table with its arguments.
type condition struct {
	sql  string
	args []any
}

// inDepartment keeps slips a department leads or helps with.
const inDepartment = "id IN (SELECT slip_id FROM slip_departments WHERE department_code = ?)"

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
	// partOf keeps slips where the unit has an open part meeting %s, a
	// condition on that part (t).
	partOf = "id IN (SELECT t.slip_id FROM slip_tracks t WHERE t.department_code = ? AND t.status IN " + openPartStatuses + " AND %s)"
	// withoutParts keeps slips that have no parts, coloured as a whole.
	withoutParts = "NOT EXISTS (SELECT 1 FROM slip_tracks x WHERE x.slip_id = slips.id)"
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
// without parts, the slip) meets part, where whole is the same condition on
// a slip without parts.
func ownPart(dept string, part, whole condition) condition {
	open := statusStrings(slip.OpenStatuses())
	args := append([]any{open, dept}, part.args...)
	args = append(args, whole.args...)
	return condition{"status IN ? AND (" + fmt.Sprintf(partOf, part.sql) + " OR (" + withoutParts + " AND " + whole.sql + "))", args}
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
