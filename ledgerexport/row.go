// Package ledgerexport writes the ledger (台账) as the spreadsheet a
// supervision office keeps: one row per slip with the columns it reads, as
// XLSX (Excel, WPS) or as CSV in UTF-8 with a byte-order mark so that Excel
// opens the Chinese correctly.
//
// A Writer streams: it holds one row at a time and writes it to the
// destination at once (XLSX as a zip archive whose worksheet entry grows
// row by row), so together with store.EachSlip a million-slip
// ledger exports in bounded memory — up to MaxXLSXRows, Excel's limit, as
// XLSX, without limit as CSV. No cell is ever a formula, whatever a clerk
// typed into a title (see Writer).
package ledgerexport

import (
	"strings"
	"unicode/utf16"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/slip"
)

// SheetTitle names the worksheet and the document.
const SheetTitle = "督办事项台账"

// header is the first row, in the order a supervision office reads its 台账.
var header = []string{
	"序号", "交办单号", "事项内容", "牵头单位", "配合单位", "责任领导", "交办时间",
	"办结时限", "实现情况", "存在问题", "具体措施", "状态", "三色",
}

// Header returns the column titles in order.
func Header() []string { return append([]string(nil), header...) }

// NoColour stands in the 三色 column for a slip without a colour (closed,
// cancelled, or no colour callback given).
const NoColour = "—"

// Row is one slip as the office reads it.
type Row struct {
	Serial   int    // 序号: position in the export, from 1
	Number   string // 交办单号
	Matter   string // 事项内容: the title, a line break, the content
	Lead     string // 牵头单位, by name
	Co       string // 配合单位, names joined by "、"
	Leader   string // 责任领导
	IssuedAt string // 交办时间, YYYY-MM-DD HH:MM Beijing time
	Deadline string // 办结时限: the effective deadline, with the original when it moved
	Progress string // 实现情况: the lead's latest report (for a closed slip its accepted resolution), then each co-unit's
	Problems string // 存在问题: from the same reports
	Measures string // 具体措施: each with its 责任单位 and 解决时限, from the same reports
	Status   string // 状态, in Chinese
	Colour   string // 三色: 红, 黄, 绿 or NoColour
}

// NewRow lays out slip s as row number serial. departmentNames maps codes to
// names (an unknown code shows as itself); colour, if not nil, gives the
// slip's 三色 label (红, 黄, 绿, or "" for none): the ledger's colour rules
// live with the caller, not here. It reads only the fields of s that
// store.EachLedgerSlip fills: a new field read here must be added there.
func NewRow(serial int, s slip.Slip, departmentNames map[string]string, colour func(slip.Slip) string) Row {
	name := func(code string) string {
		if n, ok := departmentNames[code]; ok && n != "" {
			return n
		}
		return code
	}
	co := make([]string, len(s.Draft.CoDepartments))
	for i, c := range s.Draft.CoDepartments {
		co[i] = name(c)
	}
	deadline := s.EffectiveDeadline().String()
	if original := s.Draft.Deadline; !original.IsZero() && s.EffectiveDeadline() != original {
		deadline += "（原 " + original.String() + "）"
	}
	r := Row{
		Serial:   serial,
		Number:   s.Number,
		Matter:   s.Draft.Title,
		Lead:     name(s.Draft.LeadDepartment),
		Co:       strings.Join(co, "、"),
		Leader:   s.Draft.Leader,
		Deadline: deadline,
		Progress: s.LatestProgress,
		Status:   s.Status.Label(),
		Colour:   NoColour,
	}
	if s.Draft.Content != "" {
		r.Matter += "\n" + s.Draft.Content
	}
	r.Progress, r.Problems, r.Measures = reportCells(s, name)
	if !s.IssuedAt.IsZero() {
		r.IssuedAt = s.IssuedAt.In(calendar.Zone).Format("2006-01-02 15:04")
	}
	if colour != nil {
		if c := colour(s); c != "" {
			r.Colour = c
		}
	}
	return r
}

// texts are the cells after 序号, in header order.
func (r Row) texts() [12]string {
	return [12]string{r.Number, r.Matter, r.Lead, r.Co, r.Leader, r.IssuedAt, r.Deadline,
		r.Progress, r.Problems, r.Measures, r.Status, r.Colour}
}

// maxCellUnits is Excel's limit on a cell, in UTF-16 code units.
const maxCellUnits = 32767

const truncatedMark = "…（内容过长，已截断）"

// fitCell cuts text that Excel cannot hold in one cell and says so, rather
// than letting the spreadsheet library drop the end silently.
func fitCell(s string) string {
	// A UTF-8 byte never stands for more than one UTF-16 unit.
	if len(s) <= maxCellUnits || utf16Len(s) <= maxCellUnits {
		return s
	}
	units, limit := 0, maxCellUnits-utf16Len(truncatedMark)
	for i, r := range s {
		if units += utf16.RuneLen(r); units > limit {
			return s[:i] + truncatedMark
		}
	}
	return s
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// reportCells lays out the 实现情况, 存在问题 and 具体措施 of a slip: the
// lead's latest report first, then each co-unit's part beneath it, marked
// with its unit and status (协办 parts refused, replaced or waived show
// what happened to them). A slip without parts shows its latest progress.
func reportCells(s slip.Slip, name func(string) string) (progress, problems, measures string) {
	if len(s.Tracks) == 0 {
		return s.LatestProgress, "", ""
	}
	var pr, pb, ms []string
	for _, t := range s.Tracks {
		mark := ""
		if t.Role == slip.RoleCo {
			mark = "【协办·" + name(t.Department) + "·" + t.Status.Label() + "】"
		}
		achieved := ""
		if t.Report != nil {
			achieved = t.Report.Achieved
			for _, f := range t.Report.Figures {
				achieved += "；" + f.Name + " " + f.Value + f.Unit
			}
		}
		switch {
		case t.Status == slip.TrackWaived:
			achieved = strings.TrimSpace(achieved + " 已豁免：" + t.Waiver)
		case t.Status == slip.TrackReplaced:
			achieved = strings.TrimSpace(achieved + " 已改派" + name(t.ReplacedBy))
		case t.Refusal != nil && t.Status == slip.TrackRefused:
			achieved = strings.TrimSpace(achieved + " 申请退回：" + t.Refusal.Reason)
		}
		if achieved == "" && t.Role == slip.RoleLead {
			achieved = s.LatestProgress
		}
		if achieved != "" {
			pr = append(pr, mark+achieved)
		}
		if t.Report == nil {
			continue
		}
		if t.Report.Problems != "" {
			pb = append(pb, mark+t.Report.Problems)
		}
		for _, m := range t.Report.Measures {
			units := make([]string, len(m.Units))
			for i, u := range m.Units {
				units[i] = name(u)
			}
			ms = append(ms, mark+m.Content+"（责任单位："+strings.Join(units, "、")+"；解决时限："+m.Due.String()+"）")
		}
	}
	return strings.Join(pr, "\n"), strings.Join(pb, "\n"), strings.Join(ms, "\n")
}
