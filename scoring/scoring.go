// Package scoring keeps the arithmetic of the 三考三比 scoring sheets: each
// month a group (the villages of a town, say) is scored on a set of tasks —
// the fixed fifteen plus the X chosen that month ("15+X") — each with a
// maximum; the town's office enters each village's score per task, and the
// sheet totals and ranks them within the group.
//
// Scores are kept in hundredths of a point (int64), never floats, so 9.88 +
// 9.75 + 5.5 + … totals exactly 97.27 and equal totals tie exactly.
package scoring

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/duban-gov/duban/ranking"
	"github.com/duban-gov/duban/slip"
)

// Error codes of scoring sheets.
const (
	CodeScoreAboveMax = "score_above_max" // a score above the task's maximum, or below 0
	CodeSheetFrozen   = "sheet_published" // the month's sheet is published: 409
)

// Points are a score in hundredths of a point: 988 is 9.88.
type Points int64

// ParsePoints reads a score with at most two decimals (400 otherwise).
func ParsePoints(field, s string) (Points, error) {
	s = strings.TrimSpace(s)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, slip.Invalid(field, "分值应为数字，收到 %q", s)
	}
	return FromFloat(field, f)
}

// FromFloat converts a score with at most two decimals to Points.
func FromFloat(field string, f float64) (Points, error) {
	h := math.Round(f * 100)
	if math.Abs(h-f*100) > 1e-6 || math.Abs(f) > 1e6 {
		return 0, slip.Invalid(field, "分值最多两位小数，收到 %v", f)
	}
	return Points(h), nil
}

// Float is p as a number of points.
func (p Points) Float() float64 { return float64(p) / 100 }

// String writes p with two decimals, as sheets print it (97.27, 5.50).
func (p Points) String() string {
	sign := ""
	if p < 0 {
		sign, p = "-", -p
	}
	return fmt.Sprintf("%s%d.%02d", sign, p/100, p%100)
}

// MarshalJSON writes p as a JSON number of points (9.88).
func (p Points) MarshalJSON() ([]byte, error) {
	return []byte(strconv.FormatFloat(p.Float(), 'f', -1, 64)), nil
}

// UnmarshalJSON reads a number with at most two decimals.
func (p *Points) UnmarshalJSON(b []byte) error {
	v, err := FromFloat("score", mustFloat(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

func mustFloat(b []byte) float64 {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return math.NaN()
	}
	return f
}

// Task is one line of a month's sheet.
type Task struct {
	Name  string `json:"name"`
	Max   Points `json:"max"`
	Fixed bool   `json:"fixed"` // one of the fixed fifteen; otherwise one of the month's X
}

// Sheet is a group's scoring sheet for a month: its tasks and each member's
// score per task (member code → one score per task, in the tasks' order;
// a missing member has not been scored).
type Sheet struct {
	Group   string              `json:"group"`
	Month   string              `json:"month"`
	Tasks   []Task              `json:"tasks"`
	Members []Member            `json:"members"`
	Scores  map[string][]Points `json:"scores"`
}

// Member is a scored unit of the group (a village).
type Member struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// ValidateTasks refuses a sheet's task list that cannot be scored.
func ValidateTasks(tasks []Task) error {
	if len(tasks) == 0 || len(tasks) > 100 {
		return slip.Invalid("tasks", "评分表须有 1 到 100 项任务")
	}
	seen := map[string]bool{}
	for i, t := range tasks {
		field := fmt.Sprintf("tasks[%d]", i)
		switch {
		case strings.TrimSpace(t.Name) == "" || utf8.RuneCountInString(t.Name) > 100:
			return slip.Invalid(field, "请填写任务名称（不超过 100 字）")
		case seen[t.Name]:
			return slip.Invalid(field, "任务 %s 重复", t.Name)
		case t.Max <= 0:
			return slip.Invalid(field, "任务 %s 的满分须大于 0", t.Name)
		}
		seen[t.Name] = true
	}
	return nil
}

// CheckScores refuses a member's scores that do not fit the tasks: one per
// task, each from 0 to the task's maximum (422).
func CheckScores(tasks []Task, scores []Points) error {
	if len(scores) != len(tasks) {
		return slip.Invalid("scores", "须为每项任务各给一个分值：%d 项任务，收到 %d 个", len(tasks), len(scores))
	}
	for i, s := range scores {
		if s < 0 || s > tasks[i].Max {
			return slip.Unprocessable(CodeScoreAboveMax, fmt.Sprintf("scores[%d]", i),
				"%s 的得分须在 0 到 %s 之间，收到 %s", tasks[i].Name, tasks[i].Max, s)
		}
	}
	return nil
}

// Total sums a member's scores.
func Total(scores []Points) Points {
	var t Points
	for _, s := range scores {
		t += s
	}
	return t
}

// Row is one member's line in the ranked sheet.
type Row struct {
	Rank   int      `json:"rank"` // 0 when not scored
	Member string   `json:"member_code"`
	Name   string   `json:"member_name"`
	Scores []Points `json:"scores"`
	Total  Points   `json:"total"`
	NoData bool     `json:"no_data"`
}

// Ranked is a sheet with its members totalled and ranked within the group,
// best first, ties sharing a place (1, 2, 2, 4), the unscored last.
type Ranked struct {
	Group string `json:"group"`
	Month string `json:"month"`
	Tasks []Task `json:"tasks"`
	Max   Points `json:"max"` // the sheet's full marks
	Rows  []Row  `json:"rows"`
}

// Rank totals and ranks the sheet.
func Rank(s Sheet) Ranked {
	out := Ranked{Group: s.Group, Month: s.Month, Tasks: s.Tasks, Rows: []Row{}}
	for _, t := range s.Tasks {
		out.Max += t.Max
	}
	var none []Row
	for _, m := range s.Members {
		sc, ok := s.Scores[m.Code]
		if !ok {
			none = append(none, Row{Member: m.Code, Name: m.Name, Scores: []Points{}, NoData: true})
			continue
		}
		out.Rows = append(out.Rows, Row{Member: m.Code, Name: m.Name, Scores: sc, Total: Total(sc)})
	}
	slices.SortStableFunc(out.Rows, func(a, b Row) int { return cmp.Compare(b.Total, a.Total) })
	ranks := ranking.CompetitionRanks(len(out.Rows), func(i, j int) bool { return out.Rows[i].Total == out.Rows[j].Total })
	for i := range out.Rows {
		out.Rows[i].Rank = ranks[i]
	}
	out.Rows = append(out.Rows, none...)
	return out
}
