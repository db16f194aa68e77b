package lists

import (
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/duban-gov/duban/indicator"
)

// WriteXLSX writes a list's standing as the workbook offices publish: a
// title, then per group a table of 名次, 单位, each component with its
// weight, 基础得分, 加减分, 总分 and 榜次 (红榜, 黑榜 or 暂无数据), then the
// 加减分 with their reasons.
func WriteXLSX(w io.Writer, p Published) error {
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	const sheet = "Sheet1"
	title := p.Name
	if m, err := indicator.ParseMonth(p.Month); err == nil {
		title = fmt.Sprintf("%s（%s）", p.Name, m.Label())
	}
	if p.Source == SourceSnapshot && p.TakenAt != nil {
		title += "  已发布"
	} else {
		title += "  未发布（实时计算）"
	}
	row := 1
	put := func(values ...any) error {
		cell, err := excelize.CoordinatesToCellName(1, row)
		if err != nil {
			return err
		}
		row++
		return f.SetSheetRow(sheet, cell, &values)
	}
	if err := put(title); err != nil {
		return err
	}
	head := []any{"名次", "单位"}
	for _, c := range p.Components {
		head = append(head, fmt.Sprintf("%s（%s）", c.Name, strconv.FormatFloat(c.Weight, 'f', -1, 64)))
	}
	head = append(head, "基础得分", "加减分", "总分", "榜次")
	for _, g := range p.Groups {
		row++
		if g.Name != "" {
			if err := put(g.Name); err != nil {
				return err
			}
		}
		if err := put(head...); err != nil {
			return err
		}
		red, black := map[string]bool{}, map[string]bool{}
		for _, e := range g.RedList {
			red[e.Member] = true
		}
		for _, e := range g.BlackList {
			black[e.Member] = true
		}
		for _, e := range g.Entries {
			line := []any{}
			if e.NoData {
				line = append(line, "—")
			} else {
				line = append(line, e.Rank)
			}
			line = append(line, e.Name)
			for _, part := range e.Parts {
				if part == nil {
					line = append(line, "—")
				} else {
					line = append(line, *part)
				}
			}
			board := ""
			switch {
			case e.NoData:
				board = "暂无数据"
			case red[e.Member]:
				board = "红榜"
			case black[e.Member]:
				board = "黑榜"
			}
			if e.NoData {
				line = append(line, "暂无数据", e.Adjustment, "暂无数据", board)
			} else {
				line = append(line, e.BaseScore, e.Adjustment, e.Score, board)
			}
			if err := put(line...); err != nil {
				return err
			}
		}
	}
	if len(p.Adjustments) > 0 {
		row++
		if err := put("加减分明细", "", "分值", "理由", "经办"); err != nil {
			return err
		}
		names := map[string]string{}
		for _, g := range p.Groups {
			for _, e := range g.Entries {
				names[e.Member] = e.Name
			}
		}
		for _, a := range p.Adjustments {
			if err := put(names[a.Member], "", a.Points, a.Reason, a.CreatedBy); err != nil {
				return err
			}
		}
	}
	if err := f.SetColWidth(sheet, "B", "B", 22); err != nil {
		return err
	}
	_, err := f.WriteTo(w)
	return err
}
