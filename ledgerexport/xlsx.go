package ledgerexport

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
	"unicode/utf8"
)

// columnWidths are in Excel's character units, in header order.
var columnWidths = []float64{6, 16, 48, 22, 28, 12, 17, 26, 40, 20, 20, 9, 7}

// centred are the short columns: 序号, 交办时间, 状态, 三色 (0-based).
var centred = map[int]bool{0: true, 6: true, 11: true, 12: true}

// colourColumn is the 三色 column (0-based).
const colourColumn = 12

// totalRows is how many rows an Excel worksheet has.
const totalRows = 1 << 20

// MaxXLSXRows is how many slips one XLSX export holds: Excel's 1,048,576
// rows less the header. Export more as CSV, or filter.
const MaxXLSXRows = totalRows - 1

// ErrTooManyRows is returned by Write past MaxXLSXRows.
var ErrTooManyRows = fmt.Errorf("Excel 工作表最多容纳 %d 行，请缩小筛选范围或导出 CSV", MaxXLSXRows)

// The cell styles, as numbered in styles.xml's cellXfs.
const (
	styleHeader = 1 + iota // bold on light blue, centred, wrapped, bordered
	styleText              // wrapped at the top, bordered
	styleCentre            // centred at the top, bordered
	styleRed               // 红: bold white on red
	styleYellow            // 黄: bold black on yellow
	styleGreen             // 绿: bold white on green
	styleTitle             // the 汇总表's title: bold 16, centred
)

// colourStyles colour the 三色 cell the way the office marks it on paper.
var colourStyles = map[string]int{"红": styleRed, "黄": styleYellow, "绿": styleGreen}

// xlsxSheet writes a workbook of one worksheet as a zip archive straight to
// the destination, a row at a time: the fixed parts first, then the
// worksheet, streamed into its entry as rows come (deflated at
// flate.BestSpeed: the sheet's XML is repetitive enough that the file is
// barely larger, and a higher level costs a fifth of the export's time).
// Nothing is held but a row's XML, and no temporary file is written.
//
// It used to go through excelize's StreamWriter, which kept the rows in a
// temporary file and copied them into the archive at the end, and spent
// most of an export checking and escaping each cell with its own
// allocations: a hundred thousand rows took three seconds alone (1.1 s
// now, 0.9 with the deflating goroutine), over four from the million-slip
// ledger. Strings are inline (no shared string table growing in memory) and
// never formulas. A file cut short (a failed write, an abandoned export)
// has no central directory, so no reader takes it for a whole workbook.
type xlsxSheet struct {
	zip    *zip.Writer
	sheet  *bufio.Writer // the worksheet's XML, into pipe
	pipe   *io.PipeWriter
	copied chan error // the deflating goroutine's end
	next   int        // the next row number
	merged bool       // the title row is merged across the columns
	buf    []byte     // a row's XML, kept between rows
}

func newXLSXSheet(dst io.Writer, title string) (*xlsxSheet, error) {
	zw := zip.NewWriter(dst)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestSpeed)
	})
	headerRow := 1
	if title != "" {
		headerRow = 2
	}
	x := &xlsxSheet{zip: zw, next: headerRow + 1}
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", contentTypesXML},
		{"_rels/.rels", packageRelsXML},
		{"docProps/core.xml", corePropsXML},
		{"xl/workbook.xml", fmt.Sprintf(workbookXML, SheetTitle, SheetTitle, headerRow)},
		{"xl/_rels/workbook.xml.rels", workbookRelsXML},
		{"xl/styles.xml", stylesXML},
	}
	for _, p := range parts {
		if err := x.file(p.name, p.body); err != nil {
			return nil, err
		}
	}
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, Modified: time.Now()})
	if err != nil {
		return nil, err
	}
	// The sheet is deflated by a goroutine of its own, a chunk behind the
	// rows: writing the XML and compressing it are each about half of an
	// XLSX export's own work, and take turns on one goroutine otherwise.
	pr, pw := io.Pipe()
	x.pipe, x.copied = pw, make(chan error, 1)
	go func() {
		_, err := io.Copy(w, pr)
		pr.CloseWithError(err) // the rows' next write fails with it
		x.copied <- err
	}()
	x.sheet = bufio.NewWriterSize(pw, 64<<10)
	x.sheetStart(headerRow, title)
	return x, nil
}

// file writes a whole part of the package.
func (x *xlsxSheet) file(name, body string) error {
	w, err := x.zip.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Now()})
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if _, err := io.WriteString(w, body); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// sheetStart writes the worksheet up to its first row, then the title row
// (merged across every column: see finish) and the header: the page is
// set up to fit one page wide, and the header frozen under the title.
func (x *xlsxSheet) sheetStart(headerRow int, title string) {
	b := append(x.buf[:0], sheetHeadXML...)
	b = fmt.Appendf(b, `<sheetViews><sheetView tabSelected="1" workbookViewId="0"><pane ySplit="%d" topLeftCell="A%d" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A%d" sqref="A%d"/></sheetView></sheetViews>`,
		headerRow, headerRow+1, headerRow+1, headerRow+1)
	b = append(b, `<sheetFormatPr defaultRowHeight="15"/><cols>`...)
	for i, w := range columnWidths { // Excel reports unordered <col>s as damage
		b = fmt.Appendf(b, `<col min="%d" max="%d" width="%g" customWidth="1"/>`, i+1, i+1, w)
	}
	b = append(b, `</cols><sheetData>`...)
	if title != "" {
		b = append(b, `<row r="1" ht="36" customHeight="1">`...)
		b = appendTextCell(b, 0, 1, styleTitle, title)
		b = append(b, `</row>`...)
	}
	b = fmt.Appendf(b, `<row r="%d" ht="24" customHeight="1">`, headerRow)
	for i, h := range header {
		b = appendTextCell(b, i, headerRow, styleHeader, h)
	}
	b = append(b, `</row>`...)
	x.merged = title != ""
	x.buf = b
	_, _ = x.sheet.Write(b) // a write error stays in the bufio.Writer: the next Flush reports it
}

func (x *xlsxSheet) row(r Row) error {
	if x.next > totalRows {
		return ErrTooManyRows
	}
	n := x.next
	x.next++
	b := append(x.buf[:0], `<row r="`...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, `"><c r="A`...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, `" s="`...)
	b = strconv.AppendInt(b, styleCentre, 10)
	b = append(b, `"><v>`...)
	b = strconv.AppendInt(b, int64(r.Serial), 10) // 序号: a number the office can sort by
	b = append(b, `</v></c>`...)
	for i, t := range r.texts() {
		col, style := i+1, styleText
		switch {
		case col == colourColumn:
			style = styleCentre
			if s, ok := colourStyles[r.Colour]; ok {
				style = s
			}
		case centred[col]:
			style = styleCentre
		}
		b = appendTextCell(b, col, n, style, fitCell(t))
	}
	b = append(b, `</row>`...)
	x.buf = b
	if _, err := x.sheet.Write(b); err != nil {
		return err
	}
	return nil
}

func (x *xlsxSheet) finish() error {
	tail := `</sheetData>`
	if x.merged {
		tail += fmt.Sprintf(`<mergeCells count="1"><mergeCell ref="A1:%s1"/></mergeCells>`, columnName(len(header)-1))
	}
	tail += sheetEndXML
	if _, err := x.sheet.WriteString(tail); err != nil {
		return err
	}
	if err := x.sheet.Flush(); err != nil {
		return err
	}
	x.pipe.Close()
	err := <-x.copied
	x.copied = nil
	if err != nil {
		return err
	}
	return x.zip.Close() // the central directory: only a finished file has one
}

// release stops the deflating goroutine of an export given up (it has
// ended after finish). The file stays without its central directory.
func (x *xlsxSheet) release() {
	if x.copied != nil {
		x.pipe.CloseWithError(errAbandoned)
		<-x.copied
		x.copied = nil
	}
}

// errAbandoned ends the sheet of an export given up.
var errAbandoned = errors.New("ledger export abandoned")

// appendTextCell appends an inline string cell (text, even when it starts
// with "="), or an empty cell with the style alone.
func appendTextCell(b []byte, col, row, style int, text string) []byte {
	b = append(b, `<c r="`...)
	b = append(b, columnName(col)...)
	b = strconv.AppendInt(b, int64(row), 10)
	b = append(b, `" s="`...)
	b = strconv.AppendInt(b, int64(style), 10)
	if text == "" {
		return append(b, `"/>`...)
	}
	b = append(b, `" t="inlineStr"><is><t`...)
	switch text[0] {
	case ' ', '\t', '\n', '\r':
		b = append(b, ` xml:space="preserve"`...)
	default:
		switch text[len(text)-1] {
		case ' ', '\t', '\n', '\r':
			b = append(b, ` xml:space="preserve"`...)
		}
	}
	b = append(b, '>')
	b = appendXMLText(b, text)
	return append(b, `</t></is></c>`...)
}

// columnName is the letter of column col (0-based) among the header's.
func columnName(col int) string { return columnNames[col] }

var columnNames = func() []string {
	names := make([]string, len(header))
	for i := range names {
		names[i] = string(rune('A' + i))
	}
	return names
}()

// appendXMLText appends s escaped as XML character data. What XML cannot
// hold — control characters other than tab and line feed, invalid UTF-8,
// U+FFFE and U+FFFF — becomes U+FFFD; a carriage return is kept as a
// character reference (a parser would make it a line feed).
func appendXMLText(b []byte, s string) []byte {
	last := 0 // s[last:i] is still to be copied as is
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < utf8.RuneSelf && c != '<' && c != '>' && c != '&' {
			i++
			continue
		}
		var esc string
		size := 1
		switch {
		case c == '<':
			esc = "&lt;"
		case c == '>':
			esc = "&gt;"
		case c == '&':
			esc = "&amp;"
		case c == '\r':
			esc = "&#xD;"
		case c == '\n' || c == '\t':
			i++
			continue
		case c < 0x20:
			esc = "\uFFFD"
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			if (r != utf8.RuneError || n > 1) && r != 0xFFFE && r != 0xFFFF {
				i += n
				continue
			}
			esc, size = "\uFFFD", n
		}
		b = append(b, s[last:i]...)
		b = append(b, esc...)
		i += size
		last = i
	}
	return append(b, s[last:]...)
}

const xmlHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

const contentTypesXML = xmlHead + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
	`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
	`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
	`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
	`</Types>`

const packageRelsXML = xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
	`</Relationships>`

const corePropsXML = xmlHead + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ` +
	`xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ` +
	`xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
	`<dc:title>` + SheetTitle + `</dc:title><dc:creator>duban 督办</dc:creator></cp:coreProperties>`

// workbookXML names the sheet and prints the rows down to the header
// (%[3]d) on every page.
const workbookXML = xmlHead + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
	`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
	`<bookViews><workbookView/></bookViews>` +
	`<sheets><sheet name="%s" sheetId="1" r:id="rId1"/></sheets>` +
	`<definedNames><definedName name="_xlnm.Print_Titles" localSheetId="0">'%s'!$1:$%d</definedName></definedNames>` +
	`</workbook>`

const workbookRelsXML = xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
	`</Relationships>`

// stylesXML holds the cell styles numbered by the style constants, in
// their order after the default (0).
const stylesXML = xmlHead + `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
	`<fonts count="5">` +
	`<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>` +
	`<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>` +
	`<font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="Calibri"/><family val="2"/></font>` +
	`<font><b/><sz val="11"/><color rgb="FF000000"/><name val="Calibri"/><family val="2"/></font>` +
	`<font><b/><sz val="16"/><name val="Calibri"/><family val="2"/></font>` +
	`</fonts>` +
	`<fills count="6">` +
	`<fill><patternFill patternType="none"/></fill>` +
	`<fill><patternFill patternType="gray125"/></fill>` +
	`<fill><patternFill patternType="solid"><fgColor rgb="FFD9E1F2"/><bgColor indexed="64"/></patternFill></fill>` +
	`<fill><patternFill patternType="solid"><fgColor rgb="FFFF0000"/><bgColor indexed="64"/></patternFill></fill>` +
	`<fill><patternFill patternType="solid"><fgColor rgb="FFFFFF00"/><bgColor indexed="64"/></patternFill></fill>` +
	`<fill><patternFill patternType="solid"><fgColor rgb="FF00B050"/><bgColor indexed="64"/></patternFill></fill>` +
	`</fills>` +
	`<borders count="2">` +
	`<border><left/><right/><top/><bottom/><diagonal/></border>` +
	`<border><left style="thin"><color rgb="FFBFBFBF"/></left><right style="thin"><color rgb="FFBFBFBF"/></right>` +
	`<top style="thin"><color rgb="FFBFBFBF"/></top><bottom style="thin"><color rgb="FFBFBFBF"/></bottom><diagonal/></border>` +
	`</borders>` +
	`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
	`<cellXfs count="8">` +
	`<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
	`<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>` +
	`<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>` +
	`<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="top"/></xf>` +
	`<xf numFmtId="0" fontId="2" fillId="3" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="top"/></xf>` +
	`<xf numFmtId="0" fontId="3" fillId="4" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="top"/></xf>` +
	`<xf numFmtId="0" fontId="2" fillId="5" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="top"/></xf>` +
	`<xf numFmtId="0" fontId="4" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>` +
	`</cellXfs>` +
	`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>` +
	`</styleSheet>`

// sheetHeadXML opens the worksheet: fit to the page's width when printed.
const sheetHeadXML = xmlHead + `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
	`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
	`<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>`

// sheetEndXML closes the worksheet after its rows (and merged cells): A4
// landscape, one page wide.
const sheetEndXML = `<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>` +
	`<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>` +
	`</worksheet>`
