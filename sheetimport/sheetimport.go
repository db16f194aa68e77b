// Package sheetimport reads a meeting's table — the office's own XLSX or CSV
// with columns such as 事项内容, 牵头单位, 办结时限 — into rows of raw text,
// and refuses, before anything is read into memory at size, what is not a
// plain table: another kind of file, one too large, too many rows, formulas,
// macros, an archive that unpacks to far more than it weighs.
//
// XLSX goes through excelize (never hand-parsed); CSV through encoding/csv,
// in UTF-8 (with or without BOM) or GB18030 as older Excel saves it.
package sheetimport

import (
	"fmt"

	"github.com/duban-gov/duban/slip"
)

// Limits bound what Parse accepts.
type Limits struct {
	// MaxBytes is the largest file accepted.
	MaxBytes int64
	// MaxRows is the most data rows (after the header) a table may have.
	MaxRows int
	// MaxUnzipped bounds the declared unpacked size of an XLSX's parts
	// together, and MaxParts their number: a zip bomb is refused before
	// anything is unpacked.
	MaxUnzipped int64
	MaxParts    int
}

// DefaultLimits suit a meeting's table: 313 rows is a large one.
var DefaultLimits = Limits{MaxBytes: 10 << 20, MaxRows: 5000, MaxUnzipped: 100 << 20, MaxParts: 2000}

// Refusal codes: the whole file is refused, nothing is read from it.
const (
	CodeTooLarge     = "file_too_large"
	CodeNotSheet     = "not_spreadsheet"
	CodeLegacy       = "legacy_workbook"
	CodeMacros       = "macros_not_allowed"
	CodeFormulas     = "formulas_not_allowed"
	CodeTooManyRows  = "too_many_rows"
	CodeZipBomb      = "archive_too_large"
	CodeNoHeader     = "no_header"
	CodeEmpty        = "empty_table"
	CodeBadWorkbook  = "unreadable_workbook"
	CodeBadTextCodec = "unreadable_text"
)

func refuse(code, format string, args ...any) *slip.Error {
	return &slip.Error{Kind: slip.KindUnprocessable, Code: code, Field: "file", Message: fmt.Sprintf(format, args...)}
}

// Field is a column duban understands.
type Field string

// The columns of a meeting's table (交办清单) or problem list (问题清单).
const (
	FieldProblem     Field = "problem"     // 问题: rows with the same problem are its measures
	FieldTitle       Field = "title"       // 事项内容 / 整改措施
	FieldRequirement Field = "requirement" // 具体要求
	FieldLead        Field = "lead"        // 牵头单位
	FieldCo          Field = "co"          // 配合单位
	FieldLeader      Field = "leader"      // 责任领导
	FieldDeadline    Field = "deadline"    // 办结时限: a date or N 个工作日
	FieldCategory    Field = "category"    // 类别
	FieldPriority    Field = "priority"    // 紧急程度
)

// Row is one data row as written, cell texts trimmed.
type Row struct {
	// Line is the row's number as the clerk sees it in the sheet (1-based).
	Line   int              `json:"line"`
	Values map[Field]string `json:"values"`
}

// Get is the text of field f ("" when the column is absent or the cell empty).
func (r Row) Get(f Field) string { return r.Values[f] }

// Table is what Parse read.
type Table struct {
	Format string `json:"format"` // "xlsx" or "csv"
	Sheet  string `json:"sheet,omitempty"`
	// HeaderLine is the line of the header; lines above it (merged title
	// rows) were skipped.
	HeaderLine int `json:"header_line"`
	// Columns maps each recognised field to the header text it was found under.
	Columns map[Field]string `json:"columns"`
	Rows    []Row            `json:"rows"`
}
