package indicator

import "time"

// Value is one value a unit reported for an indicator and a month. Every
// report is kept; the newest is the value in force, and a correction or a
// report after the window closed says who made it and when.
type Value struct {
	ID         int64     `json:"id"`
	Indicator  string    `json:"indicator_code"`
	Unit       string    `json:"unit_code"`
	Month      string    `json:"month"`
	Value      float64   `json:"value"`
	Note       string    `json:"note"`
	Late       bool      `json:"late"` // reported after the window closed (the office reopened it)
	ReportedBy string    `json:"reported_by"`
	ReportedAt time.Time `json:"reported_at"`
}

// Window states.
const (
	WindowOpen   = "open"
	WindowClosed = "closed"
)

// Window is a month's reporting window (填报期): opened on the 1st, closed
// after the last day units may report (e.g. the 5th working day). A value
// for a closed window is refused (409) unless the office reopens it, which
// is recorded.
type Window struct {
	Month        string     `json:"month"`
	Status       string     `json:"status"`
	OpenedAt     time.Time  `json:"opened_at"`
	ClosesOn     string     `json:"closes_on"` // the last day to report, YYYY-MM-DD
	ClosedAt     *time.Time `json:"closed_at"`
	ReopenedBy   string     `json:"reopened_by"`
	ReopenedAt   *time.Time `json:"reopened_at"`
	ReopenReason string     `json:"reopen_reason"`
}

// Reopened reports whether the office reopened the window after it closed.
func (w Window) Reopened() bool { return w.ReopenedAt != nil }
