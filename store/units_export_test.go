package store

import (
	"strings"
	"testing"
)

// UnitsOutOfStep lists the slips whose units column (migration 0100) is not
// their slip_departments rows, sorted: empty when the trigger kept them in
// step. SQLite has no such column: nothing to check.
func UnitsOutOfStep(t testing.TB, s *Store) []string {
	t.Helper()
	if s.dialect != Postgres {
		return nil
	}
	var ids []string
	err := s.db.Raw(`SELECT id FROM slips WHERE units IS DISTINCT FROM (
		SELECT COALESCE(array_agg(department_code ORDER BY position, department_code), '{}')
		FROM slip_departments WHERE slip_id = slips.id) ORDER BY id`).Scan(&ids).Error
	if err != nil {
		t.Fatalf("compare slips.units with slip_departments: %v", err)
	}
	return ids
}

// SetUnits overwrites a slip's units column behind the trigger's back (on
// PostgreSQL; a no-op on SQLite), to show the column only narrows searches
// and never decides who sees a slip.
func SetUnits(t testing.TB, s *Store, id string, units ...string) {
	t.Helper()
	if s.dialect != Postgres {
		return
	}
	if err := s.db.Exec(`UPDATE slips SET units = ?::text[] WHERE id = ?`, "{"+strings.Join(units, ",")+"}", id).Error; err != nil {
		t.Fatalf("set units of slip %s: %v", id, err)
	}
}
