package sheetimport

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Parse reads the table in data (the file's bytes; name only helps the
// messages). It decides the format from the content, not the name: an XLSX
// is a zip with a workbook, a CSV is text. Anything else, or anything beyond
// lim, is refused with a *slip.Error naming what is wrong, in Chinese.
func Parse(name string, data []byte, lim Limits) (Table, error) {
	return ParseWith(name, data, lim, MeetingSchema)
}

// ParseWith is Parse for a table of another kind: schema names its columns
// and the ones a header must have. The refusals are the same.
func ParseWith(name string, data []byte, lim Limits, schema Schema) (Table, error) {
	if int64(len(data)) > lim.MaxBytes {
		return Table{}, refuse(CodeTooLarge, "文件 %s 有 %.1f MB，超过上限 %d MB", name, float64(len(data))/(1<<20), lim.MaxBytes>>20)
	}
	if len(data) == 0 {
		return Table{}, refuse(CodeEmpty, "文件 %s 是空的", name)
	}
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return parseXLSX(name, data, lim, schema)
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return Table{}, refuse(CodeLegacy, "%s 是旧版 Excel（.xls）或加密的工作簿，请在 Excel 中另存为 .xlsx（不加密码）或 .csv 后再导入", name)
	case looksLikeText(data):
		return parseCSV(name, data, lim, schema)
	}
	return Table{}, refuse(CodeNotSheet, "%s 不是电子表格：请上传 .xlsx 或 .csv 文件", name)
}

// looksLikeText: no NUL and few control bytes in the first 8 KiB.
func looksLikeText(data []byte) bool {
	head := data[:min(len(data), 8<<10)]
	ctl := 0
	for _, b := range head {
		switch {
		case b == 0:
			return false
		case b < 0x20 && b != '\n' && b != '\r' && b != '\t':
			ctl++
		}
	}
	return ctl*100 < len(head)
}

// checkArchive refuses, from the zip's directory alone, what must not be
// unpacked: too many parts, a declared unpacked size beyond the limit (Go's
// zip reader fails a part that unpacks to more than it declares), macros,
// and zips that are not workbooks.
func checkArchive(name string, data []byte, lim Limits) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return refuse(CodeNotSheet, "%s 无法作为 .xlsx 打开（文件已损坏或不是电子表格）", name)
	}
	if len(zr.File) > lim.MaxParts {
		return refuse(CodeZipBomb, "%s 含 %d 个部件，超过上限 %d，拒绝解压", name, len(zr.File), lim.MaxParts)
	}
	var total uint64
	workbook := false
	for _, f := range zr.File {
		total += f.UncompressedSize64
		lower := strings.ToLower(f.Name)
		switch {
		case lower == "xl/workbook.xml", lower == "xl/workbook.bin":
			workbook = true
		case strings.HasSuffix(lower, "vbaproject.bin"), strings.HasPrefix(lower, "xl/macrosheets/"):
			return refuse(CodeMacros, "%s 含宏（VBA），为安全起见不予导入；请另存为不含宏的 .xlsx 后再导入", name)
		}
	}
	if total > uint64(lim.MaxUnzipped) {
		return refuse(CodeZipBomb, "%s 解压后将达 %d MB，超过上限 %d MB（疑似压缩炸弹），拒绝解压", name, total>>20, lim.MaxUnzipped>>20)
	}
	if !workbook {
		return refuse(CodeNotSheet, "%s 是压缩包，但不是 Excel 工作簿（.xlsx）", name)
	}
	return nil
}

func parseXLSX(name string, data []byte, lim Limits, schema Schema) (Table, error) {
	if err := checkArchive(name, data, lim); err != nil {
		return Table{}, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		RawCellValue: true, UnzipSizeLimit: lim.MaxUnzipped, UnzipXMLSizeLimit: lim.MaxUnzipped,
	})
	if err != nil {
		return Table{}, refuse(CodeBadWorkbook, "%s 无法读取：%v", name, err)
	}
	defer func() { _ = f.Close() }()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return Table{}, refuse(CodeEmpty, "%s 没有工作表", name)
	}
	sheet := sheets[f.GetActiveSheetIndex()]
	rows, err := f.Rows(sheet)
	if err != nil {
		return Table{}, refuse(CodeBadWorkbook, "%s 的工作表 %s 无法读取：%v", name, sheet, err)
	}
	var grid [][]string
	for rows.Next() {
		cells, err := rows.Columns()
		if err != nil {
			return Table{}, refuse(CodeBadWorkbook, "%s 第 %d 行无法读取：%v", name, len(grid)+1, err)
		}
		grid = append(grid, cells)
		if len(grid) > lim.MaxRows+headerSearchRows {
			_ = rows.Close()
			return Table{}, refuse(CodeTooManyRows, "%s 超过 %d 行，一次导入最多 %d 行；请拆分后分批导入", name, lim.MaxRows, lim.MaxRows)
		}
	}
	if err := rows.Close(); err != nil {
		return Table{}, refuse(CodeBadWorkbook, "%s 无法读取：%v", name, err)
	}
	if cell, ok := firstFormula(f, sheet, grid); ok {
		return Table{}, refuse(CodeFormulas, "%s 的单元格 %s 含公式；请复制后“选择性粘贴为数值”再导入", name, cell)
	}
	fillMerged(f, sheet, grid)
	t, err := fromGrid(name, grid, lim, schema)
	t.Format, t.Sheet = "xlsx", sheet
	return t, err
}

// firstFormula names the first cell holding a formula, if any. A table is
// imported as values: a formula's cached result may be stale or absent.
func firstFormula(f *excelize.File, sheet string, grid [][]string) (string, bool) {
	width := 0
	for _, row := range grid {
		width = max(width, len(row))
	}
	for r := range grid {
		for c := range width {
			cell, err := excelize.CoordinatesToCellName(c+1, r+1)
			if err != nil {
				continue
			}
			if fx, err := f.GetCellFormula(sheet, cell); err == nil && fx != "" {
				return cell, true
			}
		}
	}
	return "", false
}

// fillMerged copies the value of each merged range into every cell of it,
// so a problem written once beside its three measures names all three.
func fillMerged(f *excelize.File, sheet string, grid [][]string) {
	merged, err := f.GetMergeCells(sheet)
	if err != nil {
		return
	}
	for _, m := range merged {
		c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 != nil || err2 != nil {
			continue
		}
		v := m.GetCellValue()
		for r := r1; r <= r2 && r <= len(grid); r++ {
			for c := c1; c <= c2; c++ {
				for len(grid[r-1]) < c {
					grid[r-1] = append(grid[r-1], "")
				}
				if grid[r-1][c-1] == "" {
					grid[r-1][c-1] = v
				}
			}
		}
	}
}

func parseCSV(name string, data []byte, lim Limits, schema Schema) (Table, error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(data) {
		decoded, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil || !utf8.Valid(decoded) {
			return Table{}, refuse(CodeBadTextCodec, "%s 的文字编码无法识别；请另存为 UTF-8 编码的 CSV", name)
		}
		data = decoded
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var grid [][]string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Table{}, refuse(CodeNotSheet, "%s 不是有效的 CSV：%v", name, err)
		}
		for i, cell := range rec {
			if strings.HasPrefix(strings.TrimSpace(cell), "=") {
				col, _ := excelize.ColumnNumberToName(i + 1)
				return Table{}, refuse(CodeFormulas, "%s 的单元格 %s%d 是公式（以 = 开头）；请导出数值后再导入", name, col, len(grid)+1)
			}
		}
		grid = append(grid, rec)
		if len(grid) > lim.MaxRows+headerSearchRows {
			return Table{}, refuse(CodeTooManyRows, "%s 超过 %d 行，一次导入最多 %d 行；请拆分后分批导入", name, lim.MaxRows, lim.MaxRows)
		}
	}
	t, err := fromGrid(name, grid, lim, schema)
	t.Format = "csv"
	return t, err
}

// fromGrid finds the header among the first rows and reads the rows below.
func fromGrid(name string, grid [][]string, lim Limits, schema Schema) (Table, error) {
	header := -1
	var m headerMatch
	for i := 0; i < len(grid) && i < headerSearchRows; i++ {
		if m = schema.matchHeader(grid[i]); schema.isHeader(m) {
			header = i
			break
		}
	}
	if header < 0 {
		return Table{}, refuse(CodeNoHeader, "%s 的前 %d 行中没有找到表头：至少需要%s（列名见说明）", name, headerSearchRows, schema.Needs)
	}
	t := Table{HeaderLine: header + 1, Columns: m.texts}
	for i := header + 1; i < len(grid); i++ {
		row := Row{Line: i + 1, Values: map[Field]string{}}
		blank := true
		for f, col := range m.columns {
			if col < len(grid[i]) {
				v := strings.TrimSpace(grid[i][col])
				if v != "" {
					row.Values[f] = v
					blank = false
				}
			}
		}
		if blank {
			continue
		}
		t.Rows = append(t.Rows, row)
	}
	if len(t.Rows) > lim.MaxRows {
		return Table{}, refuse(CodeTooManyRows, "%s 有 %d 行，一次导入最多 %d 行；请拆分后分批导入", name, len(t.Rows), lim.MaxRows)
	}
	if len(t.Rows) == 0 {
		return Table{}, refuse(CodeEmpty, "%s 的表头下没有任何%s", name, schema.noun())
	}
	return t, nil
}

// String describes a table for logs.
func (t Table) String() string {
	return fmt.Sprintf("%s table, header on line %d, %d rows", t.Format, t.HeaderLine, len(t.Rows))
}
