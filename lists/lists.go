// Package lists computes the monthly ranking lists (排行榜) of the 晒比: a
// list has members (departments, villages or 专班, optionally in groups
// ranked apart), components with weights summing to 100 (key indicators,
// the slip-handling composite of package ranking, 回头看 results), and the
// office's 加分/扣分 with reasons. Each month each list is computed,
// reviewed, adjusted and published as a frozen snapshot.
//
// Ties share a place (competition ranking: 1, 2, 2, 4) and are placed on the
// 红榜/黑榜 together or not at all (ranking.Boards); a member with nothing
// measurable in the month is 暂无数据, never on the 黑榜.
//
// Compute is pure: the store keeps lists, adjustments and snapshots, and
// the caller gathers each component's scores.
package lists

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/duban-gov/duban/indicator"
	"github.com/duban-gov/duban/ranking"
	"github.com/duban-gov/duban/slip"
)

// Error codes of lists.
const (
	CodeWeightsSum       = "weights_sum"          // weights must sum to 100: 422 with the sum
	CodeMemberTwice      = "member_in_two_groups" // a member listed twice (in two groups) of one list
	CodeListPublished    = "list_published"       // the month's list is published and frozen: 409
	CodeUnknownIndicator = "unknown_indicator"
)

// ErrNotPublished says a list has not been published for a month: what a
// ledger answers when asked for a snapshot it does not hold.
var ErrNotPublished = errors.New("list not published for the month")

// MemberKind is what a list ranks.
type MemberKind string

// The kinds of member.
const (
	Departments MemberKind = "department" // 部门
	Villages    MemberKind = "village"    // 村（社区）
	Teams       MemberKind = "team"       // 专班
	Districts   MemberKind = "district"   // 县市区、乡镇街道
)

// ComponentKind is where a component's scores come from.
type ComponentKind string

// The kinds of component.
const (
	// FromIndicator scores a member by its completion of an indicator in
	// the month, capped at 100.
	FromIndicator ComponentKind = "indicator"
	// FromSlips scores a department by the slip-handling composite of the
	// monthly 晾晒榜 (ranking.Entry.BaseScore).
	FromSlips ComponentKind = "slips"
	// FromReview scores a member by the month's 回头看 results, when there
	// are any.
	FromReview ComponentKind = "review"
)

// Member is one ranked unit of a list, in a group (empty: the whole list).
type Member struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Group string `json:"group"`
}

// Component is one weighted part of a list's score.
type Component struct {
	Kind      ComponentKind `json:"kind"`
	Indicator string        `json:"indicator_code,omitempty"` // for FromIndicator
	Name      string        `json:"name"`
	Weight    float64       `json:"weight"`
}

// Key names the component's scores in Scores.
func (c Component) Key() string {
	if c.Kind == FromIndicator {
		return "indicator:" + c.Indicator
	}
	return string(c.Kind)
}

// List is a ranking list as the office defines it.
type List struct {
	Code       string      `json:"code"`
	Name       string      `json:"name"`
	MemberKind MemberKind  `json:"member_kind"`
	Members    []Member    `json:"members"`
	Components []Component `json:"components"`
	// BoardSize is how many places the 红榜 and the 黑榜 each cover (0:
	// ranking.ListSize).
	BoardSize int `json:"board_size"`
}

// Validate refuses a list that cannot be ranked: weights that do not sum
// to 100 (422 with the sum) and a member listed twice, in one group or two.
func (l List) Validate() error {
	switch {
	case !indicator.ValidCode(l.Code):
		return slip.Invalid("code", "榜单编码只能由小写字母、数字、- 和 _ 组成，收到 %q", l.Code)
	case strings.TrimSpace(l.Name) == "" || utf8.RuneCountInString(l.Name) > 100:
		return slip.Invalid("name", "请填写榜单名称（不超过 100 字）")
	case !slices.Contains([]MemberKind{Departments, Villages, Teams, Districts}, l.MemberKind):
		return slip.Invalid("member_kind", "成员类型须为 department、village、team 或 district，收到 %q", l.MemberKind)
	case len(l.Members) == 0:
		return slip.Invalid("members", "榜单至少要有一个成员")
	case len(l.Components) == 0:
		return slip.Invalid("components", "榜单至少要有一个计分项")
	case l.BoardSize < 0 || l.BoardSize > 50:
		return slip.Invalid("board_size", "红黑榜名额须在 0 到 50 之间")
	}
	group := map[string]string{}
	for i, m := range l.Members {
		if !indicator.ValidCode(m.Code) || strings.TrimSpace(m.Name) == "" {
			return slip.Invalid(fmt.Sprintf("members[%d]", i), "成员须有编码和名称")
		}
		if g, ok := group[m.Code]; ok {
			return slip.Unprocessable(CodeMemberTwice, fmt.Sprintf("members[%d]", i),
				"%s 在本榜单中出现两次（分组 %q 和 %q），一个成员只能属于一个分组", m.Name, g, m.Group)
		}
		group[m.Code] = m.Group
	}
	sum := 0.0
	seen := map[string]bool{}
	for i, c := range l.Components {
		field := fmt.Sprintf("components[%d]", i)
		switch {
		case !slices.Contains([]ComponentKind{FromIndicator, FromSlips, FromReview}, c.Kind):
			return slip.Invalid(field, "计分项类型须为 indicator、slips 或 review，收到 %q", c.Kind)
		case c.Kind == FromIndicator && !indicator.ValidCode(c.Indicator):
			return slip.Invalid(field, "指标计分项须指定指标编码")
		case c.Kind == FromSlips && l.MemberKind != Departments:
			return slip.Unprocessable("slips_need_departments", field, "督办件办理得分只适用于部门榜单")
		case math.IsNaN(c.Weight) || c.Weight <= 0 || c.Weight > 100:
			return slip.Invalid(field, "权重须大于 0、不超过 100")
		case seen[c.Key()]:
			return slip.Invalid(field, "计分项 %s 重复", c.Key())
		}
		seen[c.Key()] = true
		sum += c.Weight
	}
	if math.Abs(sum-100) > 1e-6 {
		return slip.Unprocessable(CodeWeightsSum, "components", "权重合计须为 100，现为 %s", strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.4f", sum), "0"), "."))
	}
	return nil
}

// Adjustment is the office's 加分 (points > 0) or 扣分 (< 0) of one member in
// one month, with its reason.
type Adjustment struct {
	ID        int64   `json:"id"`
	List      string  `json:"list_code"`
	Month     string  `json:"month"`
	Member    string  `json:"member_code"`
	Points    float64 `json:"points"`
	Reason    string  `json:"reason"`
	CreatedBy string  `json:"created_by"`
	CreatedAt string  `json:"created_at"`
}

// Scores are a month's component scores: Component.Key() → member code →
// a score from 0 to 100. A member missing from a component has no data in it.
type Scores map[string]map[string]float64

// Entry is one member's place in a computed list.
type Entry struct {
	Rank       int        `json:"rank"` // 0 when NoData
	Member     string     `json:"member_code"`
	Name       string     `json:"member_name"`
	Group      string     `json:"group"`
	Score      float64    `json:"score"`      // BaseScore + Adjustment, two decimals
	BaseScore  float64    `json:"base_score"` // the weighted components
	Adjustment float64    `json:"adjustment"`
	Parts      []*float64 `json:"parts"` // each component's score, in the list's order; nil where no data
	NoData     bool       `json:"no_data"`
}

// Group is one group's standing: its entries best first (暂无数据 last) and
// its 红榜 and 黑榜.
type Group struct {
	Name      string  `json:"name"`
	Entries   []Entry `json:"entries"`
	RedList   []Entry `json:"red_list"`
	BlackList []Entry `json:"black_list"`
}

// Standing is a list computed for a month.
type Standing struct {
	List        string       `json:"list_code"`
	Name        string       `json:"list_name"`
	Month       string       `json:"month"`
	Components  []Component  `json:"components"`
	Groups      []Group      `json:"groups"`
	Adjustments []Adjustment `json:"adjustments"`
}

// Compute ranks l's members for month from the component scores and the
// month's adjustments. A member's base score is the weighted mean of the
// components it has data for (weights re-based on those), so a component
// with no data for anyone — 回头看 in a month without one — does not sink
// everybody; a member with data in none is 暂无数据. Scores are rounded to
// two decimals before ranking, so a tie is a tie as published.
func Compute(l List, month string, sc Scores, adj []Adjustment) Standing {
	size := cmp.Or(l.BoardSize, ranking.ListSize)
	add := map[string]float64{}
	for _, a := range adj {
		add[a.Member] += a.Points
	}
	st := Standing{List: l.Code, Name: l.Name, Month: month, Components: l.Components, Groups: []Group{}, Adjustments: adj}
	if st.Adjustments == nil {
		st.Adjustments = []Adjustment{}
	}
	var groups []string
	byGroup := map[string][]Entry{}
	for _, m := range l.Members {
		e := Entry{Member: m.Code, Name: m.Name, Group: m.Group, Parts: make([]*float64, len(l.Components))}
		var sum, weights float64
		for i, c := range l.Components {
			v, ok := sc[c.Key()][m.Code]
			if !ok {
				continue
			}
			v = math.Max(0, math.Min(100, v))
			e.Parts[i] = &v
			sum += c.Weight * v
			weights += c.Weight
		}
		e.Adjustment = round2(add[m.Code])
		if weights == 0 {
			e.NoData = true
		} else {
			e.BaseScore = round2(sum / weights)
			e.Score = round2(e.BaseScore + e.Adjustment)
		}
		if _, ok := byGroup[m.Group]; !ok {
			groups = append(groups, m.Group)
		}
		byGroup[m.Group] = append(byGroup[m.Group], e)
	}
	for _, name := range groups {
		all := byGroup[name]
		var ranked, none []Entry
		for _, e := range all {
			if e.NoData {
				none = append(none, e)
			} else {
				ranked = append(ranked, e)
			}
		}
		slices.SortStableFunc(ranked, func(a, b Entry) int { return cmp.Compare(b.Score, a.Score) })
		ranks := ranking.CompetitionRanks(len(ranked), func(i, j int) bool { return ranked[i].Score == ranked[j].Score })
		for i := range ranked {
			ranked[i].Rank = ranks[i]
		}
		redEnd, blackStart := ranking.Boards(ranks, size)
		g := Group{Name: name, Entries: append(ranked, none...),
			RedList: append([]Entry{}, ranked[:redEnd]...), BlackList: append([]Entry{}, ranked[blackStart:]...)}
		st.Groups = append(st.Groups, g)
	}
	return st
}

// IndicatorScore is the score a completion earns in a list: the percentage
// of the target reached, capped at 100 (over-fulfilling earns no more than
// full marks) and floored at 0.
func IndicatorScore(completion float64) float64 { return math.Max(0, math.Min(100, completion)) }

// round2 rounds half away from zero to two decimals.
func round2(v float64) float64 { return math.Round(v*100) / 100 }
