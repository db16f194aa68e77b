package sheetimport

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/slip"
)

// Deadline is an 办结时限 as written: a date, or a number of working days.
type Deadline struct {
	Date        calendar.Date
	WorkingDays int
}

var (
	workingDays = regexp.MustCompile(`^(\d{1,3})\s*个?\s*工作日(内)?$`)
	dateParts   = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(前|之前|以前)?$`)
	serial      = regexp.MustCompile(`^\d{5}(\.\d+)?$`)
)

// ParseDeadline reads 办结时限 as offices write it: 2026-03-31, 2026/3/31,
// 2026年3月31日(前), an Excel date (a serial number such as 46112), or
// “15个工作日”. ok is false when it is none of these.
func ParseDeadline(s string) (Deadline, bool) {
	s = strings.TrimSpace(s)
	if m := workingDays.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[1])
		return Deadline{WorkingDays: n}, n > 0
	}
	if m := dateParts.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		date, err := calendar.ParseDate(fmt.Sprintf("%04d-%02d-%02d", y, mo, d))
		if err != nil {
			return Deadline{}, false // 2026-02-30
		}
		return Deadline{Date: date}, true
	}
	if serial.MatchString(s) {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f < 36526 || f > 73051 { // 2000-01-01 … 2100-01-01
			return Deadline{}, false
		}
		t, err := excelize.ExcelDateToTime(f, false)
		if err != nil {
			return Deadline{}, false
		}
		return Deadline{Date: calendar.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}}, true
	}
	return Deadline{}, false
}

// ParsePriority reads 紧急程度: 一般 / 急 / 急办 / 紧急 / 特急 (or the
// English codes); empty is normal.
func ParsePriority(s string) (slip.Priority, bool) {
	switch strings.TrimSpace(s) {
	case "", "一般", "普通", "平件", "normal":
		return slip.PriorityNormal, true
	case "急", "急办", "急件", "紧急", "加急", "urgent":
		return slip.PriorityUrgent, true
	case "特急", "特急件", "特提", "extra_urgent":
		return slip.PriorityExtraUrgent, true
	}
	return "", false
}

// SplitUnits splits a cell of units (配合单位) written with 、，,；; or
// spaces or line breaks.
func SplitUnits(s string) []string {
	parts := strings.FieldsFunc(s, func(r rune) bool {
		return strings.ContainsRune("、，,；;／/ \t\r\n\u3000", r)
	})
	out := []string{}
	seen := map[string]bool{}
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}
