// Package sheettest writes spreadsheets for tests: a meeting's table as the
// office would make it in Excel, with a merged title row above the header.
package sheettest

import (
	"bytes"
	"fmt"

	"github.com/xuri/excelize/v2"
)

// Header is the office's usual header of a meeting's table (交办清单).
var Header = []string{"序号", "事项内容", "具体要求", "牵头单位", "配合单位", "责任领导", "办结时限", "类别", "紧急程度"}

// XLSX writes title as a merged row 1, header on row 2 and rows below, with
// excelize's stream writer (fast for 100,000 rows).
func XLSX(title string, header []string, rows [][]string) ([]byte, error) {
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return nil, err
	}
	line := 1
	if title != "" {
		if err := sw.SetRow("A1", []any{title}); err != nil {
			return nil, err
		}
		last, _ := excelize.ColumnNumberToName(len(header))
		if err := sw.MergeCell("A1", last+"1"); err != nil {
			return nil, err
		}
		line++
	}
	for _, r := range append([][]string{header}, rows...) {
		vals := make([]any, len(r))
		for i, v := range r {
			vals[i] = v
		}
		if err := sw.SetRow(fmt.Sprintf("A%d", line), vals); err != nil {
			return nil, err
		}
		line++
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// MeetingRows makes n distinct rows of a meeting's table for the units
// given (cycled), due on deadline.
func MeetingRows(n int, units []string, deadline string) [][]string {
	rows := make([][]string, 0, n)
	for i := range n {
		rows = append(rows, []string{
			fmt.Sprint(i + 1), fmt.Sprintf("第%d项：推进重点项目建设", i+1), "按月报送进度，年底前完成",
			units[i%len(units)], "", "王副市长", deadline, "项目建设", "一般",
		})
	}
	return rows
}
