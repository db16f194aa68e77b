package store

import (
	"maps"
	"slices"
	"testing"
)

// TestIndexStatements: how a migration's statements change the indexes the
// migrations leave, for the forms the migrations use and some they may.
func TestIndexStatements(t *testing.T) {
	out := map[string]migratedIndex{}
	applyIndexStatements(out, "m1", `
CREATE TABLE a (x TEXT);
CREATE INDEX a_x_idx ON a (x);
create unique index if not exists A_Y_IDX on a (y);
CREATE INDEX b_idx ON b USING gin (f(x));
-- CREATE INDEX commented_idx ON c (x);
CREATE INDEX gone_idx ON a (x);
DROP INDEX IF EXISTS gone_idx;
`)
	applyIndexStatements(out, "m2", `
CREATE TABLE b_next (x TEXT);
CREATE INDEX b_next_idx ON b_next (x);
DROP TABLE b;
ALTER TABLE b_next RENAME TO b;
CREATE INDEX a_x_idx ON a (x, y);
`)
	applyIndexStatements(out, "m3", "DROP TABLE IF EXISTS a; -- and DROP INDEX b_next_idx, said a comment")
	names := slices.Sorted(maps.Keys(out))
	if want := []string{"b_next_idx"}; !slices.Equal(names, want) {
		t.Fatalf("indexes left %v, want %v (all: %v)", names, want, out)
	}
	if got := out["b_next_idx"]; got != (migratedIndex{table: "b", migration: "m2"}) {
		t.Fatalf("b_next_idx = %+v, want on b (renamed), made by m2", got)
	}

	out = map[string]migratedIndex{}
	applyIndexStatements(out, "m1", `CREATE INDEX a_x_idx ON a (x); CREATE UNIQUE INDEX A_Y_IDX ON a (y);`)
	applyIndexStatements(out, "m2", `CREATE INDEX a_x_idx ON a (x, y);`)
	if got := out["a_x_idx"].migration; got != "m2" {
		t.Fatalf("a_x_idx made last by %q, want m2", got)
	}
	if _, ok := out["a_y_idx"]; !ok {
		t.Fatalf("A_Y_IDX not kept under its lowercase name: %v", out)
	}
}
