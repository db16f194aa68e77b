// Package org knows how the units of a government are organised: the tree
// of units (city → county/district → town → village, by parent_code) and the
// 专班 (task forces) beside it — a department of kind "taskforce" with a lead
// unit, member units and a 分管领导. It computes without a database: the
// store loads a Tree, and identity reads it to decide who sees what.
package org

import (
	"slices"

	"github.com/duban-gov/duban/slip"
)

// Kind is what a department is: a unit of the government, or a 专班.
type Kind string

// The kinds of department.
const (
	KindUnit      Kind = "unit"
	KindTaskforce Kind = "taskforce"
)

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == KindUnit || k == KindTaskforce }

// Codes of the organisation's own errors (4xx answers).
const (
	CodeNotTaskforce = "not_taskforce"  // a 专班 operation on a plain unit
	CodeUnknownUser  = "unknown_leader" // a leader id that is not an enabled leader
	CodeOutsideScope = "outside_scope"  // a scoped office naming a unit outside its subtree
)

// Taskforce is a 专班: a department of kind taskforce. Its members see its
// slips (and those of the 专班 beneath it); its lead unit is always one of
// its members.
type Taskforce struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	ParentCode string `json:"parent_code,omitempty"`
	// LeadUnit is the unit that leads the 专班 (牵头单位).
	LeadUnit string `json:"lead_unit"`
	// LeaderID is the 分管领导's user id (0: none yet); LeaderName their
	// display name, filled when read.
	LeaderID   int64    `json:"leader_id,omitempty"`
	LeaderName string   `json:"leader_name,omitempty"`
	Members    []string `json:"members"`
}

// Normalize trims the fields, removes duplicate members and adds the lead
// unit to the members.
func (t *Taskforce) Normalize() {
	d := t.Department()
	d.Normalize()
	t.Code, t.Name, t.ParentCode = d.Code, d.Name, d.ParentCode
	members := []string{}
	if t.LeadUnit != "" {
		members = append(members, t.LeadUnit)
	}
	for _, m := range t.Members {
		if m != "" && !slices.Contains(members, m) {
			members = append(members, m)
		}
	}
	slices.Sort(members)
	t.Members = members
}

// Department is the 专班 as a department (code, name, parent).
func (t Taskforce) Department() slip.Department {
	return slip.Department{Code: t.Code, Name: t.Name, ParentCode: t.ParentCode}
}

// Validate checks the 专班's shape (not whether its units exist).
func (t Taskforce) Validate() error {
	if err := t.Department().Validate(); err != nil {
		return err
	}
	if t.LeadUnit == "" {
		return slip.Invalid("lead_unit", "请指定专班的牵头单位")
	}
	if slices.Contains(t.Members, t.Code) {
		return slip.Invalid("members", "专班不能是自己的成员单位")
	}
	if len(t.Members) > 200 {
		return slip.Invalid("members", "成员单位不能超过 200 个")
	}
	return nil
}

// Node is one department in a Tree.
type Node struct {
	Code   string
	Parent string
	Kind   Kind
	// Members are a 专班's member units (its lead unit among them).
	Members []string
}

// Tree is every department with its parent and, for a 专班, its members.
// It is small (a few thousand units at most) and read whole.
type Tree struct {
	nodes    map[string]Node
	children map[string][]string
	teamsOf  map[string][]string // unit → the 专班 it is a member of
}

// NewTree indexes nodes.
func NewTree(nodes []Node) Tree {
	t := Tree{nodes: map[string]Node{}, children: map[string][]string{}, teamsOf: map[string][]string{}}
	for _, n := range nodes {
		t.nodes[n.Code] = n
		if n.Parent != "" {
			t.children[n.Parent] = append(t.children[n.Parent], n.Code)
		}
		for _, m := range n.Members {
			t.teamsOf[m] = append(t.teamsOf[m], n.Code)
		}
	}
	return t
}

// Has reports whether code is a department of the tree.
func (t Tree) Has(code string) bool { _, ok := t.nodes[code]; return ok }

// Node returns the department code, if any.
func (t Tree) Node(code string) (Node, bool) { n, ok := t.nodes[code]; return n, ok }

// Subtree is code and every department beneath it, sorted; empty when code
// is not in the tree. A parent cycle (which the store does not let happen)
// cannot loop it.
func (t Tree) Subtree(code string) []string {
	if !t.Has(code) {
		return []string{}
	}
	seen := map[string]bool{code: true}
	out := []string{code}
	for i := 0; i < len(out); i++ {
		for _, c := range t.children[out[i]] {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	slices.Sort(out)
	return out
}

// Within reports whether code is ancestor or beneath it.
func (t Tree) Within(code, ancestor string) bool {
	seen := map[string]bool{}
	for c := code; c != "" && !seen[c]; c = t.nodes[c].Parent {
		if c == ancestor {
			return true
		}
		seen[c] = true
	}
	return false
}

// TeamsOf is the 专班 whose items unit sees as a member: each 专班 it is a
// member of, and every 专班 beneath those (a city 专班's members see its
// county 专班's items; a county 专班's members do not see the city's or a
// sibling county's). Sorted, without duplicates.
func (t Tree) TeamsOf(unit string) []string {
	var out []string
	for _, team := range t.teamsOf[unit] {
		for _, c := range t.Subtree(team) {
			if t.nodes[c].Kind == KindTaskforce && !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	slices.Sort(out)
	return out
}

// Ancestors is code's chain of parents, nearest first.
func (t Tree) Ancestors(code string) []string {
	var out []string
	seen := map[string]bool{code: true}
	for c := t.nodes[code].Parent; c != "" && !seen[c]; c = t.nodes[c].Parent {
		seen[c] = true
		out = append(out, c)
	}
	return out
}
