package identity

import (
	"slices"

	"github.com/duban-gov/duban/slip"
)

// ProjectScope is the one place that says which projects a user sees: all
// of them (an unscoped office, leaders, inspectors), or those owned by one
// of units or with a milestone owned by one (a department: its own unit,
// and its 专班 once confined; a scoped office, leader or inspector: its
// subtree); nothing for anyone else.
func (u User) ProjectScope() (units []string, all, ok bool) {
	if u.Role != slip.RoleDepartment && !u.SeesAllSlips() {
		return nil, false, false
	}
	all, units = u.Visible()
	return units, all, true
}

// CanSeeProject reports whether u may see a project owned by owner whose
// milestones belong to milestoneUnits.
func (u User) CanSeeProject(owner string, milestoneUnits []string) bool {
	units, all, ok := u.ProjectScope()
	return ok && (all || slices.Contains(units, owner) ||
		slices.ContainsFunc(milestoneUnits, func(m string) bool { return slices.Contains(units, m) }))
}
