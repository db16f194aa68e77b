package e2e

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestExportFollowsFiltersAndIsolation exports the ledger as CSV and XLSX:
// a department gets only its own slips, the office all of them, in the
// columns of the office's paper ledger.
func TestExportFollowsFiltersAndIsolation(t *testing.T) {
	s := start(t)
	s.seedDepartments(t)
	for _, lead := range []string{"zjj", "jtj"} {
		d := draft("导出测试 " + lead)
		d["lead_department"], d["co_departments"] = lead, []string{}
		s.must(t, http.StatusCreated, "POST", "/api/v1/slips", d, s.as("office")...)
	}

	r := s.must(t, http.StatusOK, "GET", "/api/v1/slips/export?format=csv", nil, s.as("zjj")...)
	if !bytes.HasPrefix(r.body, []byte("\xEF\xBB\xBF")) || !strings.Contains(r.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("CSV without BOM or attachment header: %q", r.header)
	}
	rows, err := csv.NewReader(bytes.NewReader(r.body[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0][0] != "序号" || rows[0][1] != "交办单号" || rows[1][3] != "市住房和城乡建设局" {
		t.Fatalf("CSV as zjj: %q", rows)
	}

	r = s.must(t, http.StatusOK, "GET", "/api/v1/slips/export?format=xlsx&status=issued", nil, s.as("office")...)
	f, err := excelize.OpenReader(bytes.NewReader(r.body))
	if err != nil {
		t.Fatalf("open XLSX: %v", err)
	}
	sheetRows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(sheetRows) != 3 || !strings.HasPrefix(sheetRows[1][2], "导出测试 jtj") {
		t.Fatalf("XLSX as office: %q", sheetRows)
	}
	s.must(t, http.StatusBadRequest, "GET", "/api/v1/slips/export?format=pdf", nil, s.as("office")...)
	s.must(t, http.StatusForbidden, "GET", "/api/v1/slips/export", nil, s.as("admin")...)
}
