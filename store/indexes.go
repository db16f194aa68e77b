package store

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// MissingIndex is an index the migrations made that the database does not
// have, and the migration that made it last, as its path in the source
// (store/migrations/…): its CREATE INDEX statement is there.
type MissingIndex struct {
	Name, Migration string
}

// MissingIndexes lists the indexes the migrations applied so far made, and
// did not drop since, that the database lacks, by name. A ledger restored
// from a dump whose restore skipped an error — before migration 0190, the
// keyword index under pg_dump's empty search_path — answers every query,
// but some of them by reading every slip; this is how to notice.
func (s *Store) MissingIndexes(ctx context.Context) ([]MissingIndex, error) {
	var applied []string
	if err := s.db.WithContext(ctx).Table("schema_migrations").Pluck("version", &applied).Error; err != nil {
		return nil, fmt.Errorf("read applied migrations: %w", err)
	}
	expected, err := migratedIndexes(s.dialect, applied)
	if err != nil {
		return nil, err
	}
	var present []string
	q := `SELECT name FROM sqlite_master WHERE type = 'index'`
	if s.dialect == Postgres {
		q = `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()`
	}
	if err := s.db.WithContext(ctx).Raw(q).Scan(&present).Error; err != nil {
		return nil, fmt.Errorf("list the database's indexes: %w", err)
	}
	for i, name := range present {
		present[i] = strings.ToLower(name)
	}
	var missing []MissingIndex
	for name, ix := range expected {
		if !slices.Contains(present, name) {
			missing = append(missing, MissingIndex{Name: name, Migration: ix.migration})
		}
	}
	sort.Slice(missing, func(i, j int) bool { return missing[i].Name < missing[j].Name })
	return missing, nil
}

// Statements of a migration that make, drop or move indexes. Names are
// written bare in every migration (no quotes, no schema).
var (
	createIndexSQL = regexp.MustCompile(`(?i)\bCREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(\w+)\s+ON\s+(?:ONLY\s+)?(\w+)`)
	dropIndexSQL   = regexp.MustCompile(`(?i)\bDROP\s+INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+EXISTS\s+)?(\w+)`)
	dropTableSQL   = regexp.MustCompile(`(?i)\bDROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?(\w+)`)
	renameTableSQL = regexp.MustCompile(`(?i)\bALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(\w+)\s+RENAME\s+TO\s+(\w+)`)
	sqlComment     = regexp.MustCompile(`--[^\n]*`)
)

// migratedIndex is an index as the migrations leave it: its table and the
// migration that made it.
type migratedIndex struct{ table, migration string }

// migratedIndexes reads the dialect's migrations among applied, in order,
// and returns the indexes they leave: each CREATE INDEX, less those a later
// DROP INDEX or DROP TABLE removed, following ALTER TABLE … RENAME TO.
func migratedIndexes(d Dialect, applied []string) (map[string]migratedIndex, error) {
	files, err := migrationFiles(d)
	if err != nil {
		return nil, err
	}
	out := map[string]migratedIndex{}
	for _, m := range files {
		if slices.Contains(applied, m.version) {
			applyIndexStatements(out, m.path, m.body)
		}
	}
	return out, nil
}

// applyIndexStatements changes out as the statements of one migration's sql
// change the indexes, in the order written: a migration may drop a table
// and make its indexes again, or make them on a copy it then renames.
func applyIndexStatements(out map[string]migratedIndex, migration, sql string) {
	text := sqlComment.ReplaceAllString(sql, "")
	type statement struct {
		pos  int
		kind byte
		args []string
	}
	var found []statement
	for kind, re := range map[byte]*regexp.Regexp{'c': createIndexSQL, 'd': dropIndexSQL, 't': dropTableSQL, 'r': renameTableSQL} {
		for _, loc := range re.FindAllStringSubmatchIndex(text, -1) {
			args := make([]string, 0, 2)
			for g := 2; g+1 < len(loc); g += 2 {
				args = append(args, strings.ToLower(text[loc[g]:loc[g+1]]))
			}
			found = append(found, statement{loc[0], kind, args})
		}
	}
	sort.Slice(found, func(i, j int) bool { return found[i].pos < found[j].pos })
	for _, f := range found {
		switch f.kind {
		case 'c':
			out[f.args[0]] = migratedIndex{table: f.args[1], migration: migration}
		case 'd':
			delete(out, f.args[0])
		case 't':
			for name, ix := range out {
				if ix.table == f.args[0] {
					delete(out, name)
				}
			}
		case 'r':
			for name, ix := range out {
				if ix.table == f.args[0] {
					ix.table = f.args[1]
					out[name] = ix
				}
			}
		}
	}
}
