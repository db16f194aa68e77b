package ledgerexport_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/ledgerexport"
	"github.com/duban-gov/duban/slip"
)

var names = map[string]string{
	"zjj": "市住房和城乡建设局",
	"fgw": "市发展和改革委员会",
	"jtj": "市交通运输局",
}

var colourLabels = map[string]string{"a": "红", "b": "黄", "c": "绿"}

// colour stands in for the ledger's 三色 rules: by slip id.
func colour(s slip.Slip) string { return colourLabels[s.ID] }

const injection = "=cmd|' /C calc'!A0"

// samples are slips with what breaks spreadsheets: CJK, emoji, line breaks,
// formula-looking text, unknown departments, moved deadlines.
func samples() []slip.Slip {
	issued := time.Date(2026, 3, 2, 1, 30, 0, 0, time.UTC) // 09:30 in Beijing
	return []slip.Slip{
		{
			ID: "a", Number: "督〔2026〕1号", IssuedAt: issued, Status: slip.StatusInProgress,
			Draft: slip.Draft{Title: "推进老旧小区改造", Content: "年底前完成 120 个小区改造，逐月报送进度",
				LeadDepartment: "zjj", CoDepartments: []string{"fgw", "jtj"}, Leader: "王副市长", Deadline: calendar.MustParseDate("2026-11-30")},
			Deadline: calendar.MustParseDate("2026-12-31"), Extensions: 1, LatestProgress: "已完成 60 个",
		},
		{
			ID: "b", Number: "督〔2026〕2号", IssuedAt: issued.Add(time.Hour), Status: slip.StatusPendingReview,
			Draft: slip.Draft{Title: injection, Content: "🚧 施工中\n第二行\r\n第三行 👍",
				LeadDepartment: "fgw", Leader: "李副市长", Deadline: calendar.MustParseDate("2026-04-30")},
			LatestProgress: "-已完成，请复核",
		},
		{
			ID: "c", Number: "督〔2026〕3号", IssuedAt: issued.Add(2 * time.Hour), Status: slip.StatusClosed,
			Draft: slip.Draft{Title: "@SUM(1+1)", LeadDepartment: "unknown-dept", CoDepartments: []string{"zjj"},
				Leader: "+张市长", Deadline: calendar.MustParseDate("2026-05-01")},
		},
		{
			ID: "d", Number: "督〔2026〕4号", IssuedAt: issued.Add(3 * time.Hour), Status: slip.StatusCancelled,
			Draft: slip.Draft{Title: "控制字符\x01测试", Content: "\t以制表符开头", LeadDepartment: "jtj", Deadline: calendar.MustParseDate("2026-06-01")},
		},
	}
}

// want is what the office reads for samples, before any CSV defusing.
var want = [][]string{
	{"1", "督〔2026〕1号", "推进老旧小区改造\n年底前完成 120 个小区改造，逐月报送进度", "市住房和城乡建设局", "市发展和改革委员会、市交通运输局",
		"王副市长", "2026-03-02 09:30", "2026-12-31（原 2026-11-30）", "已完成 60 个", "", "", "办理中", "红"},
	{"2", "督〔2026〕2号", injection + "\n🚧 施工中\n第二行\r\n第三行 👍", "市发展和改革委员会", "",
		"李副市长", "2026-03-02 10:30", "2026-04-30", "-已完成，请复核", "", "", "待复核", "黄"},
	{"3", "督〔2026〕3号", "@SUM(1+1)", "unknown-dept", "市住房和城乡建设局",
		"+张市长", "2026-03-02 11:30", "2026-05-01", "", "", "", "已销号", "绿"},
	{"4", "督〔2026〕4号", "控制字符\x01测试\n\t以制表符开头", "市交通运输局", "",
		"", "2026-03-02 12:30", "2026-06-01", "", "", "", "已撤销", ledgerexport.NoColour},
}

func export(t *testing.T, format ledgerexport.Format, slips []slip.Slip) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := ledgerexport.NewWriter(&buf, format, names, colour)
	require.NoError(t, err)
	defer w.Abort()
	for _, s := range slips {
		require.NoError(t, w.Write(s))
	}
	assert.Equal(t, len(slips), w.Rows())
	require.NoError(t, w.Close())
	return buf.Bytes()
}

func TestXLSXReadsBackAsTheOfficeLedger(t *testing.T) {
	data := export(t, ledgerexport.XLSX, samples())
	f, err := excelize.OpenReader(bytes.NewReader(data))
	require.NoError(t, err)
	defer f.Close()
	sheet := ledgerexport.SheetTitle
	assert.Equal(t, []string{sheet}, f.GetSheetList())

	rows, err := f.GetRows(sheet)
	require.NoError(t, err)
	require.Len(t, rows, 1+len(want))
	assert.Equal(t, ledgerexport.Header(), rows[0])
	for i, w := range want {
		got := rows[i+1]
		for len(got) < len(w) { // GetRows drops trailing empty cells
			got = append(got, "")
		}
		// XML has no \x01; excelize writes the replacement character.
		w = append([]string(nil), w...)
		w[2] = strings.ReplaceAll(w[2], "\x01", "\uFFFD")
		w[2] = strings.ReplaceAll(w[2], "\r\n", "\n")
		got[2] = strings.ReplaceAll(got[2], "\r\n", "\n")
		assert.Equal(t, w, got, "row %d", i+1)
	}

	// Text that looks like a formula stays text: no formula anywhere.
	for _, cell := range []string{"C3", "C4", "F4", "I3"} {
		formula, err := f.GetCellFormula(sheet, cell)
		require.NoError(t, err)
		assert.Empty(t, formula, cell)
	}
	raw := sheetXML(t, data)
	assert.NotContains(t, raw, "<f>")
	// A stale used range ("A1") hides the rows from readers that trust it.
	assert.NotContains(t, raw, "<dimension")
	// Excel reports a file with unordered <col> elements as damaged.
	cols := regexp.MustCompile(`<col min="(\d+)"`).FindAllStringSubmatch(raw, -1)
	require.Len(t, cols, len(ledgerexport.Header()))
	for i, c := range cols {
		assert.Equal(t, strconv.Itoa(i+1), c[1], "columns in order")
	}
	// 序号 is a number the office can sort by.
	typ, err := f.GetCellType(sheet, "A2")
	require.NoError(t, err)
	assert.NotEqual(t, excelize.CellTypeInlineString, typ)

	panes, err := f.GetPanes(sheet)
	require.NoError(t, err)
	assert.True(t, panes.Freeze)
	assert.Equal(t, 1, panes.YSplit)
	width, err := f.GetColWidth(sheet, "C")
	require.NoError(t, err)
	assert.Greater(t, width, 40.0, "事项内容 is wide")
	assert.Equal(t, "督办事项台账", sheet)
	assert.True(t, cellStyle(t, f, "A1").Font.Bold, "header is bold")
	assert.True(t, cellStyle(t, f, "C2").Alignment.WrapText, "long text wraps")
	assert.Equal(t, "FFFF0000", fillColour(t, f, "M2"), "红 is red")
	assert.Equal(t, "FF00B050", fillColour(t, f, "M4"), "绿 is green")
	assert.Equal(t, "FFFFFFFF", fontColour(t, f, "M2"), "in white")
	assert.Equal(t, "FFD9E1F2", fillColour(t, f, "A1"), "the header is shaded")
	border := cellStyle(t, f, "C2").Border
	require.Len(t, border, 4, "cells are bordered on four sides")
	for _, b := range border {
		assert.Equal(t, 1, b.Style, "thin, %s", b.Type)
	}
}

// fillColour is the ARGB colour a cell is filled with, as the file says it.
// (excelize's own Style reports colours only through a theme, which the
// export has no need of: Excel takes its default.)
func fillColour(t *testing.T, f *excelize.File, cell string) string {
	t.Helper()
	id, err := f.GetCellStyle(ledgerexport.SheetTitle, cell)
	require.NoError(t, err)
	cellStyle(t, f, cell) // loads f.Styles
	xf := f.Styles.CellXfs.Xf[id]
	require.NotNil(t, xf.FillID, cell)
	pf := f.Styles.Fills.Fill[*xf.FillID].PatternFill
	require.NotNil(t, pf, cell)
	assert.Equal(t, "solid", pf.PatternType, cell)
	require.NotNil(t, pf.FgColor, cell)
	return pf.FgColor.RGB
}

// fontColour is the ARGB colour of a cell's text, as the file says it.
func fontColour(t *testing.T, f *excelize.File, cell string) string {
	t.Helper()
	id, err := f.GetCellStyle(ledgerexport.SheetTitle, cell)
	require.NoError(t, err)
	cellStyle(t, f, cell)
	xf := f.Styles.CellXfs.Xf[id]
	require.NotNil(t, xf.FontID, cell)
	font := f.Styles.Fonts.Font[*xf.FontID]
	require.NotNil(t, font.Color, cell)
	return font.Color.RGB
}

func cellStyle(t *testing.T, f *excelize.File, cell string) *excelize.Style {
	t.Helper()
	id, err := f.GetCellStyle(ledgerexport.SheetTitle, cell)
	require.NoError(t, err)
	style, err := f.GetStyle(id)
	require.NoError(t, err)
	return style
}

// sheetXML is the raw worksheet of an XLSX file.
func sheetXML(t *testing.T, data []byte) string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	for _, file := range z.File {
		if strings.HasPrefix(file.Name, "xl/worksheets/sheet") {
			rc, err := file.Open()
			require.NoError(t, err)
			b, err := io.ReadAll(rc)
			require.NoError(t, err)
			return string(b)
		}
	}
	t.Fatal("no worksheet in the file")
	return ""
}

func TestCSVReadsBackWithBOMAndDefusedFormulas(t *testing.T) {
	data := export(t, ledgerexport.CSV, samples())
	require.True(t, bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")), "UTF-8 BOM for Excel")
	records, err := csv.NewReader(bytes.NewReader(data[3:])).ReadAll()
	require.NoError(t, err)
	require.Len(t, records, 1+len(want))
	assert.Equal(t, ledgerexport.Header(), records[0])

	defused := map[[2]int]bool{{1, 2}: true, {1, 8}: true, {2, 2}: true, {2, 5}: true}
	for i, w := range want {
		for j, cell := range w {
			if defused[[2]int{i, j}] {
				cell = "'" + cell
			}
			// Inside quotes a CRLF reads back as LF.
			assert.Equal(t, strings.ReplaceAll(cell, "\r\n", "\n"), records[i+1][j], "row %d, %s", i+1, records[0][j])
		}
	}
	assert.Equal(t, "'"+injection+"\n🚧 施工中\n第二行\n第三行 👍", records[2][2])
}

func TestNewRowLaysOutASlip(t *testing.T) {
	s := samples()[0]
	r := ledgerexport.NewRow(7, s, nil, nil)
	assert.Equal(t, 7, r.Serial)
	assert.Equal(t, "zjj", r.Lead, "without names, codes")
	assert.Equal(t, "fgw、jtj", r.Co)
	assert.Equal(t, ledgerexport.NoColour, r.Colour, "no colour callback")
	assert.Equal(t, "2026-12-31（原 2026-11-30）", r.Deadline)
	assert.Equal(t, "2026-03-02 09:30", r.IssuedAt, "Beijing time")

	s.Deadline = calendar.Date{} // never extended: the effective deadline is the draft's
	assert.Equal(t, "2026-11-30", ledgerexport.NewRow(1, s, names, colour).Deadline)
	s.Draft.Content = ""
	assert.Equal(t, "推进老旧小区改造", ledgerexport.NewRow(1, s, names, colour).Matter, "no trailing line break")
}

func TestXLSXCutsTextExcelCannotHold(t *testing.T) {
	s := samples()[0]
	s.Draft.Content = strings.Repeat("😀", 20000) // 40,000 UTF-16 units
	f, err := excelize.OpenReader(bytes.NewReader(export(t, ledgerexport.XLSX, []slip.Slip{s})))
	require.NoError(t, err)
	defer f.Close()
	v, err := f.GetCellValue(ledgerexport.SheetTitle, "C2")
	require.NoError(t, err)
	assert.LessOrEqual(t, len(utf16.Encode([]rune(v))), 32767)
	assert.True(t, strings.HasSuffix(v, "（内容过长，已截断）"), "the cut is marked")
	assert.True(t, strings.HasPrefix(v, s.Draft.Title+"\n😀😀"))
}

type failingWriter struct{ after int }

func (f *failingWriter) Write(p []byte) (int, error) {
	if f.after -= len(p); f.after < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestWriterReportsFailuresAndRefusesUseAfterClose(t *testing.T) {
	for _, format := range []ledgerexport.Format{ledgerexport.XLSX, ledgerexport.CSV} {
		t.Run(string(format), func(t *testing.T) {
			w, err := ledgerexport.NewWriter(&failingWriter{after: 1 << 10}, format, names, colour)
			require.NoError(t, err)
			var werr error
			for i := 0; i < 200 && werr == nil; i++ {
				werr = w.Write(samples()[i%4])
			}
			if err := w.Close(); werr == nil {
				werr = err
			}
			assert.ErrorContains(t, werr, "disk full")
			assert.Error(t, w.Write(samples()[0]), "closed")
			assert.Error(t, w.Close(), "closed twice")
			w.Abort() // harmless after Close
		})
	}
	_, err := ledgerexport.NewWriter(io.Discard, "pdf", names, colour)
	assert.Error(t, err)
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]ledgerexport.Format{"xlsx": ledgerexport.XLSX, " CSV ": ledgerexport.CSV} {
		got, err := ledgerexport.ParseFormat(in)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
	_, err := ledgerexport.ParseFormat("xls")
	assert.Error(t, err)
	assert.Equal(t, ".xlsx", ledgerexport.XLSX.Extension())
	assert.Equal(t, "text/csv; charset=utf-8", ledgerexport.CSV.ContentType())
}

// TestXLSXGivenUpIsNoWorkbook: an export abandoned halfway (the client went
// away, the ledger failed) stops its deflating goroutine, and what reached
// the destination has no central directory, so no reader takes it for a
// whole workbook.
func TestXLSXGivenUpIsNoWorkbook(t *testing.T) {
	before := runtime.NumGoroutine()
	var buf bytes.Buffer
	w, err := ledgerexport.NewWriter(&buf, ledgerexport.XLSX, names, colour)
	require.NoError(t, err)
	for i := range 3000 {
		require.NoError(t, w.Write(samples()[i%4]))
	}
	w.Abort()
	require.Greater(t, buf.Len(), 0, "rows were streamed before the end")
	_, err = zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	assert.Error(t, err, "a cut-short file is not a zip")
	assert.Error(t, w.Close(), "closed")
	// Polled here: require.Eventually runs its condition on a goroutine of its own.
	for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > before; {
		require.True(t, time.Now().Before(deadline), "the deflating goroutine has ended")
		time.Sleep(10 * time.Millisecond)
	}
}
