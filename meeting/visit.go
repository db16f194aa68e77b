package meeting

import (
	"slices"
	"strings"
	"time"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/slip"
)

// VisitStatus is where a 督查 visit stands.
type VisitStatus string

// A visit is planned, done (findings recorded), or merged into another
// visit to the same unit (最多督一次).
const (
	VisitPlanned VisitStatus = "planned"
	VisitDone    VisitStatus = "done"
	VisitMerged  VisitStatus = "merged"
)

// Label is the status in Chinese.
func (s VisitStatus) Label() string {
	switch s {
	case VisitDone:
		return "已督查"
	case VisitMerged:
		return "已合并"
	}
	return "计划中"
}

// MaxMatters bounds the matters of one visit.
const MaxMatters = 50

// Visit is one 督查 visit: a team goes to a unit on a day about some
// matters (the slips, problems or topics it looks at).
type Visit struct {
	ID         string        `json:"id"`
	Department string        `json:"department"`
	Date       calendar.Date `json:"date"`
	Team       string        `json:"team"`
	Matters    []string      `json:"matters"`
	Status     VisitStatus   `json:"status"`
	Findings   string        `json:"findings"`
	MergedInto string        `json:"merged_into,omitempty"`
	CreatedBy  string        `json:"created_by"`
	CreatedAt  time.Time     `json:"created_at"`
}

// Normalize trims white space and drops empty and repeated matters.
func (v *Visit) Normalize() {
	v.Department, v.Team, v.Findings = strings.TrimSpace(v.Department), strings.TrimSpace(v.Team), strings.TrimSpace(v.Findings)
	out := []string{}
	for _, m := range v.Matters {
		if m = strings.TrimSpace(m); m != "" && !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	v.Matters = out
}

// Validate checks a planned visit's shape.
func (v Visit) Validate() error {
	switch {
	case v.Department == "":
		return slip.Invalid("department", "请选择督查的单位")
	case v.Date.IsZero():
		return slip.Invalid("date", "请填写督查日期（YYYY-MM-DD）")
	case v.Team == "":
		return slip.Invalid("team", "请填写督查组")
	case len(v.Matters) > MaxMatters:
		return slip.Invalid("matters", "督查事项最多 %d 项", MaxMatters)
	}
	if err := text("team", v.Team, slip.MaxShortText); err != nil {
		return err
	}
	for _, m := range v.Matters {
		if err := text("matters", m, slip.MaxTitle); err != nil {
			return err
		}
	}
	return text("findings", v.Findings, slip.MaxLongText)
}

// Window is how close two visits to one unit on the same matters may be
// before they clash: Days either side, or (Days = 0, the default) the same
// calendar month.
type Window struct {
	Days int
}

// within reports whether dates a and b fall in one window.
func (w Window) within(a, b calendar.Date) bool {
	if w.Days <= 0 {
		return a.Year == b.Year && a.Month == b.Month
	}
	return !a.AddDays(-w.Days).After(b) && !b.After(a.AddDays(w.Days))
}

// overlap reports whether two visits look at the same matters; a visit
// without matters looks at everything open at the unit.
func overlap(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 {
		return true
	}
	return slices.ContainsFunc(a, func(m string) bool { return slices.Contains(b, m) })
}

// Clashes lists the visits among others that v would repeat: to the same
// unit, on overlapping matters, within the window, neither merged away.
// The rule 最多督一次 wants them merged onto one day.
func Clashes(others []Visit, v Visit, w Window) []Visit {
	var out []Visit
	for _, o := range others {
		if o.ID == v.ID || o.Department != v.Department || o.Status == VisitMerged || v.Status == VisitMerged {
			continue
		}
		if w.within(o.Date, v.Date) && overlap(o.Matters, v.Matters) {
			out = append(out, o)
		}
	}
	return out
}

// Merge folds visit v into target: one day, one team's visit, the matters
// of both. It returns both as changed.
func Merge(v, target Visit) (merged, into Visit, err error) {
	switch {
	case v.ID == target.ID:
		return v, target, slip.Invalid("into", "不能合并到自身")
	case v.Department != target.Department:
		return v, target, slip.Invalid("into", "只能合并同一单位的督查")
	case v.Status != VisitPlanned || target.Status != VisitPlanned:
		return v, target, conflict("visit_not_planned", "只能合并尚在计划中的督查")
	}
	for _, m := range v.Matters {
		if !slices.Contains(target.Matters, m) {
			target.Matters = append(target.Matters, m)
		}
	}
	if len(v.Matters) == 0 {
		target.Matters = []string{}
	}
	if !strings.Contains(target.Team, v.Team) {
		target.Team = target.Team + "、" + v.Team
	}
	v.Status, v.MergedInto = VisitMerged, target.ID
	return v, target, nil
}
