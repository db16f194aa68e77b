package ledgerexport_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/ledgerexport"
	"github.com/duban-gov/duban/slip"
)

// trackedSlip has a lead and two co-units with structured reports: one
// co-unit refused and was replaced.
func trackedSlip() slip.Slip {
	at := time.Date(2026, 3, 2, 1, 30, 0, 0, time.UTC)
	d := slip.Draft{Title: "推进老旧小区改造", LeadDepartment: "zjj", CoDepartments: []string{"fgw", "wjj"}, Deadline: calendar.MustParseDate("2026-06-30")}
	return slip.Slip{ID: "t", Number: "督〔2026〕9号", IssuedAt: at, Status: slip.StatusInProgress, Draft: d, Deadline: d.Deadline,
		Tracks: []slip.Track{
			{Department: "zjj", Role: slip.RoleLead, Status: slip.TrackInProgress, Report: &slip.Report{Achieved: "已完成 60 个",
				Problems: "资金缺口 300 万", Measures: []slip.Measure{{Content: "申请专项资金", Units: []string{"太平乡", "wjj"}, Due: calendar.MustParseDate("2026-05-15")}}}},
			{Department: "fgw", Role: slip.RoleCo, Status: slip.TrackCompleted, Report: &slip.Report{Achieved: "协办意见已提交"}},
			{Department: "jtj", Role: slip.RoleCo, Status: slip.TrackReplaced, ReplacedBy: "wjj", Refusals: 1},
			{Department: "wjj", Role: slip.RoleCo, Status: slip.TrackInProgress, Report: &slip.Report{Achieved: "摸排完成",
				Problems: "人手不足", Measures: []slip.Measure{{Content: "抽调人员", Units: []string{"wjj"}, Due: calendar.MustParseDate("2026-04-01")}}}},
		}}
}

// TestSummaryTableHasTitleAndTracks checks the 汇总表: a merged title row
// above the header, and 实现情况 / 存在问题 / 具体措施（责任单位、解决时限） from
// the lead's report with each co-unit's part beneath it, in XLSX and CSV.
func TestSummaryTableHasTitleAndTracks(t *testing.T) {
	n := map[string]string{"zjj": "市住建局", "fgw": "市发改委", "jtj": "市交通局", "wjj": "市卫健委"}
	title := "2026新春第一会 督办事项汇总表（截至 2026-03-20）"
	var buf bytes.Buffer
	w, err := ledgerexport.NewTitledWriter(&buf, ledgerexport.XLSX, n, nil, title)
	require.NoError(t, err)
	require.NoError(t, w.Write(trackedSlip()))
	require.NoError(t, w.Close())

	f, err := excelize.OpenReader(&buf)
	require.NoError(t, err)
	defer f.Close()
	rows, err := f.GetRows(ledgerexport.SheetTitle)
	require.NoError(t, err)
	require.Len(t, rows, 3)
	assert.Equal(t, title, rows[0][0])
	assert.Equal(t, ledgerexport.Header(), rows[1])
	merged, err := f.GetMergeCells(ledgerexport.SheetTitle)
	require.NoError(t, err)
	require.Len(t, merged, 1)
	assert.Equal(t, "A1", merged[0].GetStartAxis())
	assert.Equal(t, "M1", merged[0].GetEndAxis())

	col := func(name string) string {
		for i, h := range rows[1] {
			if h == name {
				return rows[2][i]
			}
		}
		t.Fatalf("no column %s", name)
		return ""
	}
	assert.Equal(t, "已完成 60 个\n【协办·市发改委·已完成】协办意见已提交\n【协办·市交通局·已改派】已改派市卫健委\n【协办·市卫健委·办理中】摸排完成", col("实现情况"))
	assert.Equal(t, "资金缺口 300 万\n【协办·市卫健委·办理中】人手不足", col("存在问题"))
	assert.Equal(t, "申请专项资金（责任单位：太平乡、市卫健委；解决时限：2026-05-15）\n【协办·市卫健委·办理中】抽调人员（责任单位：市卫健委；解决时限：2026-04-01）", col("具体措施"))

	var c bytes.Buffer
	cw, err := ledgerexport.NewTitledWriter(&c, ledgerexport.CSV, n, nil, title)
	require.NoError(t, err)
	require.NoError(t, cw.Write(trackedSlip()))
	require.NoError(t, cw.Close())
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(c.String(), "\xEF\xBB\xBF"))).ReadAll()
	require.NoError(t, err)
	require.Len(t, records, 2, "CSV: the same columns, no title row")
	assert.Equal(t, rows[2][9], records[1][9])
	assert.Equal(t, rows[2][10], records[1][10])
}
