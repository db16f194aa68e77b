package sheetimport

import (
	"sort"
	"strings"
	"unicode"
)

// Schema is a kind of table: the header texts each column is known by
// (most specific first) and the columns a header must have. A meeting's
// table (MeetingSchema) and a project list (ProjectSchema) share the
// parsing and every refusal; only their columns differ.
type Schema struct {
	Synonyms map[Field][]string
	Required []Field
	// Needs names the required columns in the no-header message; Noun
	// what a row is (事项, 项目节点).
	Needs string
	Noun  string
}

func (s Schema) noun() string {
	if s.Noun == "" {
		return "事项"
	}
	return s.Noun
}

// MeetingSchema is a meeting's 交办清单 or 问题清单: a header names at
// least the item and its lead unit.
var MeetingSchema = Schema{Synonyms: synonyms, Required: []Field{FieldTitle, FieldLead}, Needs: "“事项内容”和“牵头单位”两列"}

// synonyms are the header texts each field of a meeting's table is known
// by, most specific first. Offices name their columns differently; these
// are the names seen on real tables.
var synonyms = map[Field][]string{
	FieldProblem:     {"问题清单", "存在问题", "问题描述", "问题内容", "短板问题", "问题"},
	FieldTitle:       {"事项内容", "交办事项", "督办事项", "整改措施", "具体措施", "工作任务", "任务内容", "事项名称", "措施", "事项", "任务"},
	FieldRequirement: {"具体要求", "工作要求", "交办要求", "工作目标", "要求"},
	FieldLead:        {"牵头单位", "牵头部门", "责任单位", "责任部门", "主办单位", "承办单位"},
	FieldCo:          {"配合单位", "配合部门", "协办单位", "协同单位"},
	FieldLeader:      {"责任领导", "分管领导", "牵头领导", "领导"},
	FieldDeadline:    {"办结时限", "完成时限", "完成时间", "办结时间", "截止时间", "时限要求", "时限"},
	FieldCategory:    {"事项类别", "类别", "分类", "类型"},
	FieldPriority:    {"紧急程度", "缓急程度", "缓急", "急缓"},
}

// normHeader strips what varies between offices' spellings of one header:
// spaces (full-width too), line breaks, asterisks of required columns and a
// bracketed remark such as （必填） or (格式：2026-03-31).
func normHeader(s string) string {
	if i := strings.IndexAny(s, "（("); i > 0 {
		s = s[:i]
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '*' || r == '＊' || r == '\u3000' {
			return -1
		}
		return r
	}, s)
}

type headerMatch struct {
	columns map[Field]int    // field → column index
	texts   map[Field]string // field → header as written
}

// matchHeader maps the cells of a candidate header row to fields: an exact
// synonym wins over one the header merely contains; each field takes one
// column and each column one field.
func (s Schema) matchHeader(cells []string) headerMatch {
	m := headerMatch{columns: map[Field]int{}, texts: map[Field]string{}}
	type cand struct {
		field Field
		col   int
		score int // 2 exact, 1 contains; then longer synonym first
		len   int
	}
	var cands []cand
	for col, raw := range cells {
		h := normHeader(raw)
		if h == "" || len([]rune(h)) > 20 {
			continue
		}
		for f, names := range s.Synonyms {
			for _, n := range names {
				switch {
				case h == n:
					cands = append(cands, cand{f, col, 2, len(n)})
				case strings.Contains(h, n):
					cands = append(cands, cand{f, col, 1, len(n)})
				default:
					continue
				}
				break
			}
		}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].score != cands[j].score {
			return cands[i].score > cands[j].score
		}
		if cands[i].len != cands[j].len {
			return cands[i].len > cands[j].len
		}
		return cands[i].col < cands[j].col
	})
	taken := map[int]bool{}
	for _, c := range cands {
		if _, done := m.columns[c.field]; done || taken[c.col] {
			continue
		}
		m.columns[c.field] = c.col
		m.texts[c.field] = strings.TrimSpace(cells[c.col])
		taken[c.col] = true
	}
	return m
}

// isHeader: a header names every required column.
func (s Schema) isHeader(m headerMatch) bool {
	for _, f := range s.Required {
		if _, ok := m.columns[f]; !ok {
			return false
		}
	}
	return true
}

// headerSearchRows is how far down a header is looked for: title rows,
// a 填报单位 line and a blank row above it are common.
const headerSearchRows = 15
