package store

import (
	"context"
	"slices"
	"sync/atomic"

	"gorm.io/gorm"

	"github.com/duban-gov/duban/org"
)

// roleBelow is the rollup role of a slip counted for a department above one
// of its units that is not itself on the slip (migration 0160). A
// subtree's slips are its root's rollup rows in every role, each slip once;
// a department's own are its rows as lead or co-unit.
const roleBelow = "below"

// ownRoles is the condition keeping a department's own rollup rows (lead
// and co-unit), leaving out the slips only below it.
const ownRoles = "role IN ('lead', 'co')"

// chainTree is a unit tree a Store reads parent chains from when it counts
// a slip for the departments above its units. A department's parent never
// changes once it is created (migration 0160's trigger), and departments are
// never deleted, so any tree holding a code holds its chain for good: it is
// read again only when a slip names a department it does not hold.
type chainTree = atomic.Pointer[org.Tree]

// rollupMembers are what a slip on departments (the lead first) is counted
// under in the rollup: each department in its role, then each department
// above them, once, that is not on the slip itself. tx reads the tree when
// the kept one does not hold them all.
func (s *Store) rollupMembers(tx *gorm.DB, departments []string) ([]member, error) {
	return s.withBelow(tx, membersOf(departments))
}

// withBelow appends to a slip's members (its departments in their roles)
// the departments above them that are not among them, as roleBelow.
func (s *Store) withBelow(tx *gorm.DB, members []member) ([]member, error) {
	tree, err := s.chainsFor(tx, members)
	if err != nil {
		return nil, err
	}
	on := func(code string) bool {
		return slices.ContainsFunc(members, func(m member) bool { return m.department == code })
	}
	out := slices.Clip(members) // appended to in a new array, never the caller's
	for _, m := range members {
		for _, a := range tree.Ancestors(m.department) {
			if on(a) || slices.Contains(out[len(members):], member{a, roleBelow}) {
				continue
			}
			out = append(out, member{a, roleBelow})
		}
	}
	return out, nil
}

// chainsFor is a tree holding every department of members: the kept one,
// or one read through tx.
func (s *Store) chainsFor(tx *gorm.DB, members []member) (org.Tree, error) {
	if t := s.chains.Load(); t != nil && !slices.ContainsFunc(members, func(m member) bool { return !t.Has(m.department) }) {
		return *t, nil
	}
	t, err := readOrgTree(tx)
	if err != nil {
		return org.Tree{}, err
	}
	s.chains.Store(&t)
	return t, nil
}

// scopeOf is the department whose subtree units are exactly, when they
// are one (a scoped office's reach, identity.User.Confine): that subtree's
// slips are then counted by its root's rollup rows in every role. Otherwise
// (a department with its 专班, say) it is "", false.
func (s *Store) scopeOf(ctx context.Context, units []string) (string, bool) {
	if len(units) == 0 {
		return "", false
	}
	tree, err := s.OrgTree(ctx)
	if err != nil {
		return "", false // the slips are read instead; their query reports it
	}
	for _, u := range units {
		n, ok := tree.Node(u)
		if !ok {
			return "", false
		}
		if n.Parent != "" && slices.Contains(units, n.Parent) {
			continue
		}
		// u is a root of units: they must be its whole subtree.
		want := slices.Clone(units)
		slices.Sort(want)
		if !slices.Equal(tree.Subtree(u), slices.Compact(want)) {
			return "", false
		}
		return u, true
	}
	return "", false
}
