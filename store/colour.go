package store

import "github.com/duban-gov/duban/slip"

// condition is a SQL predicate on the slips table with its arguments.
type condition struct {
	sql  string
	args []any
}

// inDepartment keeps slips a department leads or helps with.
const inDepartment = "id IN (SELECT slip_id FROM slip_departments WHERE department_code = ?)"

// overdueOn keeps open slips whose effective deadline is before day.
func overdueOn(day string) condition {
	return condition{"status IN ? AND effective_deadline < ?", []any{statusStrings(slip.OpenStatuses()), day}}
}

// colourConditions are the rules of reminder.ColourOf in SQL, as of today,
// with yellowBy the last deadline that counts as due soon. The ledger's
// colour filter and the statistics' colour counts both use them.
func colourConditions(today, yellowBy string) map[string]condition {
	open := statusStrings(slip.OpenStatuses())
	return map[string]condition{
		"red": overdueOn(today),
		"yellow": {"status IN ? AND effective_deadline >= ? AND (effective_deadline <= ? OR (status = ? AND ack_reminded))",
			[]any{open, today, yellowBy, slip.StatusIssued}},
		"green": {"status IN ? AND effective_deadline >= ? AND effective_deadline > ? AND NOT (status = ? AND ack_reminded)",
			[]any{open, today, yellowBy, slip.StatusIssued}},
	}
}
