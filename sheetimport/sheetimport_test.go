package sheetimport_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/sheetimport"
	"github.com/duban-gov/duban/sheetimport/sheettest"
	"github.com/duban-gov/duban/slip"
)

func mustXLSX(t *testing.T, title string, header []string, rows [][]string) []byte {
	t.Helper()
	b, err := sheettest.XLSX(title, header, rows)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func refusedWith(t *testing.T, err error, code string) {
	t.Helper()
	de := slip.AsError(err)
	if de == nil || de.Code != code {
		t.Fatalf("want refusal %s, got %v", code, err)
	}
	if de.Message == "" || de.Kind != slip.KindUnprocessable {
		t.Fatalf("refusal without a message or of kind %v: %+v", de.Kind, de)
	}
}

func TestParseXLSXSkipsTitleAndMatchesHeaders(t *testing.T) {
	header := []string{"序 号", "交办事项（必填）", "工作要求", "责任单位", "协办单位", "分管领导", "完成时限", "事项类别", "缓急"}
	rows := [][]string{
		{"1", "老旧小区改造", "年底前完成 120 个", "住建局", "发改委、交通局", "王副市长", "2026-12-31", "城市建设", "急办"},
		{"", "", "", "", "", "", "", "", ""},
		{"2", "断头路打通", "", "交通局", "", "", "20个工作日", "", ""},
	}
	tab, err := sheetimport.Parse("会议.xlsx", mustXLSX(t, "2026年新春第一会交办事项清单", header, rows), sheetimport.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if tab.Format != "xlsx" || tab.HeaderLine != 2 || len(tab.Rows) != 2 {
		t.Fatalf("table %v", tab)
	}
	r := tab.Rows[0]
	if r.Line != 3 || r.Get(sheetimport.FieldTitle) != "老旧小区改造" || r.Get(sheetimport.FieldLead) != "住建局" ||
		r.Get(sheetimport.FieldCo) != "发改委、交通局" || r.Get(sheetimport.FieldPriority) != "急办" || r.Get(sheetimport.FieldCategory) != "城市建设" ||
		r.Get(sheetimport.FieldRequirement) != "年底前完成 120 个" || r.Get(sheetimport.FieldLeader) != "王副市长" {
		t.Fatalf("row %+v", r)
	}
	if tab.Rows[1].Line != 5 || tab.Rows[1].Get(sheetimport.FieldDeadline) != "20个工作日" {
		t.Fatalf("row %+v", tab.Rows[1])
	}
}

func TestParseCSVInGB18030AndUTF8(t *testing.T) {
	csv := "2026年晒比会交办清单,,,\n事项内容,牵头单位,办结时限,问题\n清理欠款,财政局,2026/3/31,营商环境短板\n"
	tab, err := sheetimport.Parse("a.csv", []byte("\xEF\xBB\xBF"+csv), sheetimport.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if tab.HeaderLine != 2 || tab.Rows[0].Get(sheetimport.FieldProblem) != "营商环境短板" || tab.Rows[0].Get(sheetimport.FieldLead) != "财政局" {
		t.Fatalf("%+v", tab)
	}
	gb, err := gbEncode(csv)
	if err != nil {
		t.Fatal(err)
	}
	tab2, err := sheetimport.Parse("a.csv", gb, sheetimport.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if tab2.Rows[0].Get(sheetimport.FieldTitle) != "清理欠款" {
		t.Fatalf("GB18030: %+v", tab2)
	}
}

func TestMergedProblemCellNamesEveryMeasure(t *testing.T) {
	f := excelize.NewFile()
	_ = f.SetSheetRow("Sheet1", "A1", &[]any{"问题", "整改措施", "责任单位", "完成时限"})
	_ = f.SetSheetRow("Sheet1", "A2", &[]any{"审批慢", "压缩审批时限", "发改委", "2026-06-30"})
	_ = f.SetSheetRow("Sheet1", "B3", &[]any{"推行容缺受理", "住建局", "2026-06-30"})
	_ = f.SetSheetRow("Sheet1", "A4", &[]any{"融资难", "设立转贷资金", "财政局", "2026-06-30"})
	if err := f.MergeCell("Sheet1", "A2", "A3"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	tab, err := sheetimport.Parse("问题清单.xlsx", buf.Bytes(), sheetimport.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range tab.Rows {
		got = append(got, r.Get(sheetimport.FieldProblem)+"/"+r.Get(sheetimport.FieldTitle))
	}
	if strings.Join(got, ",") != "审批慢/压缩审批时限,审批慢/推行容缺受理,融资难/设立转贷资金" {
		t.Fatalf("rows %v", got)
	}
}

func TestBadFilesAreRefused(t *testing.T) {
	lim := sheetimport.DefaultLimits
	header := sheettest.Header

	formula := excelize.NewFile()
	_ = formula.SetSheetRow("Sheet1", "A1", &header)
	_ = formula.SetSheetRow("Sheet1", "A2", &[]any{"1", "事项", "", "住建局", "", "", "2026-12-31"})
	_ = formula.SetCellFormula("Sheet1", "G3", "=TODAY()+30")
	_ = formula.SetCellValue("Sheet1", "B3", "事项二")
	var fbuf bytes.Buffer
	_ = formula.Write(&fbuf)

	var bigCSV bytes.Buffer
	bigCSV.WriteString("事项内容,牵头单位,办结时限\n")
	for i := range 100_000 {
		fmt.Fprintf(&bigCSV, "事项%d,住建局,2026-12-31\n", i)
	}
	bigXLSX := mustXLSX(t, "", header, sheettest.MeetingRows(100_000, []string{"住建局"}, "2026-12-31"))

	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{0, 1, 2, 250}, 100)...)

	cases := []struct {
		name, file string
		data       []byte
		code       string
	}{
		{"an image", "photo.xlsx", png, sheetimport.CodeNotSheet},
		{"a PDF", "a.pdf", append([]byte("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n"), bytes.Repeat([]byte{0, 0x8F}, 500)...), sheetimport.CodeNotSheet},
		{"a Word document", "a.docx", zipOf(t, map[string]string{"word/document.xml": "<w:document/>", "[Content_Types].xml": "<Types/>"}), sheetimport.CodeNotSheet},
		{"a broken zip", "a.xlsx", []byte("PK\x03\x04garbage"), sheetimport.CodeNotSheet},
		{"an old .xls", "a.xls", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...), sheetimport.CodeLegacy},
		{"50 MB", "big.csv", bytes.Repeat([]byte("a,b\n"), 50<<20/4), sheetimport.CodeTooLarge},
		{"100,000 CSV rows", "rows.csv", bigCSV.Bytes(), sheetimport.CodeTooManyRows},
		{"100,000 XLSX rows", "rows.xlsx", bigXLSX, sheetimport.CodeTooManyRows},
		{"a formula", "f.xlsx", fbuf.Bytes(), sheetimport.CodeFormulas},
		{"a CSV formula", "f.csv", []byte("事项内容,牵头单位,办结时限\n=HYPERLINK(\"http://x\"),住建局,2026-12-31\n"), sheetimport.CodeFormulas},
		{"macros", "m.xlsm", withPart(t, mustXLSX(t, "", header, sheettest.MeetingRows(2, []string{"住建局"}, "2026-12-31")), "xl/vbaProject.bin", "VBA"), sheetimport.CodeMacros},
		{"a zip bomb", "bomb.xlsx", bomb(t, 300<<20), sheetimport.CodeZipBomb},
		{"no header", "x.csv", []byte("甲,乙,丙\n1,2,3\n"), sheetimport.CodeNoHeader},
		{"header only", "x.csv", []byte("事项内容,牵头单位\n"), sheetimport.CodeEmpty},
		{"empty", "x.csv", nil, sheetimport.CodeEmpty},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := sheetimport.Parse(c.file, c.data, lim)
			refusedWith(t, err, c.code)
		})
	}
}

func TestParseDeadline(t *testing.T) {
	for in, want := range map[string]sheetimport.Deadline{
		"2026-03-31": {Date: calendar.MustParseDate("2026-03-31")}, "2026/3/1": {Date: calendar.MustParseDate("2026-03-01")}, "2026年3月31日前": {Date: calendar.MustParseDate("2026-03-31")},
		"2026.12.5": {Date: calendar.MustParseDate("2026-12-05")}, "46112": {Date: calendar.MustParseDate("2026-03-31")}, "15个工作日": {WorkingDays: 15},
		"10 个工作日内": {WorkingDays: 10}, "5工作日": {WorkingDays: 5},
	} {
		got, ok := sheetimport.ParseDeadline(in)
		if !ok || got != want {
			t.Errorf("%q: %+v %v, want %+v", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "年底前", "2026-02-30", "15", "0个工作日", "12345"} {
		if got, ok := sheetimport.ParseDeadline(bad); ok {
			t.Errorf("%q parsed as %+v", bad, got)
		}
	}
}

func TestDirectory(t *testing.T) {
	d := sheetimport.NewDirectory([]slip.Department{
		{Code: "zjj", Name: "市住房和城乡建设局"}, {Code: "fgw", Name: "市发展和改革委员会"},
		{Code: "jtj", Name: "市交通运输局"}, {Code: "jyj", Name: "市教育局"}, {Code: "jkj", Name: "市卫生健康局"},
	}, map[string]string{"住建委": "zjj"})
	for name, want := range map[string]sheetimport.Match{
		"市住房和城乡建设局": {Code: "zjj", How: "exact"}, "住房和城乡建设局": {Code: "zjj", How: "exact"}, "zjj": {Code: "zjj", How: "exact"},
		"住建委": {Code: "zjj", How: "exact"}, "住建局": {Code: "zjj", How: "abbreviation"}, "发改委": {Code: "fgw", How: "abbreviation"},
		"交通局": {Code: "jtj", How: "abbreviation"}, "税务局": {},
	} {
		got := d.Lookup(name)
		if got.Code != want.Code || got.How != want.How || len(got.Candidates) > 0 {
			t.Errorf("%s: %+v, want %+v", name, got, want)
		}
	}
	if got := d.Lookup("市局"); got.Code != "" {
		t.Errorf("市局 matched %+v", got)
	}
	amb := sheetimport.NewDirectory([]slip.Department{{Code: "a", Name: "市教育局"}, {Code: "b", Name: "市教育考试局"}}, nil).Lookup("教局")
	if amb.Code != "" || len(amb.Candidates) != 2 {
		t.Errorf("ambiguous: %+v", amb)
	}
}

func zipOf(t *testing.T, parts map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range parts {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.WriteString(w, body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// withPart copies an XLSX and adds one part to it.
func withPart(t *testing.T, xlsx []byte, name, body string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(xlsx), int64(len(xlsx)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	w, _ := zw.Create(name)
	_, _ = io.WriteString(w, body)
	_ = zw.Close()
	return buf.Bytes()
}

// bomb is a small workbook whose sheet unpacks to size bytes of blanks.
func bomb(t *testing.T, size int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("xl/workbook.xml")
	_, _ = io.WriteString(w, `<workbook><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	w, _ = zw.Create("xl/worksheets/sheet1.xml")
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for range size >> 20 {
		_, _ = w.Write(chunk)
	}
	_ = zw.Close()
	if buf.Len() > 2<<20 {
		t.Fatalf("bomb weighs %d bytes", buf.Len())
	}
	return buf.Bytes()
}
