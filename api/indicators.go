package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/indicator"
	"github.com/duban-gov/duban/slip"
)

// visibleUnit is the unit whose indicator data the caller may see: its own
// department for a department user, "" (every unit) for the office and
// leaders.
func visibleUnit(c *gin.Context) string {
	if u := principal(c); u.Role == slip.RoleDepartment {
		return u.Department
	}
	return ""
}

// indicatorFor returns an indicator the caller may see: a department sees
// only those it answers for (others are not found).
func (s *Server) indicatorFor(c *gin.Context, code string) (indicator.Indicator, error) {
	ind, err := s.store.Indicator(c.Request.Context(), code)
	if err != nil {
		return ind, err
	}
	if unit := visibleUnit(c); unit != "" && !ind.Responsible(unit) {
		return indicator.Indicator{}, slip.NotFound("指标", code)
	}
	return ind, nil
}

// listIndicators: GET /api/v1/indicators — every indicator (a department:
// those it answers for) with its targets.
func (s *Server) listIndicators(c *gin.Context) {
	if err := allowQuery(c); err != nil {
		s.fail(c, err)
		return
	}
	inds, err := s.store.Indicators(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	targets, err := s.store.Targets(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	type item struct {
		indicator.Indicator
		Targets map[string]float64 `json:"targets"`
	}
	out := []item{}
	unit := visibleUnit(c)
	for _, ind := range inds {
		if unit != "" && !ind.Responsible(unit) {
			continue
		}
		t := targets[ind.Code]
		if t == nil {
			t = map[string]float64{}
		}
		out = append(out, item{Indicator: ind, Targets: t})
	}
	c.JSON(http.StatusOK, gin.H{"items": out})
}

// putIndicator: POST /api/v1/indicators (office) — defines an indicator or
// replaces its definition.
func (s *Server) putIndicator(c *gin.Context) {
	var ind indicator.Indicator
	if err := decodeJSON(c, &ind, false); err != nil {
		s.fail(c, err)
		return
	}
	ind.Name = strings.TrimSpace(ind.Name)
	if err := ind.Validate(); err != nil {
		s.fail(c, err)
		return
	}
	if ind.Lists == nil {
		ind.Lists = []string{}
	}
	if err := s.store.PutIndicator(c.Request.Context(), ind, s.now()); err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, ind)
}

type targetRequest struct {
	Period string          `json:"period"`
	Value  json.RawMessage `json:"value"`
}

// setTarget: PUT /api/v1/indicators/:code/targets (office) {period, value}.
func (s *Server) setTarget(c *gin.Context) {
	var req targetRequest
	if err := decodeJSON(c, &req, false); err != nil {
		s.fail(c, err)
		return
	}
	v, err := number("value", req.Value)
	if err != nil {
		s.fail(c, err)
		return
	}
	ind, err := s.store.Indicator(c.Request.Context(), c.Param("code"))
	if err != nil {
		s.fail(c, err)
		return
	}
	t := indicator.Target{Indicator: ind.Code, Period: req.Period, Value: v}
	if err := indicator.CheckTarget(ind, t); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.store.SetTarget(c.Request.Context(), t); err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, t)
}

// number reads a JSON number (400 not_a_number for anything else: a
// string, null, missing).
func number(field string, raw json.RawMessage) (float64, error) {
	var v float64
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil {
		return 0, &httpError{status: http.StatusBadRequest, code: indicator.CodeNotANumber, message: field + " 须为数字"}
	}
	return v, nil
}

type valueRequest struct {
	Month string          `json:"month"`
	Unit  string          `json:"unit_code"`
	Value json.RawMessage `json:"value"`
	Note  string          `json:"note"`
}

// reportValue: POST /api/v1/indicators/:code/values {month, value, note,
// unit_code} — a department reports its own value (unit_code: its own or
// empty); the office any responsible unit's. 409 when the month's window
// is closed or its lists are published.
func (s *Server) reportValue(c *gin.Context) {
	var req valueRequest
	if err := decodeJSON(c, &req, false); err != nil {
		s.fail(c, err)
		return
	}
	ind, err := s.indicatorFor(c, c.Param("code"))
	if err != nil {
		s.fail(c, err)
		return
	}
	u := principal(c)
	switch u.Role {
	case slip.RoleDepartment:
		if req.Unit != "" && req.Unit != u.Department {
			s.fail(c, slip.NotFound("单位", req.Unit))
			return
		}
		req.Unit = u.Department
	case slip.RoleOffice:
	default:
		s.fail(c, slip.Forbidden("%s不能填报指标", u.Role.Label()))
		return
	}
	v, err := s.checkValue(ind, req.Month, req.Unit, req.Value, req.Note)
	if err != nil {
		s.fail(c, err)
		return
	}
	v.ReportedBy, v.ReportedAt = u.Name, s.now()
	out, err := s.store.ReportValue(c.Request.Context(), v)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, out)
}

// checkValue checks one reported value against its indicator.
func (s *Server) checkValue(ind indicator.Indicator, month, unit string, raw json.RawMessage, note string) (indicator.Value, error) {
	p, err := indicator.ParseMonth(month)
	if err != nil {
		return indicator.Value{}, err
	}
	if now := s.now().In(calendar.Zone); p.Year*12+p.Index > now.Year()*12+int(now.Month()) {
		return indicator.Value{}, slip.Unprocessable("month_not_started", "month", "%s 尚未开始，不能填报", month)
	}
	if !ind.Responsible(unit) {
		return indicator.Value{}, slip.Unprocessable("not_responsible", "unit_code", "%s 不是指标 %s 的责任单位", unit, ind.Name)
	}
	v, err := number("value", raw)
	if err != nil {
		return indicator.Value{}, err
	}
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > 500 {
		return indicator.Value{}, slip.Invalid("note", "备注不超过 500 字")
	}
	return indicator.Value{Indicator: ind.Code, Unit: unit, Month: month, Value: v, Note: note}, nil
}

// valueHistory: GET /api/v1/indicators/:code/values?unit_code= — every
// report of a unit (a department: its own), corrections and late ones
// included, with who and when.
func (s *Server) valueHistory(c *gin.Context) {
	if err := allowQuery(c, "unit_code"); err != nil {
		s.fail(c, err)
		return
	}
	ind, err := s.indicatorFor(c, c.Param("code"))
	if err != nil {
		s.fail(c, err)
		return
	}
	unit := c.Query("unit_code")
	if own := visibleUnit(c); own != "" {
		if unit != "" && unit != own {
			s.fail(c, slip.NotFound("单位", unit))
			return
		}
		unit = own
	}
	if unit == "" {
		s.fail(c, slip.Invalid("unit_code", "请指定单位"))
		return
	}
	h, err := s.store.ValueHistory(c.Request.Context(), ind.Code, unit)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": h})
}

// indicatorBoard: GET /api/v1/indicators/board?month= (default: last
// month) — targets against actuals, 三色 and the year's trend, for every
// indicator and unit (a department: its own).
func (s *Server) indicatorBoard(c *gin.Context) {
	if err := allowQuery(c, "month"); err != nil {
		s.fail(c, err)
		return
	}
	month, err := indicator.ParseMonth(c.DefaultQuery("month", s.now().In(calendar.Zone).AddDate(0, 0, -s.now().In(calendar.Zone).Day()).Format("2006-01")))
	if err != nil {
		s.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	inds, err := s.store.Indicators(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	targets, err := s.store.Targets(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	unit := visibleUnit(c)
	values := map[string][]indicator.Value{}
	for i := 1; i <= month.Index; i++ {
		m := indicator.Period{Kind: indicator.Month, Year: month.Year, Index: i}.String()
		if values[m], err = s.store.Values(ctx, m, unit); err != nil {
			s.fail(c, err)
			return
		}
	}
	c.JSON(http.StatusOK, gin.H{"month": month.String(), "label": month.Label(), "rows": indicator.Board(inds, targets, values, month, unit)})
}

// Columns of an import sheet.
var importColumns = []string{"指标编码", "单位编码", "数值", "备注"}

type importRow struct {
	Line  int     `json:"line"`
	Ind   string  `json:"indicator_code"`
	Unit  string  `json:"unit_code"`
	Value float64 `json:"value"`
	Note  string  `json:"note"`
	Error string  `json:"error,omitempty"`
}

// importValues: POST /api/v1/indicators/import?month=&confirm= (office),
// the body an XLSX workbook whose first sheet has the columns 指标编码,
// 单位编码, 数值, 备注. Without confirm=true it only previews: every row
// with what is wrong with it. With it, every row is recorded at once, or —
// if any row is wrong or the month is closed — none.
func (s *Server) importValues(c *gin.Context) {
	if err := allowQuery(c, "month", "confirm"); err != nil {
		s.fail(c, err)
		return
	}
	month := c.Query("month")
	if _, err := indicator.ParseMonth(month); err != nil {
		s.fail(c, err)
		return
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		s.fail(c, &httpError{status: http.StatusRequestEntityTooLarge, code: "body_too_large", message: fmt.Sprintf("文件超过 %d 字节", MaxBodyBytes)})
		return
	}
	// A 1 MiB upload may be a zip that inflates to gigabytes: cap what
	// excelize unpacks (a sheet of values is a few MiB at most).
	f, err := excelize.OpenReader(bytes.NewReader(body), excelize.Options{UnzipSizeLimit: 64 << 20, UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		s.fail(c, slip.Invalid("file", "无法读取 Excel 文件（须为 .xlsx）"))
		return
	}
	defer func() { _ = f.Close() }()
	sheet := f.GetSheetName(0)
	lines, err := f.GetRows(sheet)
	if err != nil || len(lines) == 0 {
		s.fail(c, slip.Invalid("file", "Excel 文件没有数据"))
		return
	}
	head := lines[0]
	for i, col := range importColumns[:3] {
		if i >= len(head) || strings.TrimSpace(head[i]) != col {
			s.fail(c, slip.Invalid("file", "第一行须为表头：%s", strings.Join(importColumns, "、")))
			return
		}
	}
	inds := map[string]indicator.Indicator{}
	all, err := s.store.Indicators(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	for _, ind := range all {
		inds[ind.Code] = ind
	}
	rows := []importRow{}
	var values []indicator.Value
	bad := 0
	for n, line := range lines[1:] {
		cell := func(i int) string {
			if i < len(line) {
				return strings.TrimSpace(line[i])
			}
			return ""
		}
		if cell(0) == "" && cell(1) == "" && cell(2) == "" {
			continue
		}
		r := importRow{Line: n + 2, Ind: cell(0), Unit: cell(1), Note: cell(3)}
		ind, ok := inds[r.Ind]
		v, perr := strconv.ParseFloat(cell(2), 64)
		switch {
		case !ok:
			r.Error = "指标编码不存在"
		case perr != nil || indicator.CheckNumber("value", v) != nil:
			r.Error = fmt.Sprintf("数值 %q 不是数字", cell(2))
		default:
			r.Value = v
			if _, err := s.checkValue(ind, month, r.Unit, json.RawMessage(strconv.FormatFloat(v, 'f', -1, 64)), r.Note); err != nil {
				r.Error = errorMessage(err)
			}
		}
		if r.Error != "" {
			bad++
		} else {
			values = append(values, indicator.Value{Indicator: r.Ind, Unit: r.Unit, Month: month, Value: r.Value, Note: r.Note,
				ReportedBy: principal(c).Name + "（导入）", ReportedAt: s.now()})
		}
		rows = append(rows, r)
	}
	if c.Query("confirm") != "true" {
		c.JSON(http.StatusOK, gin.H{"month": month, "rows": rows, "errors": bad, "confirmed": false})
		return
	}
	if bad > 0 || len(values) == 0 {
		s.abort(c, http.StatusUnprocessableEntity, errorDetail{Code: "import_invalid",
			Message: fmt.Sprintf("导入文件有 %d 行错误（或没有数据），未导入任何数值；请先预览并改正", bad)})
		return
	}
	if _, err := s.store.ReportValues(c.Request.Context(), month, values); err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"month": month, "rows": rows, "errors": 0, "confirmed": true})
}

// errorMessage is the Chinese message of a domain error.
func errorMessage(err error) string {
	if de := slip.AsError(err); de != nil {
		return de.Message
	}
	if he, ok := err.(*httpError); ok {
		return he.message
	}
	return err.Error()
}
