package calendar

import (
	"errors"
	"fmt"
)

// NoDataError reports a query that reaches a year no year file declares,
// under the Strict policy. Guessing would silently move deadlines across the
// Spring Festival, so the caller must see this and an operator must add data.
type NoDataError struct {
	Year int
}

// Error says, in Chinese and English, which year is missing and how to add it.
func (e *NoDataError) Error() string {
	return fmt.Sprintf("%d年节假日安排尚未载入 (no holiday data for %d): add calendar/data/cn-%d.txt or load a file that starts with \"year %d\"",
		e.Year, e.Year, e.Year, e.Year)
}

// ErrInvalid is wrapped by every error caused by a query's arguments rather
// than by the data: an invalid Date, a count or span beyond the caps. An API
// maps it to 400 and *NoDataError to 422.
var ErrInvalid = errors.New("invalid calendar query")

// ErrOutOfRange is wrapped (together with ErrInvalid) by a query that walks
// past 9999-12-31 or before 0001-01-01, the ends of the dates a Date can
// name. A planner reaching it has simply run out of calendar; nothing about
// the data is wrong.
var ErrOutOfRange = fmt.Errorf("date beyond 0001-01-01…9999-12-31: %w", ErrInvalid)

// invalid wraps ErrInvalid with what was wrong.
func invalid(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), ErrInvalid)
}
