package identity

import (
	"slices"

	"github.com/duban-gov/duban/slip"
)

// ProjectScope is the one place that says which projects a user sees: all
// of them (office, leaders, inspectors), or, for a department, those it
// owns or where it owns a milestone (Unit); nothing for anyone else. The
// subtree scoping of lower-level offices extends this function.
func (u User) ProjectScope() (unit string, all, ok bool) {
	switch {
	case u.SeesAllSlips():
		return "", true, true
	case u.Role == slip.RoleDepartment && u.Department != "":
		return u.Department, false, true
	}
	return "", false, false
}

// CanSeeProject reports whether u may see a project owned by owner whose
// milestones belong to units.
func (u User) CanSeeProject(owner string, units []string) bool {
	unit, all, ok := u.ProjectScope()
	return ok && (all || unit == owner || slices.Contains(units, unit))
}
