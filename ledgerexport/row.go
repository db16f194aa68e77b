// Package ledgerexport writes the ledger (台账) as the spreadsheet a
// supervision office keeps: one row per slip with the columns it reads, as
// XLSX (Excel, WPS) or as CSV in UTF-8 with a byte-order mark so that Excel
// opens the Chinese correctly.
//
// A Writer streams: it holds one row at a time (for XLSX, sheet XML past
// 16 MB spills to a temporary file and the archive is written straight to the
// destination on Close), so together with store.EachSlip a million-slip
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
	Progress string // 实现情况: the latest progress report
	Problems string // 存在问题: not recorded yet, kept so the layout is the office's
	Measures string // 具体措施: likewise
	Status   string // 状态, in Chinese
	Colour   string // 三色: 红, 黄, 绿 or NoColour
}

// NewRow lays out slip s as row number serial. departmentNames maps codes to
// names (an unknown code shows as itself); colour, if not nil, gives the
// slip's 三色 label (红, 黄, 绿, or "" for none): the ledger's colour rules
// live with the caller, not here.
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
