package e2e

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/internal/app"
	"github.com/duban-gov/duban/internal/seed"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/workflows"
)

type listView struct {
	Source string `json:"source"`
	Groups []struct {
		Name    string `json:"name"`
		Entries []struct {
			Rank   int     `json:"rank"`
			Member string  `json:"member_code"`
			Score  float64 `json:"score"`
			NoData bool    `json:"no_data"`
		} `json:"entries"`
		RedList []struct {
			Member string `json:"member_code"`
		} `json:"red_list"`
		BlackList []struct {
			Member string `json:"member_code"`
		} `json:"black_list"`
	} `json:"groups"`
}

// TestIndicatorsAndListsOverHTTP: the office defines an indicator and its
// target, a department reports through its window (bad input refused and
// nothing recorded), the office closes and reopens the window, adjusts and
// publishes the seed's 区级综合评价榜 for November, exports it as XLSX, and
// the published month is frozen.
func TestIndicatorsAndListsOverHTTP(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, calendar.Zone)
	s := startWith(t, func(c *app.Config) { c.Now = func() time.Time { return now } })
	s.seedDepartments(t)
	office, zjj, fgw := s.as("office"), s.as("zjj"), s.as("fgw")
	if err := seed.LoadIndicators(t.Context(), s.store, now.Add(-24*time.Hour)); err != nil {
		t.Fatal(err)
	}

	// An indicator of 住建局's, with a ratio target.
	s.must(t, http.StatusCreated, "POST", "/api/v1/indicators", map[string]any{"code": "reno-rate", "name": "老旧小区改造开工率",
		"unit": "%", "direction": "higher", "departments": []string{"zjj"}, "leader": "王副市长", "lists": []string{}, "cumulative": false, "ratio": true}, office...)
	for _, bad := range []struct {
		body any
		code string
	}{
		{map[string]any{"period": "2026", "value": 0}, "zero_ratio_target"},
		{map[string]any{"period": "2026", "value": "九十"}, "not_a_number"},
		{map[string]any{"period": "2026-13", "value": 90}, slip.CodeInvalidField},
	} {
		r := s.do(t, "PUT", "/api/v1/indicators/reno-rate/targets", bad.body, office...)
		if r.status/100 != 4 || r.errorCode(t) != bad.code {
			t.Fatalf("target %v: %d %s", bad.body, r.status, r.body)
		}
	}
	s.must(t, http.StatusOK, "PUT", "/api/v1/indicators/reno-rate/targets", map[string]any{"period": "2026", "value": 90}, office...)

	s.must(t, http.StatusOK, "POST", "/api/v1/reporting/2026-12/open", map[string]any{"closes_on": "2026-12-07"}, office...)
	if r := s.do(t, "POST", "/api/v1/indicators/reno-rate/values", map[string]any{"month": "2026-12", "value": "高"}, zjj...); r.status != 400 || r.errorCode(t) != "not_a_number" {
		t.Fatalf("a non-number: %d %s", r.status, r.body)
	}
	if r := s.do(t, "POST", "/api/v1/indicators/reno-rate/values", map[string]any{"month": "2026-12", "value": 80}, fgw...); r.status != 404 {
		t.Fatalf("another unit's indicator: %d %s", r.status, r.body)
	}
	s.must(t, http.StatusCreated, "POST", "/api/v1/indicators/reno-rate/values", map[string]any{"month": "2026-12", "value": 81}, zjj...)
	s.must(t, http.StatusCreated, "POST", "/api/v1/indicators/reno-rate/values", map[string]any{"month": "2026-12", "value": 85.5, "note": "更正"}, zjj...)
	s.must(t, http.StatusOK, "POST", "/api/v1/reporting/2026-12/close", nil, office...)
	r := s.do(t, "POST", "/api/v1/indicators/reno-rate/values", map[string]any{"month": "2026-12", "value": 99}, zjj...)
	if r.status != http.StatusConflict || r.errorCode(t) != "period_closed" {
		t.Fatalf("a value for a closed month: %d %s", r.status, r.body)
	}
	s.must(t, http.StatusOK, "POST", "/api/v1/reporting/2026-12/reopen", map[string]any{"reason": "住建局数据口径调整"}, office...)
	var late struct {
		Late bool `json:"late"`
	}
	s.must(t, http.StatusCreated, "POST", "/api/v1/indicators/reno-rate/values", map[string]any{"month": "2026-12", "value": 86}, zjj...).json(t, &late)
	if !late.Late {
		t.Fatal("a value after reopening is not marked late")
	}
	var hist struct {
		Items []struct {
			Value      float64 `json:"value"`
			ReportedBy string  `json:"reported_by"`
			Late       bool    `json:"late"`
		} `json:"items"`
	}
	s.must(t, http.StatusOK, "GET", "/api/v1/indicators/reno-rate/values", nil, zjj...).json(t, &hist)
	if len(hist.Items) != 3 || hist.Items[0].Value != 81 || hist.Items[2].Value != 86 || !hist.Items[2].Late || hist.Items[1].ReportedBy != "住建局李强" {
		t.Fatalf("history: %+v", hist.Items)
	}
	if r := s.do(t, "GET", "/api/v1/indicators/key-projects/values?unit_code=fgw", nil, zjj...); r.status != 404 {
		t.Fatalf("住建局 reading 发改委's values: %d %s", r.status, r.body)
	}
	var board struct {
		Rows []struct {
			Code   string `json:"indicator_code"`
			Unit   string `json:"unit_code"`
			Colour string `json:"colour"`
			Trend  []any  `json:"trend"`
		} `json:"rows"`
	}
	s.must(t, http.StatusOK, "GET", "/api/v1/indicators/board?month=2026-12", nil, zjj...).json(t, &board)
	// 住建局 sees its three indicators (two of the seed's), and only its own rows.
	if len(board.Rows) != 3 {
		t.Fatalf("住建局's board: %+v", board.Rows)
	}
	for _, row := range board.Rows {
		if row.Unit != "zjj" || len(row.Trend) != 12 {
			t.Fatalf("住建局's board: %+v", row)
		}
		if row.Code == "reno-rate" && row.Colour != "yellow" {
			t.Fatalf("86 of 90 is yellow: %+v", row)
		}
	}

	// Lists: bad definitions are refused.
	bad := map[string]any{"code": "x", "name": "测试榜", "member_kind": "district", "board_size": 0,
		"members":    []map[string]string{{"code": "a", "name": "甲", "group": "一组"}, {"code": "a", "name": "甲", "group": "二组"}},
		"components": []map[string]any{{"kind": "indicator", "indicator_code": "village-income", "name": "增收", "weight": 100}}}
	if r := s.do(t, "POST", "/api/v1/lists", bad, office...); r.status != 422 || r.errorCode(t) != "member_in_two_groups" {
		t.Fatalf("a member in two groups: %d %s", r.status, r.body)
	}
	bad["members"] = []map[string]string{{"code": "a", "name": "甲"}}
	bad["components"] = []map[string]any{{"kind": "indicator", "indicator_code": "village-income", "name": "增收", "weight": 60},
		{"kind": "indicator", "indicator_code": "safety-accidents", "name": "事故", "weight": 30}}
	if r := s.do(t, "POST", "/api/v1/lists", bad, office...); r.status != 422 || r.errorCode(t) != "weights_sum" || !strings.Contains(string(r.body), "90") {
		t.Fatalf("weights summing to 90: %d %s", r.status, r.body)
	}
	if r := s.do(t, "POST", "/api/v1/lists", bad, zjj...); r.status != 403 {
		t.Fatalf("a department defining a list: %d", r.status)
	}

	// The office reviews November's 区级综合评价榜, adds 泽雅镇's 加分, publishes.
	base := "/api/v1/lists/" + seed.DistrictList + "/" + seed.SeedMonth
	s.must(t, http.StatusCreated, "POST", base+"/adjustments", map[string]any{"member_code": "zeya", "points": 1, "reason": "防汛防台表现突出"}, office...)
	if r := s.do(t, "POST", base+"/adjustments", map[string]any{"member_code": "zeya", "points": 1, "reason": "x"}, zjj...); r.status != 403 {
		t.Fatalf("a department adjusting: %d", r.status)
	}
	var live, pub listView
	s.must(t, http.StatusOK, "GET", base, nil, s.as("leader")...).json(t, &live)
	s.must(t, http.StatusCreated, "POST", base+"/publish", nil, office...).json(t, &pub)
	if live.Source != "live" || pub.Source != "snapshot" {
		t.Fatalf("sources: %s, %s", live.Source, pub.Source)
	}
	towns := pub.Groups[1]
	if towns.Name != "乡镇" || towns.Entries[0].Member != "zeya" || towns.Entries[0].Rank != 1 || towns.Entries[1].Rank != 1 ||
		towns.Entries[0].Score != 91 || !towns.Entries[2].NoData || len(towns.RedList) != 2 || len(towns.BlackList) != 0 {
		t.Fatalf("乡镇: %+v", towns)
	}
	s.must(t, http.StatusOK, "POST", base+"/publish", nil, office...)
	if r := s.do(t, "POST", base+"/adjustments", map[string]any{"member_code": "guoxi", "points": -1, "reason": "迟报"}, office...); r.status != 409 || r.errorCode(t) != "list_published" {
		t.Fatalf("adjusting a published list: %d %s", r.status, r.body)
	}
	if r := s.do(t, "POST", "/api/v1/indicators/village-income/values", map[string]any{"month": seed.SeedMonth, "unit_code": "guoxi", "value": 500}, office...); r.status != 409 || r.errorCode(t) != "list_published" {
		t.Fatalf("a value for a published month: %d %s", r.status, r.body)
	}

	// The export: the published layout, ranks and boards as published.
	x := s.must(t, http.StatusOK, "GET", base+"/export", nil, office...)
	f, err := excelize.OpenReader(bytes.NewReader(x.body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	cell := func(row []string, i int) string {
		if i < len(row) {
			return row[i]
		}
		return ""
	}
	for _, row := range rows { // 名次, 单位, three components, 基础得分, 加减分, 总分, 榜次
		if len(row) >= 8 && (row[0] == "—" || (row[0] >= "1" && row[0] <= "9")) {
			got = append(got, strings.TrimSpace(row[0]+" "+row[1]+" "+cell(row, 7)+" "+cell(row, 8)))
		}
	}
	want := []string{"1 五马街道 100 红榜", "2 松台街道 98.5", "3 南汇街道 95 黑榜", "1 泽雅镇 91 红榜", "1 藤桥镇 91 红榜", "— 郭溪镇 暂无数据 暂无数据"}
	if !strings.HasPrefix(rows[0][0], "区级综合评价榜（2026年11月）") || strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("export: title %q, rows %q", rows[0][0], got)
	}
}

// xlsx builds a workbook whose first sheet holds rows.
func xlsx(t *testing.T, rows [][]any) string {
	t.Helper()
	f := excelize.NewFile()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestImportValuesOverHTTP: the office previews an Excel import (every row
// with what is wrong with it), a confirm with a bad row is refused and
// records nothing, and once corrected every row is recorded at once.
func TestImportValuesOverHTTP(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, calendar.Zone)
	s := startWith(t, func(c *app.Config) { c.Now = func() time.Time { return now } })
	s.seedDepartments(t)
	office := s.as("office")
	if err := seed.LoadIndicators(t.Context(), s.store, now); err != nil {
		t.Fatal(err)
	}
	head := []any{"指标编码", "单位编码", "数值", "备注"}
	bad := xlsx(t, [][]any{head, {"key-projects", "fgw", 11.5, "12月"}, {"key-projects", "lucheng", 3, ""}, {"approval-days", "zjj", "十八", ""}, {"no-such", "zjj", 1, ""}})
	var preview struct {
		Errors int `json:"errors"`
		Rows   []struct {
			Line  int    `json:"line"`
			Error string `json:"error"`
		} `json:"rows"`
	}
	s.must(t, http.StatusOK, "POST", "/api/v1/indicators/import?month=2026-12", bad, office...).json(t, &preview)
	if preview.Errors != 3 || len(preview.Rows) != 4 || preview.Rows[0].Error != "" || !strings.Contains(preview.Rows[1].Error, "不是") ||
		!strings.Contains(preview.Rows[2].Error, "不是数字") || preview.Rows[3].Error != "指标编码不存在" {
		t.Fatalf("preview: %+v", preview)
	}
	if r := s.do(t, "POST", "/api/v1/indicators/import?month=2026-12&confirm=true", bad, office...); r.status != 422 || r.errorCode(t) != "import_invalid" {
		t.Fatalf("confirming a bad import: %d %s", r.status, r.body)
	}
	var vals struct {
		Items []any `json:"items"`
	}
	s.must(t, http.StatusOK, "GET", "/api/v1/indicators/key-projects/values?unit_code=fgw", nil, office...).json(t, &vals)
	if len(vals.Items) != 1 { // the seed's November value only
		t.Fatalf("a refused import recorded values: %+v", vals.Items)
	}
	good := xlsx(t, [][]any{head, {"key-projects", "fgw", 11.5, "12月"}, {"approval-days", "zjj", 18, ""}})
	s.must(t, http.StatusCreated, "POST", "/api/v1/indicators/import?month=2026-12&confirm=true", good, office...)
	s.must(t, http.StatusOK, "GET", "/api/v1/indicators/key-projects/values?unit_code=fgw", nil, office...).json(t, &vals)
	if len(vals.Items) != 2 {
		t.Fatalf("after the import: %+v", vals.Items)
	}
	if r := s.do(t, "POST", "/api/v1/indicators/import?month=2026-12", good, s.as("fgw")...); r.status != 403 {
		t.Fatalf("a department importing: %d", r.status)
	}
	if r := s.do(t, "POST", "/api/v1/indicators/import?month=2026-12", "not a workbook", office...); r.status != 400 {
		t.Fatalf("not a workbook: %d %s", r.status, r.body)
	}
}

// TestScoringSheetOverHTTP: the town's office sets up November's "15+X"
// sheet and enters the villages' scores over HTTP; the sheet totals 上潮村
// at exactly 97.27 and ranks it second, tied with 岙外村; a score above a
// task's maximum, or with three decimals, is refused and changes nothing.
func TestScoringSheetOverHTTP(t *testing.T) {
	s := start(t)
	s.seedDepartments(t)
	office := s.as("office")
	base := "/api/v1/sheets/town-a/2026-11"
	s.must(t, http.StatusCreated, "PUT", base, map[string]any{"group_name": "泽雅镇各村", "tasks": seed.VillageTasks(), "members": seed.VillageMembers()}, office...)
	for member, scores := range seed.VillageScores() {
		s.must(t, http.StatusCreated, "POST", base+"/scores", map[string]any{"member_code": member, "scores": scores}, office...)
	}
	over := append([]any{10.01}, make([]any, 16)...)
	for i := range over[1:] {
		over[i+1] = 0
	}
	if r := s.do(t, "POST", base+"/scores", map[string]any{"member_code": "xian", "scores": over}, office...); r.status != 422 || r.errorCode(t) != "score_above_max" {
		t.Fatalf("10.01 of 10: %d %s", r.status, r.body)
	}
	over[0] = 9.881
	if r := s.do(t, "POST", base+"/scores", map[string]any{"member_code": "xian", "scores": over}, office...); r.status != 400 {
		t.Fatalf("three decimals: %d %s", r.status, r.body)
	}
	if r := s.do(t, "PUT", base, map[string]any{"group_name": "x", "tasks": seed.VillageTasks()[:3], "members": seed.VillageMembers()}, office...); r.status != 409 {
		t.Fatalf("changing the tasks of a scored sheet: %d %s", r.status, r.body)
	}
	if r := s.do(t, "POST", base+"/scores", map[string]any{"member_code": "xian", "scores": seed.VillageScores()["aowai"]}, s.as("zjj")...); r.status != 403 {
		t.Fatalf("a department entering scores: %d", r.status)
	}
	var got struct {
		Months []string `json:"months"`
		Sheet  struct {
			Max  float64 `json:"max"`
			Rows []struct {
				Rank   int       `json:"rank"`
				Member string    `json:"member_code"`
				Total  float64   `json:"total"`
				Scores []float64 `json:"scores"`
				NoData bool      `json:"no_data"`
			} `json:"rows"`
		} `json:"sheet"`
	}
	s.must(t, http.StatusOK, "GET", base, nil, s.as("leader")...).json(t, &got)
	var lines []string
	for _, r := range got.Sheet.Rows {
		lines = append(lines, fmt.Sprintf("%d %s %.2f %v", r.Rank, r.Member, r.Total, r.NoData))
	}
	want := []string{"1 huangkeng 98.10 false", "2 shangchao 97.27 false", "2 aowai 97.27 false", "4 zhailiaoxi 95.40 false", "0 xian 0.00 true"}
	if strings.Join(lines, "|") != strings.Join(want, "|") || got.Sheet.Max != 100 || got.Sheet.Rows[1].Scores[0] != 9.88 ||
		got.Sheet.Rows[1].Scores[2] != 5.5 || len(got.Months) != 1 {
		t.Fatalf("sheet: %q, %+v", lines, got)
	}
}

// TestReportingScheduleIsCreated: the worker creates the reporting window's
// schedule at start (as it does the digest's and the ranking's): the 1st of
// each month at 00:10 Beijing time (16:10 UTC the day before).
func TestReportingScheduleIsCreated(t *testing.T) {
	s := start(t)
	ctx := t.Context()
	if err := workflows.EnsureReportingSchedule(ctx, s.temporal, workflows.TaskQueue); err != nil {
		t.Fatalf("ensure schedule again: %v", err)
	}
	d, err := s.temporal.ScheduleClient().GetHandle(ctx, workflows.ReportingScheduleID).Describe(ctx)
	if err != nil {
		t.Fatalf("describe schedule: %v", err)
	}
	spec := d.Schedule.Spec
	if spec.TimeZoneName != "Asia/Shanghai" || len(spec.Calendars) != 1 || spec.Calendars[0].DayOfMonth[0].Start != 1 ||
		spec.Calendars[0].Hour[0].Start != 0 || spec.Calendars[0].Minute[0].Start != 10 {
		t.Fatalf("schedule spec: %+v", spec)
	}
	if len(d.Info.NextActionTimes) == 0 {
		t.Fatal("schedule has no next run")
	}
	next := d.Info.NextActionTimes[0].In(calendar.Zone)
	if next.Day() != 1 || next.Hour() != 0 || next.Minute() != 10 {
		t.Fatalf("next run at %s, want 00:10 on the 1st", next)
	}
}
