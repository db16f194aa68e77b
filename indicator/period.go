package indicator

import (
	"fmt"
	"strconv"
	"time"

	"github.com/duban-gov/duban/slip"
)

// Kind is the length of a period.
type Kind string

// The kinds of period.
const (
	Month   Kind = "month"
	Quarter Kind = "quarter"
	Year    Kind = "year"
)

// Period is a month (2026-11), a quarter (2026-Q4) or a year (2026).
type Period struct {
	Kind  Kind
	Year  int
	Index int // the month 1–12 or the quarter 1–4; 0 for a year
}

// ParsePeriod reads 2026-11, 2026-Q4 or 2026 (400 otherwise).
func ParsePeriod(s string) (Period, error) {
	bad := slip.Invalid("period", "期间格式应为 YYYY-MM、YYYY-Qn 或 YYYY，收到 %q", s)
	switch {
	case len(s) == 4:
		y, err := strconv.Atoi(s)
		if err != nil || y < 2000 || y > 2999 {
			return Period{}, bad
		}
		return Period{Kind: Year, Year: y}, nil
	case len(s) == 7 && s[5] == 'Q':
		y, err := strconv.Atoi(s[:4])
		q := int(s[6] - '0')
		if err != nil || s[4] != '-' || y < 2000 || y > 2999 || q < 1 || q > 4 {
			return Period{}, bad
		}
		return Period{Kind: Quarter, Year: y, Index: q}, nil
	case len(s) == 7:
		t, err := time.Parse("2006-01", s)
		if err != nil || t.Year() < 2000 || t.Year() > 2999 {
			return Period{}, bad
		}
		return Period{Kind: Month, Year: t.Year(), Index: int(t.Month())}, nil
	}
	return Period{}, bad
}

// ParseMonth reads a month, YYYY-MM (400 otherwise).
func ParseMonth(s string) (Period, error) {
	p, err := ParsePeriod(s)
	if err == nil && p.Kind != Month {
		err = slip.Invalid("month", "月份格式应为 YYYY-MM，收到 %q", s)
	}
	return p, err
}

// String writes the period as ParsePeriod reads it.
func (p Period) String() string {
	switch p.Kind {
	case Month:
		return fmt.Sprintf("%04d-%02d", p.Year, p.Index)
	case Quarter:
		return fmt.Sprintf("%04d-Q%d", p.Year, p.Index)
	}
	return fmt.Sprintf("%04d", p.Year)
}

// QuarterOf is the quarter a month lies in.
func (p Period) QuarterOf() Period {
	return Period{Kind: Quarter, Year: p.Year, Index: (p.Index-1)/3 + 1}
}

// YearOf is the year a period lies in.
func (p Period) YearOf() Period { return Period{Kind: Year, Year: p.Year} }

// Label is the period in Chinese: 2026年11月, 2026年第4季度, 2026年.
func (p Period) Label() string {
	switch p.Kind {
	case Month:
		return fmt.Sprintf("%d年%d月", p.Year, p.Index)
	case Quarter:
		return fmt.Sprintf("%d年第%d季度", p.Year, p.Index)
	}
	return fmt.Sprintf("%d年", p.Year)
}
