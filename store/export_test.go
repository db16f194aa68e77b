package store

import (
	"context"
	"strings"
	"testing"
	"time"
)

// SetCountLimit lowers how far the ledger counts, for the rest of the test.
func SetCountLimit(t testing.TB, n int64) {
	old := countLimit
	countLimit = n
	t.Cleanup(func() { countLimit = old })
}

// SetKeywordCountLimit lowers how far the ledger counts keyword matches,
// for the rest of the test.
func SetKeywordCountLimit(t testing.TB, n int64) {
	old := keywordCountLimit
	keywordCountLimit = n
	t.Cleanup(func() { keywordCountLimit = old })
}

// SetCommonKeywordShare sets the share of the sampled slips above which a
// keyword counts as common (and is not narrowed by the keyword index across
// the ledger), for the rest of the test: 0 makes every keyword common, 1
// none.
func SetCommonKeywordShare(t testing.TB, share float64) {
	old := commonKeywordShare
	commonKeywordShare = share
	t.Cleanup(func() { commonKeywordShare = old })
}

// CountFromSlips makes the statistics read the slips, never the rollup, for
// the rest of the test: the reference the rollup is checked against.
func CountFromSlips(t testing.TB) {
	useRollup = false
	t.Cleanup(func() { useRollup = true })
}

// TokenLastUsed reads when a token was last recorded as used (nil: never).
func TokenLastUsed(t testing.TB, s *Store, id int64) *time.Time {
	t.Helper()
	var row tokenRow
	if err := s.db.Take(&row, id).Error; err != nil {
		t.Fatalf("read token %d: %v", id, err)
	}
	return row.LastUsedAt
}

// Setting reads a PostgreSQL setting on one of the store's connections.
func Setting(t testing.TB, s *Store, name string) string {
	t.Helper()
	var v string
	if err := s.db.Raw("SELECT current_setting(?)", name).Scan(&v).Error; err != nil {
		t.Fatalf("read setting %s: %v", name, err)
	}
	return v
}

// ParallelWorkersSerially is PostgreSQL's max_parallel_workers_per_gather
// as a statement run through serially sees it, then fn's error as serially
// returns it.
func ParallelWorkersSerially(ctx context.Context, st *Store, fnErr error) (string, error) {
	var setting string
	err := st.serially(ctx, func(s *Store) error {
		if err := s.db.WithContext(ctx).Raw("SHOW max_parallel_workers_per_gather").Scan(&setting).Error; err != nil {
			return err
		}
		return fnErr
	})
	return setting, err
}

// ParallelWorkers is the setting as any other statement sees it.
func ParallelWorkers(ctx context.Context, st *Store) (string, error) {
	var setting string
	err := st.db.WithContext(ctx).Raw("SHOW max_parallel_workers_per_gather").Scan(&setting).Error
	return setting, err
}

// StatsRow is a row of the statistics' rollup.
type StatsRow = statsRow

// RollupRows reads the statistics' rollup in key order, leaving out rows
// that count nothing (left behind by slips that moved on).
func RollupRows(t testing.TB, s *Store) []statsRow {
	t.Helper()
	var rows []statsRow
	if err := s.db.Where("slips <> 0").
		Order("department_code, role, issued_month, status, effective_deadline, ack_reminded, lead_department").
		Find(&rows).Error; err != nil {
		t.Fatalf("read the rollup: %v", err)
	}
	return rows
}

// RederiveBelowRows deletes the rollup's rows of role below and derives
// them again from the slips with migration 0160's own statement, as it did
// for a ledger that had slips before it.
func RederiveBelowRows(t testing.TB, s *Store) {
	t.Helper()
	src, err := migrations.ReadFile("migrations/" + string(s.dialect) + "/0160_scope_rollup.sql")
	if err != nil {
		t.Fatal(err)
	}
	const end = "GROUP BY 1, 2, 3, 4, 5, 6, 7;"
	stmt, _, ok := strings.Cut(string(src), end)
	if !ok {
		t.Fatal("migration 0160 has no rollup statement")
	}
	stmt = stmt[strings.Index(stmt, "WITH RECURSIVE"):] + end
	if err := s.db.Exec("DELETE FROM slip_stats WHERE role = ?", roleBelow).Error; err != nil {
		t.Fatal(err)
	}
	if err := s.schema.Exec(stmt).Error; err != nil {
		t.Fatalf("migration 0160's statement: %v", err)
	}
}

// RederiveGroupRows empties the group rollup and derives it again from the
// slips with the statements of migrations 0180 (batch and category) and
// 0200 (leader), as they did for a ledger that had slips before them.
func RederiveGroupRows(t testing.TB, s *Store) {
	t.Helper()
	if err := s.db.Exec("DELETE FROM slip_group_stats").Error; err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"0180_group_rollup.sql", "0200_leader_rollup.sql"} {
		src, err := migrations.ReadFile("migrations/" + string(s.dialect) + "/" + name)
		if err != nil {
			t.Fatal(err)
		}
		_, stmt, ok := strings.Cut(string(src), "INSERT INTO slip_group_stats")
		if !ok {
			t.Fatalf("migration %s has no rollup statement", name)
		}
		if err := s.schema.Exec("INSERT INTO slip_group_stats" + stmt).Error; err != nil {
			t.Fatalf("migration %s's statement: %v", name, err)
		}
	}
}
