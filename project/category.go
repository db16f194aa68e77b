package project

import (
	"fmt"
	"strings"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/slip"
)

// AttributeType is the type of a category's typed attribute.
type AttributeType string

// The attribute types an admin may define.
const (
	AttrText   AttributeType = "text"
	AttrNumber AttributeType = "number"
	AttrDate   AttributeType = "date"
)

// Attribute is one typed key figure a category asks of its projects
// (e.g. 用地面积, 开工许可日期), beside the investment every project has.
type Attribute struct {
	Name     string        `json:"name"`
	Type     AttributeType `json:"type"`
	Required bool          `json:"required"`
}

// Node is one milestone of a category's template: planned OffsetWorkingDays
// working days before the project's end date. DependsOn names nodes that
// must be planned no later than this one.
type Node struct {
	Key               string   `json:"key"`
	Name              string   `json:"name"`
	OffsetWorkingDays int      `json:"offset_working_days"`
	DependsOn         []string `json:"depends_on,omitempty"`
}

// Category is a kind of project (产业项目, 民生工程 …) with its milestone
// template, in order, and the attributes its projects carry.
type Category struct {
	Code       string      `json:"code"`
	Name       string      `json:"name"`
	Nodes      []Node      `json:"nodes"`
	Attributes []Attribute `json:"attributes"`
}

// MaxNodes bounds a template; MaxOffset bounds a node's offset (about four
// years of working days, within the calendar's reach).
const (
	MaxNodes  = 50
	MaxOffset = 1000
)

// Validate checks a category's template: named nodes with distinct keys,
// offsets in range, dependencies that exist and form no cycle, and an order
// the offsets and dependencies agree with.
func (c *Category) Validate() error {
	c.Code, c.Name = strings.TrimSpace(c.Code), strings.TrimSpace(c.Name)
	if c.Code == "" || len([]rune(c.Code)) > slip.MaxShortText {
		return slip.Invalid("code", "类别编码不能为空，且不超过 %d 个字", slip.MaxShortText)
	}
	if c.Name == "" || len([]rune(c.Name)) > slip.MaxShortText {
		return slip.Invalid("name", "类别名称不能为空，且不超过 %d 个字", slip.MaxShortText)
	}
	if len(c.Nodes) == 0 || len(c.Nodes) > MaxNodes {
		return slip.Unprocessable(CodeTemplateInvalid, "nodes", "节点模板须有 1 到 %d 个节点", MaxNodes)
	}
	index := map[string]int{}
	for i := range c.Nodes {
		n := &c.Nodes[i]
		n.Key, n.Name = strings.TrimSpace(n.Key), strings.TrimSpace(n.Name)
		if n.Key == "" || n.Name == "" {
			return slip.Unprocessable(CodeTemplateInvalid, "nodes", "第 %d 个节点缺少编码或名称", i+1)
		}
		if _, dup := index[n.Key]; dup {
			return slip.Unprocessable(CodeTemplateInvalid, "nodes", "节点编码重复：%s", n.Key)
		}
		if n.OffsetWorkingDays < 0 || n.OffsetWorkingDays > MaxOffset {
			return slip.Unprocessable(CodeTemplateInvalid, "nodes", "节点“%s”的倒排天数须在 0 到 %d 个工作日之间", n.Name, MaxOffset)
		}
		index[n.Key] = i
	}
	for _, n := range c.Nodes {
		for _, d := range n.DependsOn {
			if _, ok := index[d]; !ok {
				return slip.Unprocessable(CodeTemplateInvalid, "nodes", "节点“%s”依赖的节点 %s 不存在", n.Name, d)
			}
		}
	}
	if cycle := c.cycle(index); cycle != nil {
		return slip.Unprocessable(CodeTemplateCycle, "nodes", "节点依赖成环：%s", strings.Join(cycle, " → "))
	}
	for i, n := range c.Nodes {
		if i > 0 && n.OffsetWorkingDays > c.Nodes[i-1].OffsetWorkingDays {
			return slip.Unprocessable(CodeTemplateInvalid, "nodes", "节点须按时间先后排列：“%s”排在“%s”之后，倒排天数却更多", n.Name, c.Nodes[i-1].Name)
		}
		for _, d := range n.DependsOn {
			if dep := c.Nodes[index[d]]; dep.OffsetWorkingDays < n.OffsetWorkingDays {
				return slip.Unprocessable(CodeTemplateInvalid, "nodes", "节点“%s”依赖“%s”，却计划在它之前", n.Name, dep.Name)
			}
		}
	}
	for i := range c.Attributes {
		a := &c.Attributes[i]
		a.Name = strings.TrimSpace(a.Name)
		if a.Name == "" {
			return slip.Invalid("attributes", "第 %d 个属性缺少名称", i+1)
		}
		switch a.Type {
		case AttrText, AttrNumber, AttrDate:
		default:
			return slip.Invalid("attributes", "属性“%s”的类型只能是 text、number 或 date", a.Name)
		}
	}
	return nil
}

// cycle returns the keys of a dependency cycle, first key repeated at the
// end, or nil when the dependencies form none (depth-first search).
func (c *Category) cycle(index map[string]int) []string {
	const (
		unseen = iota
		onPath
		done
	)
	state := make([]int, len(c.Nodes))
	var path []string
	var visit func(i int) []string
	visit = func(i int) []string {
		state[i] = onPath
		path = append(path, c.Nodes[i].Key)
		for _, d := range c.Nodes[i].DependsOn {
			j := index[d]
			switch state[j] {
			case onPath:
				for k, key := range path {
					if key == d {
						return append(append([]string(nil), path[k:]...), d)
					}
				}
			case unseen:
				if cyc := visit(j); cyc != nil {
					return cyc
				}
			}
		}
		path = path[:len(path)-1]
		state[i] = done
		return nil
	}
	for i := range c.Nodes {
		if state[i] == unseen {
			if cyc := visit(i); cyc != nil {
				return cyc
			}
		}
	}
	return nil
}

// Node returns the template node with key, if any.
func (c Category) Node(key string) (Node, bool) {
	for _, n := range c.Nodes {
		if n.Key == key {
			return n, true
		}
	}
	return Node{}, false
}

// PlannedNode is one milestone date proposed by planning backwards.
type PlannedNode struct {
	Key     string        `json:"key"`
	Name    string        `json:"name"`
	Offset  int           `json:"offset_working_days"`
	Planned calendar.Date `json:"planned"`
}

// PlanBackwards (计划倒排) proposes each node's date: OffsetWorkingDays
// working days before end on cal (statutory holidays off, 调休 make-up days
// on). The office adjusts the dates before it creates the project. cal must
// be strict: a date in a year without holiday data is refused, not guessed.
func PlanBackwards(cal *calendar.Calendar, c Category, end calendar.Date) ([]PlannedNode, error) {
	if end.IsZero() {
		return nil, slip.Invalid("end_date", "须给出项目的完成日期")
	}
	out := make([]PlannedNode, 0, len(c.Nodes))
	for _, n := range c.Nodes {
		d, err := cal.AddWorkingDays(end, -n.OffsetWorkingDays)
		if err != nil {
			return nil, fmt.Errorf("plan node %s of category %s back from %s: %w", n.Key, c.Code, end, err)
		}
		out = append(out, PlannedNode{Key: n.Key, Name: n.Name, Offset: n.OffsetWorkingDays, Planned: d})
	}
	return out, nil
}
