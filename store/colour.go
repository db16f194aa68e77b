package store

import "github.com/duban-gov/duban/slip"

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
