package ledgerexport

import (
	"archive/zip"
	"compress/flate"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// columnWidths are in Excel's character units, in header order.
var columnWidths = []float64{6, 16, 48, 22, 28, 12, 17, 26, 40, 20, 20, 9, 7}

// colourFills colour the 三色 cell the way the office marks it on paper.
var colourFills = map[string]struct{ fill, font string }{
	"红": {"FF0000", "FFFFFF"},
	"黄": {"FFFF00", "000000"},
	"绿": {"00B050", "FFFFFF"},
}

// xlsxSheet writes one worksheet through excelize's StreamWriter, which
// keeps rows on disk past a few megabytes, writes strings inline (no shared
// string table growing in memory) and never as formulas.
type xlsxSheet struct {
	dst    io.Writer
	file   *excelize.File
	stream *excelize.StreamWriter
	text   int            // style of wrapped text cells
	center int            // style of short centred cells
	fills  map[string]int // style of each 三色 label
	next   int            // the next row number
	title  string         // the merged title row above the header; "" for none
}

func newXLSXSheet(dst io.Writer, title string) (*xlsxSheet, error) {
	f := excelize.NewFile()
	// excelize builds the whole zip in a memory buffer before copying it to
	// the destination (tens of megabytes for a million slips); its zip
	// writer hook lets the archive stream to dst instead, and the buffer it
	// then copies is empty. The archive deflates at flate.BestSpeed: the
	// sheet's XML is repetitive enough that the file is barely larger, and
	// the default level was a fifth of a 100k-row export's time.
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(dst)
		zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
			return flate.NewWriter(w, flate.BestSpeed)
		})
		return zw
	})
	x := &xlsxSheet{dst: dst, file: f, fills: map[string]int{}, next: 2, title: title}
	if title != "" {
		x.next = 3
	}
	if err := x.setup(); err != nil {
		_ = f.Close()
		return nil, err
	}
	return x, nil
}

// setup names the sheet, lays out columns, styles, the frozen header and the
// printed page (A4 landscape, one page wide, the header on every page), and
// writes the header.
func (x *xlsxSheet) setup() error {
	f := x.file
	if err := f.SetSheetName("Sheet1", SheetTitle); err != nil {
		return err
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: SheetTitle, Creator: "duban 督办"}); err != nil {
		return err
	}
	border := []excelize.Border{
		{Type: "left", Color: "BFBFBF", Style: 1}, {Type: "right", Color: "BFBFBF", Style: 1},
		{Type: "top", Color: "BFBFBF", Style: 1}, {Type: "bottom", Color: "BFBFBF", Style: 1},
	}
	headerStyle, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Size: 11},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		Border:    border,
	})
	if err != nil {
		return err
	}
	if x.text, err = f.NewStyle(&excelize.Style{
		Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}, Border: border,
	}); err != nil {
		return err
	}
	if x.center, err = f.NewStyle(&excelize.Style{
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top"}, Border: border,
	}); err != nil {
		return err
	}
	for label, c := range colourFills {
		if x.fills[label], err = f.NewStyle(&excelize.Style{
			Font:      &excelize.Font{Bold: true, Color: c.font},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{c.fill}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top"}, Border: border,
		}); err != nil {
			return err
		}
	}
	landscape, a4, one, fit := "landscape", 9, 1, true
	if err := f.SetSheetProps(SheetTitle, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	if err := f.SetPageLayout(SheetTitle, &excelize.PageLayoutOptions{Orientation: &landscape, Size: &a4, FitToWidth: &one, FitToHeight: new(int)}); err != nil {
		return err
	}
	headerRow := x.next - 1
	if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: fmt.Sprintf("'%s'!$1:$%d", SheetTitle, headerRow), Scope: SheetTitle}); err != nil {
		return err
	}

	// The stream writes its dimension before any row, when the used range
	// is unknown; without one, readers that trust it (openpyxl's read-only
	// mode) find every row instead of "A1".
	if err := f.SetSheetDimension(SheetTitle, ""); err != nil {
		return err
	}
	if x.stream, err = f.NewStreamWriter(SheetTitle); err != nil {
		return err
	}
	// excelize puts each new <col> first; Excel wants them in column order.
	for i := len(columnWidths) - 1; i >= 0; i-- {
		if err := x.stream.SetColWidth(i+1, i+1, columnWidths[i]); err != nil {
			return err
		}
	}
	if err := x.stream.SetPanes(&excelize.Panes{Freeze: true, YSplit: headerRow, TopLeftCell: fmt.Sprintf("A%d", headerRow+1), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if x.title != "" {
		titleStyle, err := f.NewStyle(&excelize.Style{
			Font:      &excelize.Font{Bold: true, Size: 16},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		})
		if err != nil {
			return err
		}
		if err := x.stream.SetRow("A1", []any{excelize.Cell{StyleID: titleStyle, Value: fitCell(x.title)}}, excelize.RowOpts{Height: 36}); err != nil {
			return err
		}
		last, err := excelize.CoordinatesToCellName(len(header), 1)
		if err != nil {
			return err
		}
		if err := x.stream.MergeCell("A1", last); err != nil {
			return err
		}
	}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = h
	}
	return x.stream.SetRow(fmt.Sprintf("A%d", headerRow), cells, excelize.RowOpts{StyleID: headerStyle, Height: 24})
}

// centred are the short columns: 序号, 交办时间, 状态, 三色 (0-based).
var centred = map[int]bool{0: true, 6: true, 11: true, 12: true}

// MaxXLSXRows is how many slips one XLSX export holds: Excel's 1,048,576
// rows less the header. Export more as CSV, or filter.
const MaxXLSXRows = excelize.TotalRows - 1

// ErrTooManyRows is returned by Write past MaxXLSXRows.
var ErrTooManyRows = fmt.Errorf("Excel 工作表最多容纳 %d 行，请缩小筛选范围或导出 CSV", MaxXLSXRows)

func (x *xlsxSheet) row(r Row) error {
	if x.next > excelize.TotalRows {
		return ErrTooManyRows
	}
	cells := make([]any, 0, len(header))
	cells = append(cells, excelize.Cell{StyleID: x.center, Value: r.Serial})
	for i, t := range r.texts() {
		style := x.text
		if centred[i+1] {
			style = x.center
		}
		if i+1 == 12 {
			if s, ok := x.fills[r.Colour]; ok {
				style = s
			}
		}
		// A string value becomes an inline string cell: text, even when
		// it starts with "=".
		cells = append(cells, excelize.Cell{StyleID: style, Value: fitCell(t)})
	}
	cell, err := excelize.CoordinatesToCellName(1, x.next)
	if err != nil {
		return err
	}
	x.next++
	return x.stream.SetRow(cell, cells)
}

func (x *xlsxSheet) finish() error {
	if err := x.stream.Flush(); err != nil {
		return err
	}
	_, err := x.file.WriteTo(x.dst)
	return err
}

func (x *xlsxSheet) release() { _ = x.file.Close() }
