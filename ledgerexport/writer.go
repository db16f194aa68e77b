package ledgerexport

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/duban-gov/duban/slip"
)

// Format is a file format of the export.
type Format string

// The formats.
const (
	XLSX Format = "xlsx" // Excel workbook
	CSV  Format = "csv"  // comma-separated, UTF-8 with BOM
)

// ParseFormat reads a format name as a client gives it ("xlsx", "csv").
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case XLSX, CSV:
		return f, nil
	}
	return "", fmt.Errorf("ledger export: unknown format %q (want xlsx or csv)", s)
}

// ContentType is the media type to send the export with.
func (f Format) ContentType() string {
	if f == CSV {
		return "text/csv; charset=utf-8"
	}
	return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
}

// Extension is the file name extension, with its dot.
func (f Format) Extension() string { return "." + string(f) }

// sheet is one file format's way of writing rows.
type sheet interface {
	row(Row) error
	// finish writes what is left of the file to the destination.
	finish() error
	// release stops what the sheet started for a file given up (XLSX's
	// deflating goroutine); it is safe after finish.
	release()
}

// Writer writes the ledger to an io.Writer, one slip at a time, in the order
// given. Cells are text (序号 a number) and never formulas: XLSX stores text
// as inline strings, which Excel does not evaluate; CSV has no cell types, so
// text starting with =, +, -, @, a tab or a carriage return gets a leading
// single quote (CSV injection). Use a Writer from one goroutine:
//
//	w, err := ledgerexport.NewWriter(dst, ledgerexport.XLSX, names, colour)
//	if err != nil { … }
//	defer w.Abort()
//	err = st.EachLedgerSlip(ctx, filter, 0, w.Write)
//	if err != nil { … }
//	return w.Close()
type Writer struct {
	sheet  sheet
	names  map[string]string
	colour func(slip.Slip) string
	rows   int
	err    error // the first error; every later call returns it
	closed bool
}

var errClosed = errors.New("ledger export: writer is closed")

// NewWriter starts an export in format to w, writing the header at once.
// departmentNames maps department codes to the names shown (牵头单位,
// 配合单位); colour, which may be nil, gives a slip's 三色 label.
func NewWriter(w io.Writer, format Format, departmentNames map[string]string, colour func(slip.Slip) string) (*Writer, error) {
	return NewTitledWriter(w, format, departmentNames, colour, "")
}

// NewTitledWriter is NewWriter for the 汇总表 the chair reads at a meeting:
// in XLSX a title row (the batch or meeting and the as-of date), merged
// across every column, above the header, and printed on every page with
// it. CSV keeps the same columns and no title row, so it stays a table.
func NewTitledWriter(w io.Writer, format Format, departmentNames map[string]string, colour func(slip.Slip) string, title string) (*Writer, error) {
	var (
		sh  sheet
		err error
	)
	switch format {
	case XLSX:
		sh, err = newXLSXSheet(w, title)
	case CSV:
		sh, err = newCSVSheet(w)
	default:
		return nil, fmt.Errorf("ledger export: unknown format %q", format)
	}
	if err != nil {
		return nil, fmt.Errorf("ledger export: start %s: %w", format, err)
	}
	return &Writer{sheet: sh, names: departmentNames, colour: colour}, nil
}

// Write adds slip s as the next row.
func (w *Writer) Write(s slip.Slip) error {
	if w.closed {
		return errClosed
	}
	if w.err != nil {
		return w.err
	}
	w.rows++
	if err := w.sheet.row(NewRow(w.rows, s, w.names, w.colour)); err != nil {
		w.err = fmt.Errorf("ledger export: row %d (%s): %w", w.rows, s.Number, err)
	}
	return w.err
}

// Rows is how many slips have been written.
func (w *Writer) Rows() int { return w.rows }

// Close finishes the file, writing the rest of it to the destination (both
// formats stream: the rows went out as they were written; an XLSX file gets
// its zip's central directory only here). After a failed Write it only
// cleans up and returns that error: a half-written export is never made to
// look complete.
func (w *Writer) Close() error {
	if w.closed {
		return errClosed
	}
	w.closed = true
	defer w.sheet.release()
	if w.err != nil {
		return w.err
	}
	if err := w.sheet.finish(); err != nil {
		return fmt.Errorf("ledger export: finish: %w", err)
	}
	return nil
}

// Abort gives up an export without finishing the file (an XLSX file cut
// short has no central directory: no reader takes it for a workbook). It
// does nothing after Close, so `defer w.Abort()` is always safe.
func (w *Writer) Abort() {
	if !w.closed {
		w.closed = true
		w.sheet.release()
	}
}
