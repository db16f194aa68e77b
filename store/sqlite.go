package store

import (
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/callbacks"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/logger"
	"gorm.io/gorm/migrator"
	"gorm.io/gorm/schema"
	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

// sqliteDialector is a small GORM dialector over modernc.org/sqlite, the
// pure-Go SQLite that the in-process Temporal server already links. The
// common GORM SQLite drivers either need cgo or register a second driver
// under the same name, which panics when both live in one binary.
//
// The ledger's schema comes from the SQL migrations, so the dialector only
// has to build and run statements; it never creates tables itself.
type sqliteDialector struct {
	dsn string
}

func (sqliteDialector) Name() string { return "sqlite" }

func (d sqliteDialector) Initialize(db *gorm.DB) error {
	callbacks.RegisterDefaultCallbacks(db, &callbacks.Config{})
	db.ClauseBuilders["LIMIT"] = buildLiteralLimit
	conn, err := sql.Open("sqlite", d.dsn)
	if err != nil {
		return fmt.Errorf("open sqlite: %w", err)
	}
	db.ConnPool = conn
	return nil
}

// buildLiteralLimit writes a query's LIMIT as a number rather than a bound
// parameter (GORM's default, "LIMIT ?"). SQLite plans a LIMIT it can read
// as an integer differently, so a prepared statement whose LIMIT is a
// parameter is marked to be planned again whenever the parameter is bound:
// every Take — each request's token check, each slip read — then parsed its
// SQL anew despite the prepared-statement cache. OFFSET stays a parameter:
// it does not change the plan, and as a number it would make each page a
// statement of its own.
func buildLiteralLimit(c clause.Clause, b clause.Builder) {
	limit, ok := c.Expression.(clause.Limit)
	if !ok {
		c.Build(b)
		return
	}
	hasLimit := limit.Limit != nil && *limit.Limit >= 0
	if hasLimit {
		_, _ = b.WriteString("LIMIT " + strconv.Itoa(*limit.Limit))
	}
	if limit.Offset > 0 {
		if hasLimit {
			_ = b.WriteByte(' ')
		}
		_, _ = b.WriteString("OFFSET ")
		b.AddVar(b, limit.Offset)
	}
}

func (d sqliteDialector) Migrator(db *gorm.DB) gorm.Migrator {
	return migrator.Migrator{Config: migrator.Config{DB: db, Dialector: d}}
}

func (sqliteDialector) DataTypeOf(f *schema.Field) string {
	switch f.DataType {
	case schema.Bool, schema.Int, schema.Uint:
		return "INTEGER"
	case schema.Float:
		return "REAL"
	case schema.Time:
		return "DATETIME"
	case schema.Bytes:
		return "BLOB"
	default:
		return "TEXT"
	}
}

func (sqliteDialector) DefaultValueOf(*schema.Field) clause.Expression {
	return clause.Expr{SQL: "NULL"}
}

func (sqliteDialector) BindVarTo(w clause.Writer, _ *gorm.Statement, _ any) { _ = w.WriteByte('?') }

// QuoteTo writes name quoted, part by part ("t"."col"), doubling any quote
// in it. GORM quotes every column of every statement it builds, so this
// writes straight to w rather than allocating a slice and strings per name.
func (sqliteDialector) QuoteTo(w clause.Writer, name string) {
	for first := true; ; first = false {
		part, rest, more := strings.Cut(name, ".")
		if !first {
			_ = w.WriteByte('.')
		}
		_ = w.WriteByte('"')
		_, _ = w.WriteString(strings.ReplaceAll(part, `"`, `""`)) // no copy without a quote
		_ = w.WriteByte('"')
		if !more {
			return
		}
		name = rest
	}
}

func (sqliteDialector) Explain(sql string, vars ...any) string {
	return logger.ExplainSQL(sql, nil, `'`, vars...)
}
