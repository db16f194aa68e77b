package ledgerexport

import (
	"bufio"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// bom makes Excel read the file as UTF-8 instead of the system code page.
const bom = "\xEF\xBB\xBF"

// csvBuffer is how much of the file collects before it goes to the
// destination: at 64 KiB a department's 50 MB export is some 800 writes to
// the response rather than 13,000.
const csvBuffer = 64 << 10

// csvSheet writes RFC 4180 CSV (CRLF line ends) after a UTF-8 BOM, each
// row laid out in one buffer by appendCSVField: the same bytes as
// encoding/csv's Writer with UseCRLF, which checked and copied every cell
// twice and was a quarter of a department's CSV export.
type csvSheet struct {
	w   *bufio.Writer
	buf []byte // the row being laid out
}

func newCSVSheet(w io.Writer) (*csvSheet, error) {
	c := &csvSheet{w: bufio.NewWriterSize(w, csvBuffer)}
	c.buf = append(c.buf, bom...)
	for i, h := range header {
		if i > 0 {
			c.buf = append(c.buf, ',')
		}
		c.buf = appendCSVField(c.buf, h)
	}
	c.buf = append(c.buf, '\r', '\n')
	if _, err := c.w.Write(c.buf); err != nil {
		return nil, err
	}
	// The BOM and header go out at once, as they did: the client sees the
	// file begin before the first rows are read.
	return c, c.w.Flush()
}

func (c *csvSheet) row(r Row) error {
	c.buf = strconv.AppendInt(c.buf[:0], int64(r.Serial), 10)
	for _, t := range r.texts() {
		c.buf = append(c.buf, ',')
		c.buf = appendCSVField(c.buf, defuse(t))
	}
	c.buf = append(c.buf, '\r', '\n')
	// bufio.Writer keeps its first error and returns it from every call.
	_, err := c.w.Write(c.buf)
	return err
}

func (c *csvSheet) finish() error { return c.w.Flush() }

func (c *csvSheet) release() {}

// appendCSVField appends s to dst as one field of a CSV row with CRLF line
// ends, exactly as encoding/csv's Writer (UseCRLF, comma) writes it: quoted
// when it holds a comma, a quote, a CR or an LF, begins with a space, or is
// `\.`; inside quotes a quote is doubled, a line break is CRLF and a lone CR
// is dropped.
func appendCSVField(dst []byte, s string) []byte {
	if !csvNeedsQuotes(s) {
		return append(dst, s...)
	}
	// Copied in runs between the special bytes, each found by IndexByte
	// (which scans many bytes at a time: a cell of Chinese text is long and
	// holds a few line breaks): a loop byte by byte was a tenth of an
	// export's time.
	quote, cr, lf := nextByte(s, 0, '"'), nextByte(s, 0, '\r'), nextByte(s, 0, '\n')
	dst = append(dst, '"')
	for at := 0; ; {
		i := min(quote, cr, lf)
		dst = append(dst, s[at:i]...)
		if i == len(s) {
			break
		}
		switch s[i] {
		case '"':
			dst = append(dst, '"', '"')
			quote = nextByte(s, i+1, '"')
		case '\r': // dropped: a line break is written CRLF
			cr = nextByte(s, i+1, '\r')
		case '\n':
			dst = append(dst, '\r', '\n')
			lf = nextByte(s, i+1, '\n')
		}
		at = i + 1
	}
	return append(dst, '"')
}

// nextByte is the index of the first c in s at or after from, or len(s).
func nextByte(s string, from int, c byte) int {
	if i := strings.IndexByte(s[from:], c); i >= 0 {
		return from + i
	}
	return len(s)
}

// csvNeedsQuotes is encoding/csv's rule for quoting a field.
func csvNeedsQuotes(s string) bool {
	switch {
	case s == "":
		return false
	case s == `\.`:
		return true
	case strings.IndexByte(s, '\n') >= 0, strings.IndexByte(s, ',') >= 0,
		strings.IndexByte(s, '"') >= 0, strings.IndexByte(s, '\r') >= 0:
		return true
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

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
