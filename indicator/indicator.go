// Package indicator says what a key indicator (重点指标) is and how far a unit
// has come against it: targets by month, quarter and year, cumulative (累计)
// or per period, higher or lower being better, and the completion and 三色 of
// a reported value against the target and against the share of it that
// should be done by now (the time-proportional target: 时序进度).
//
// It computes without a database; the store keeps indicators, targets and
// reported values, and the ranking lists (package lists) score members on
// the completions computed here.
package indicator

import (
	"math"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/duban-gov/duban/slip"
)

// Direction says whether a higher or a lower value is better.
type Direction string

// The directions.
const (
	Higher Direction = "higher" // e.g. 增速, 完成率
	Lower  Direction = "lower"  // e.g. 事故数, 能耗
)

// Error codes of indicators and their values.
const (
	CodeZeroRatioTarget = "zero_ratio_target" // a ratio cannot be measured against a target of 0
	CodePeriodClosed    = "period_closed"     // the reporting window of the period is closed: 409
	CodeNotANumber      = "not_a_number"      // a reported value that is not a finite number
)

// Indicator is a key indicator: what is measured, in what unit, which way is
// better, who answers for it and which ranking lists it counts in.
type Indicator struct {
	Code        string    `json:"code"`
	Name        string    `json:"name"`
	Unit        string    `json:"unit"` // unit of measure: %, 亿元, 件
	Direction   Direction `json:"direction"`
	Departments []string  `json:"departments"` // responsible units (责任单位), who report values
	Leader      string    `json:"leader"`      // the lead leader (牵头领导)
	Lists       []string  `json:"lists"`       // the ranking lists it counts in
	// Cumulative indicators accumulate over the year (累计): a unit reports
	// the year to date and a year's target is due in proportion to the
	// months gone. Others are measured per period against the whole target.
	Cumulative bool `json:"cumulative"`
	// Ratio says the value is a rate or share, so a target of 0 means nothing.
	Ratio bool `json:"ratio"`
}

var codePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// ValidCode reports whether s can name an indicator, a list or a member.
func ValidCode(s string) bool { return codePattern.MatchString(s) }

// Validate refuses an indicator that cannot be reported on.
func (i Indicator) Validate() error {
	switch {
	case !ValidCode(i.Code):
		return slip.Invalid("code", "指标编码只能由小写字母、数字、- 和 _ 组成，最多 64 位，收到 %q", i.Code)
	case strings.TrimSpace(i.Name) == "" || utf8.RuneCountInString(i.Name) > 100:
		return slip.Invalid("name", "请填写指标名称（不超过 100 字）")
	case utf8.RuneCountInString(i.Unit) > 20:
		return slip.Invalid("unit", "计量单位不超过 20 字")
	case i.Direction != Higher && i.Direction != Lower:
		return slip.Invalid("direction", "方向须为 higher（越高越好）或 lower（越低越好），收到 %q", i.Direction)
	case len(i.Departments) == 0:
		return slip.Invalid("departments", "请指定至少一个责任单位")
	}
	return nil
}

// Target is what an indicator should reach in a period (a month, a quarter
// or a year).
type Target struct {
	Indicator string  `json:"indicator_code"`
	Period    string  `json:"period"` // 2026-11, 2026-Q4 or 2026
	Value     float64 `json:"value"`
}

// CheckTarget refuses a target that cannot be measured against: not a
// finite number, a malformed period, or 0 for a ratio (422).
func CheckTarget(ind Indicator, t Target) error {
	if _, err := ParsePeriod(t.Period); err != nil {
		return err
	}
	if err := CheckNumber("value", t.Value); err != nil {
		return err
	}
	if ind.Ratio && t.Value == 0 {
		return slip.Unprocessable(CodeZeroRatioTarget, "value", "%s 是比率指标，目标值不能为 0", ind.Name)
	}
	return nil
}

// CheckNumber refuses NaN and infinities (JSON cannot carry them, but an
// import can).
func CheckNumber(field string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return slip.Unprocessable(CodeNotANumber, field, "数值无效")
	}
	return nil
}
