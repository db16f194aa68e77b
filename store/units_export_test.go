package store

import (
	"strings"
	"testing"

	"gorm.io/gorm"
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

// UndoKeywordUnits takes migration 0100 back out of a PostgreSQL ledger (its
// trigger, functions, index and column; 0006's index back), so that the next
// Migrate runs it over the slips already there, as on a ledger upgraded to
// it. A no-op on SQLite, where 0100 does nothing.
func UndoKeywordUnits(t testing.TB, s *Store) {
	t.Helper()
	undoPostgresMigration(t, s, "0100_keyword_units", `
		DROP TRIGGER slip_departments_units ON slip_departments;
		DROP FUNCTION duban_slip_departments_changed();
		DROP FUNCTION duban_sync_units(TEXT);
		DROP INDEX slips_keyword_idx;
		DROP FUNCTION duban_keyword_terms(TEXT, TEXT[]);
		DROP FUNCTION duban_unit_term(TEXT);
		ALTER TABLE slips DROP COLUMN units;
		DROP FUNCTION duban_units_of(TEXT);
		CREATE INDEX slips_bigram_idx ON slips USING gin (duban_bigrams(LOWER(title || ' ' || content)));`)
}

// UndoKeywordPairs takes migration 0130 back (PostgreSQL): the ledger as it
// was before keyword_pairs, so that running it again shows what it does over
// slips already there.
func UndoKeywordPairs(t testing.TB, s *Store) {
	t.Helper()
	undoPostgresMigration(t, s, "0130_keyword_pairs", `
		DROP TRIGGER slips_keyword_pairs_insert ON slips;
		DROP TRIGGER slips_keyword_pairs_update ON slips;
		DROP FUNCTION duban_note_keyword_pairs();
		DROP FUNCTION duban_note_keyword_pairs_row();
		DROP TABLE keyword_pairs;`)
}

// undoPostgresMigration runs undo, the statements taking migration version
// back, and forgets that it ran, so that the next Migrate runs it again. A
// no-op on SQLite.
func undoPostgresMigration(t testing.TB, s *Store, version, undo string) {
	t.Helper()
	if s.dialect != Postgres {
		return
	}
	err := s.schema.Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(undo).Error; err != nil {
			return err
		}
		return tx.Exec(`DELETE FROM schema_migrations WHERE version = ?`, version).Error
	})
	if err != nil {
		t.Fatalf("undo migration %s: %v", version, err)
	}
}

// SetTitle changes a slip's title in plain SQL, as a correction by hand would.
func SetTitle(t testing.TB, s *Store, id, title string) {
	t.Helper()
	if err := s.db.Exec(`UPDATE slips SET title = ? WHERE id = ?`, title, id).Error; err != nil {
		t.Fatalf("set title of slip %s: %v", id, err)
	}
}
