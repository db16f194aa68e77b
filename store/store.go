// Package store is the ledger (台账): the read model of every slip, its
// departments and its timeline, in PostgreSQL in production and SQLite in the
// embedded default, through the same GORM code.
//
// The slip workflows are the source of truth; they write here through the
// idempotent projections in record.go. Everything else in this package reads.
package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	neturl "net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/duban-gov/duban/calendar"
)

// Dialect names the SQL database behind a Store.
type Dialect string

// The supported dialects.
const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// sqliteIdleConns is how many SQLite connections the ledger keeps open
// between requests: above the API's and the worker's usual concurrency, so
// that connections are reused rather than opened per request.
const sqliteIdleConns = 64

// sqliteStatements bounds the SQLite ledger's prepared statements: its
// queries and filters make a few hundred distinct texts at most.
const sqliteStatements = 512

// sqliteBusyTimeout is how long a SQLite writer waits for the write lock,
// in the process's gate (writeGate) and then on SQLite's busy_timeout,
// before it fails with "database is locked".
const sqliteBusyTimeout = 10 * time.Second

// Options tune a Store.
type Options struct {
	// NumberPrefix starts every slip number: 督 gives 督〔2026〕17号.
	NumberPrefix string
	// Calendar counts working days for the statistics (average working days
	// to close). Nil means the shipped holiday data, weekends only for years
	// without data.
	Calendar *calendar.Calendar
}

// Store is the ledger. It is safe for concurrent use.
type Store struct {
	// db runs the ledger's statements. On SQLite it prepares each distinct
	// statement once per connection and keeps it, in stmts (parsing SQL was
	// a tenth of the embedded default's CPU); PostgreSQL's driver caches
	// its own.
	db    *gorm.DB
	stmts *stmtCache
	// schema runs statements unprepared: a migration file is several
	// statements in one Exec, which a prepared statement would cut to the
	// first.
	schema  *gorm.DB
	dialect Dialect
	opts    Options
	// tree is the unit tree last read, kept while its version stands.
	tree *treeCache
	// chains is the tree the rollup's parent chains are read from.
	chains *chainTree
}

// Open connects to the database named by url: postgres://… (or
// postgresql://…) for PostgreSQL, sqlite:PATH or a plain file path for SQLite.
// It does not migrate; call Migrate.
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	if opts.NumberPrefix == "" {
		opts.NumberPrefix = "督"
	}
	if opts.Calendar == nil {
		cal, err := calendar.New(calendar.Options{MissingYear: calendar.WeekendsOnly, Log: slog.New(slog.DiscardHandler)})
		if err != nil {
			return nil, fmt.Errorf("open store: shipped calendar: %w", err)
		}
		opts.Calendar = cal
	}
	cfg := &gorm.Config{
		Logger:  logger.Discard,
		NowFunc: func() time.Time { return time.Now().UTC() },
	}
	var (
		dialector gorm.Dialector
		dialect   Dialect
	)
	switch {
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		dialector, dialect = postgres.Open(sessionDefaults(url)), Postgres
	default:
		path := strings.TrimPrefix(url, "sqlite:")
		if path == "" {
			return nil, errors.New("open store: empty database url")
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, fmt.Errorf("open store: create directory for %s: %w", path, err)
		}
		// WAL lets readers run beside the writer; an immediate transaction
		// takes the write lock up front so concurrent writers queue on
		// busy_timeout instead of failing on lock upgrade. Reads go through
		// a memory map (mmap_size, up to 256 MiB of the file): in WAL mode
		// a connection drops its page cache whenever another one has
		// written, so under steady writes every transaction re-read its
		// pages with a system call each.
		dsn := "file:" + path + "?_pragma=busy_timeout(" + strconv.Itoa(int(sqliteBusyTimeout/time.Millisecond)) + ")&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=mmap_size(268435456)&_txlock=immediate"
		dialector, dialect = sqliteDialector{dsn: dsn}, SQLite
	}
	db, err := gorm.Open(dialector, cfg)
	if err != nil {
		return nil, fmt.Errorf("open %s store: %w", dialect, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("open %s store: %w", dialect, err)
	}
	switch dialect {
	case Postgres:
		sqlDB.SetMaxOpenConns(20)
		sqlDB.SetMaxIdleConns(10)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	case SQLite:
		// database/sql keeps two idle connections by default and closes
		// the rest as each request ends; a busy API then opens a SQLite
		// connection (file, WAL, pragmas, statements prepared again) per
		// request — a tenth of the embedded process's CPU under load.
		// Keep enough for the API's and the worker's concurrency idle.
		sqlDB.SetMaxIdleConns(sqliteIdleConns)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	}
	s := &Store{db: db, schema: db, dialect: dialect, opts: opts, tree: &treeCache{}, chains: &chainTree{}}
	if dialect == SQLite {
		// One gate for both handles: a migration writes too. The
		// ledger's statements are prepared once (stmtCache); the schema's
		// run as they come.
		gate := newWriteGate(sqliteBusyTimeout)
		s.stmts = newStmtCache(sqlDB, sqliteStatements)
		// (A session shares its parent's statement, and so its pool,
		// unless given a context: each handle needs its own.)
		s.db = db.Session(&gorm.Session{NewDB: true, Context: context.Background()})
		s.db.Statement.ConnPool = &gatedPool{db: sqlDB, gate: gate, stmts: s.stmts}
		s.schema = db.Session(&gorm.Session{NewDB: true, Context: context.Background()})
		s.schema.Statement.ConnPool = &gatedPool{db: sqlDB, gate: gate}
	}
	if err := s.Ping(ctx); err != nil {
		s.stmts.close()
		_ = sqlDB.Close()
		return nil, err
	}
	return s, nil
}

// sessionDefaults gives the ledger's PostgreSQL connections the settings its
// queries are planned for, each unless the URL sets it:
//   - jit off: the ledger's queries are short, and JIT spent 30 ms compiling
//     each one the planner thought costly (a keyword count, a filtered page
//     at a million slips) to save less than that;
//   - random_page_cost 1.1, the usual value for SSDs (PostgreSQL's default,
//     4, prices a random read as on a spinning disk): at 4 the planner
//     hashed and sorted a department's whole export (107k of a million
//     slips, sorted on disk) before its first row, 0.8 s, instead of walking
//     the department's index in the ledger's order.
func sessionDefaults(dsn string) string {
	u, err := neturl.Parse(dsn)
	if err != nil {
		return dsn // let the driver report it
	}
	q := u.Query()
	for name, value := range map[string]string{"jit": "off", "random_page_cost": "1.1"} {
		if !q.Has(name) {
			q.Set(name, value)
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// Dialect says which database the store runs on.
func (s *Store) Dialect() Dialect { return s.dialect }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("ping %s store: %w", s.dialect, err)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s store: %w", s.dialect, err)
	}
	return nil
}

// Collation names how the ledger's PostgreSQL database orders text (its
// LC_COLLATE), or is "" on SQLite, which compares bytes.
func (s *Store) Collation(ctx context.Context) (string, error) {
	if s.dialect != Postgres {
		return "", nil
	}
	var name string
	if err := s.db.WithContext(ctx).Raw(`SELECT datcollate FROM pg_database WHERE datname = current_database()`).Scan(&name).Error; err != nil {
		return "", fmt.Errorf("read the database's collation: %w", err)
	}
	return name, nil
}

// SlowCollation says whether PostgreSQL compares text under collation by a
// language's rules rather than by its bytes (C, POSIX) or code points
// (C.UTF-8, whose comparisons cost about as little). Every lookup of a slip
// compares its id in the indexes: under en_US.UTF-8, which the official
// PostgreSQL image gives a database by default, reading a thousand slips'
// parts took 18–27 ms against 6–12 under C.UTF-8 or C.
func SlowCollation(name string) bool {
	switch strings.ToLower(strings.ReplaceAll(name, "-", "")) {
	case "", "c", "posix", "c.utf8":
		return false
	}
	return true
}

// Close releases the database connections.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	s.stmts.close()
	return sqlDB.Close()
}

//go:embed migrations
var migrations embed.FS

// migrationFile is one of a dialect's embedded migrations.
type migrationFile struct {
	// version is its name without ".sql", as schema_migrations records it.
	version, name string
	// path is where it stands in the source: store/migrations/<dialect>/<name>.
	path, body string
}

// migrationFiles are the dialect's embedded migrations in the order they
// are applied, their names'.
func migrationFiles(d Dialect) ([]migrationFile, error) {
	dir := "migrations/" + string(d)
	entries, err := fs.ReadDir(migrations, dir) // sorted by name
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", dir, err)
	}
	var files []migrationFile
	for _, e := range entries {
		version, ok := strings.CutSuffix(e.Name(), ".sql")
		if !ok {
			continue
		}
		body, err := migrations.ReadFile(dir + "/" + e.Name())
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", e.Name(), err)
		}
		files = append(files, migrationFile{version: version, name: e.Name(), path: "store/" + dir + "/" + e.Name(), body: string(body)})
	}
	return files, nil
}

// migrationLockKey names the PostgreSQL advisory lock that serialises
// concurrent migrators (two replicas running `duban migrate` at once).
const migrationLockKey = 7_240_311_026

// Migrate brings the schema up to date by applying, in order and each in its
// own transaction, the embedded migrations for this dialect that have not run
// yet. Migrations only move forward; they are never edited once released.
// Concurrent calls are safe: on PostgreSQL each transaction first takes an
// advisory lock; SQLite transactions are already exclusive (_txlock=immediate).
func (s *Store) Migrate(ctx context.Context) error {
	files, err := migrationFiles(s.dialect)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, m := range files {
		err = s.schema.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if s.dialect == Postgres {
				if err := tx.Exec(`SELECT pg_advisory_xact_lock(?)`, migrationLockKey).Error; err != nil {
					return fmt.Errorf("take migration lock: %w", err)
				}
			}
			if err := tx.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`).Error; err != nil {
				return fmt.Errorf("create schema_migrations: %w", err)
			}
			var n int64
			if err := tx.Table("schema_migrations").Where("version = ?", m.version).Count(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if err := tx.Exec(m.body).Error; err != nil {
				return err
			}
			return tx.Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
				m.version, time.Now().UTC().Format(time.RFC3339)).Error
		})
		if err != nil {
			return fmt.Errorf("migrate %s %s: %w", s.dialect, m.name, err)
		}
	}
	return nil
}
