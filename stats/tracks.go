package stats

// TrackRow counts what one unit did in one part (role "lead" 主办 or "co"
// 协办) over the slips selected: parts given, finished, finished on time,
// overdue (open past the part's deadline, or finished after it), refused
// (回退) and urged by hand (人工催办). A co-unit that never answers shows up
// as overdue, so silence does not pay; neither does refusing, which counts
// against the unit in RefusalRate.
type TrackRow struct {
	Department string `json:"department"`
	Role       string `json:"role"`
	Assigned   int64  `json:"assigned"`
	Completed  int64  `json:"completed"`
	OnTime     int64  `json:"on_time"`
	Overdue    int64  `json:"overdue"`
	Refusals   int64  `json:"refusals"`
	Presses    int64  `json:"presses"`
}

// OnTimeRate is the share of finished parts finished by their deadline, in
// percent with one decimal; nil when none finished.
func (r TrackRow) OnTimeRate() *float64 { return Percent(r.OnTime, r.Completed) }

// RefusalRate (回退率) is refusals per part given, in percent.
func (r TrackRow) RefusalRate() *float64 { return Percent(r.Refusals, r.Assigned) }

// OverdueRate is the share of parts that are or were overdue, in percent.
func (r TrackRow) OverdueRate() *float64 { return Percent(r.Overdue, r.Assigned) }
