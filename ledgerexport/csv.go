package ledgerexport

import (
	"encoding/csv"
	"io"
	"strconv"
)

// bom makes Excel read the file as UTF-8 instead of the system code page.
const bom = "\xEF\xBB\xBF"

// csvSheet writes RFC 4180 CSV (CRLF line ends) after a UTF-8 BOM.
type csvSheet struct {
	w *csv.Writer
}

func newCSVSheet(w io.Writer) (*csvSheet, error) {
	if _, err := io.WriteString(w, bom); err != nil {
		return nil, err
	}
	c := csv.NewWriter(w)
	c.UseCRLF = true
	if err := c.Write(header); err != nil {
		return nil, err
	}
	return &csvSheet{w: c}, nil
}

func (c *csvSheet) row(r Row) error {
	record := make([]string, 0, len(header))
	record = append(record, strconv.Itoa(r.Serial))
	for _, t := range r.texts() {
		record = append(record, defuse(t))
	}
	// csv.Writer buffers; its error is that of the last flush to w.
	return c.w.Write(record)
}

func (c *csvSheet) finish() error {
	c.w.Flush()
	return c.w.Error()
}

func (c *csvSheet) release() {}

// defuse keeps a spreadsheet from reading a cell as a formula (CSV
// injection): text starting with =, +, -, @, a tab or a carriage return gets a
// leading single quote, which Excel and WPS show as plain text.
func defuse(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
