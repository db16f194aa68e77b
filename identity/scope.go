package identity

import (
	"slices"
	"strings"

	"github.com/duban-gov/duban/org"
	"github.com/duban-gov/duban/slip"
)

// NeedsTree reports whether deciding what u sees needs the unit tree: a
// department (for its 专班) and a scoped office, leader or inspector.
func (u User) NeedsTree() bool {
	return u.Role == slip.RoleDepartment || (u.SeesAllSlips() && u.Scope != "")
}

// Confine works out, from the unit tree, which departments' slips u sees,
// once per request:
//   - a department: its own, and every 专班 it is a member of with the 专班
//     beneath those (org.Tree.TeamsOf);
//   - a scoped office, leader or inspector: every department of the subtree
//     under its scope (a scope no longer in the tree: nothing);
//   - anyone else is left as they are.
//
// The list is precomputed so the ledger and statistics filter by a fixed set
// of codes (one index lookup each), never by a recursive query per row.
func (u User) Confine(t org.Tree) User {
	switch {
	case u.Role == slip.RoleDepartment:
		units := append([]string{u.Department}, t.TeamsOf(u.Department)...)
		slices.Sort(units)
		u.reach = &reach{units: slices.Compact(units)}
	case u.SeesAllSlips() && u.Scope != "":
		u.reach = &reach{units: t.Subtree(u.Scope)}
	}
	return u
}

// units are the departments a confined user sees; nil before Confine.
func (u User) units() []string {
	if u.reach == nil {
		return nil
	}
	return u.reach.units
}

// Visible says which slips u sees, for the ledger's and statistics' SQL:
// all (nothing to filter), or those on any of units (a department user
// without 专班 gets its own department; an empty, non-nil list means none).
func (u User) Visible() (all bool, units []string) {
	switch {
	case u.SeesAllSlips() && u.Scope == "":
		return true, nil
	case u.reach != nil:
		return false, append([]string{}, u.reach.units...)
	case u.Role == slip.RoleDepartment:
		return false, []string{u.Department}
	}
	return false, []string{}
}

// SeesUnit reports whether u sees what belongs to department code (its
// statistics row, its quality row).
func (u User) SeesUnit(code string) bool {
	all, units := u.Visible()
	return all || slices.Contains(units, code)
}

// MayIssueTo checks that a scoped office may name every unit of codes on a
// slip (lead, co-units, a 改派 target): only units of its subtree. An
// unscoped office may name any; the answer is 422 outside_scope otherwise.
func (u User) MayIssueTo(field string, codes ...string) error {
	if u.Scope == "" {
		return nil
	}
	var outside []string
	for _, c := range codes {
		if !slices.Contains(u.units(), c) {
			outside = append(outside, c)
		}
	}
	if len(outside) > 0 {
		return slip.Unprocessable(org.CodeOutsideScope, field, "单位不在本级督查室的管辖范围内：%s", strings.Join(outside, "、"))
	}
	return nil
}
