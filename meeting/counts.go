package meeting

import "github.com/duban-gov/duban/stats"

// Counts are the figures of a set of slips (a meeting's items, a problem's
// measures): how many, by outcome and by 三色.
type Counts struct {
	Assigned  int64 `json:"assigned"`
	Closed    int64 `json:"closed"`
	Cancelled int64 `json:"cancelled"`
	Open      int64 `json:"open"`
	Red       int64 `json:"red"`
	Yellow    int64 `json:"yellow"`
	Green     int64 `json:"green"`
}

// ClosureRate is 销号率: closed ÷ (assigned − cancelled), in percent to one
// decimal, half-up (305 of 313 is 97.4), or nil when nothing counts. It is
// the statistics' own rate, so a meeting and the dashboard never disagree.
func (c Counts) ClosureRate() *float64 { return stats.Percent(c.Closed, c.Assigned-c.Cancelled) }

// ProblemStatus is where a problem stands.
type ProblemStatus string

// A problem is open while any measure is; ready when every measure is
// closed (cancelled ones do not count) and it awaits the office's
// acceptance of the whole; closed (销号) once accepted.
const (
	ProblemOpen   ProblemStatus = "open"
	ProblemReady  ProblemStatus = "ready"
	ProblemClosed ProblemStatus = "closed"
)

// Label is the status in Chinese.
func (s ProblemStatus) Label() string {
	switch s {
	case ProblemReady:
		return "措施已全部销号，待验收"
	case ProblemClosed:
		return "已销号"
	}
	return "整改中"
}

// StatusOf is a problem's status from its measures' counts and whether the
// office accepted it.
func StatusOf(measures Counts, accepted bool) ProblemStatus {
	switch {
	case accepted:
		return ProblemClosed
	case measures.Closed > 0 && measures.Closed == measures.Assigned-measures.Cancelled:
		return ProblemReady
	}
	return ProblemOpen
}

// CanAccept reports why a problem may not be accepted yet: nil when every
// measure not cancelled is closed and at least one is.
func CanAccept(measures Counts, accepted bool) error {
	switch StatusOf(measures, accepted) {
	case ProblemClosed:
		return conflict("problem_closed", "该问题已销号")
	case ProblemOpen:
		return conflict("measures_open", "该问题还有 %d 项措施未销号，措施全部销号后才能验收销号", measures.Assigned-measures.Cancelled-measures.Closed)
	}
	return nil
}

// ProblemTally counts problems and measures separately (190 problems →
// 568 measures), each with its closure rate.
type ProblemTally struct {
	Problems       int64 `json:"problems"`
	ProblemsClosed int64 `json:"problems_closed"`
	Measures       Counts
}

// ProblemClosureRate is closed problems ÷ problems, in percent.
func (t ProblemTally) ProblemClosureRate() *float64 {
	return stats.Percent(t.ProblemsClosed, t.Problems)
}
