// Package storetest gives tests a migrated, empty ledger on each database
// duban supports: SQLite in a temp dir, and PostgreSQL in a fresh database
// on the server named by DUBAN_TEST_DATABASE_URL.
//
// Without DUBAN_TEST_DATABASE_URL the PostgreSQL cases are skipped with a
// message, unless DUBAN_REQUIRE_POSTGRES=1 (set by .ci/run), which turns the
// skip into a failure so CI can never pass without having run them.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
)

// PostgresURLEnv names the admin URL of the test PostgreSQL server.
const PostgresURLEnv = "DUBAN_TEST_DATABASE_URL"

// Dialects lists the dialects tests run against.
var Dialects = []store.Dialect{store.SQLite, store.Postgres}

// Open returns a migrated, empty store of the given dialect, removed when the
// test ends.
func Open(t testing.TB, d store.Dialect) *store.Store {
	t.Helper()
	return OpenURL(t, URL(t, d))
}

// URL names a new, empty ledger of the given dialect, removed when the test
// ends: a SQLite file in a temp dir, or a fresh PostgreSQL database.
func URL(t testing.TB, d store.Dialect) string {
	t.Helper()
	switch d {
	case store.SQLite:
		return "sqlite:" + filepath.Join(t.TempDir(), "duban.db")
	case store.Postgres:
		return PostgresDatabase(t)
	}
	t.Fatalf("unknown dialect %q", d)
	return ""
}

// OpenURL opens the ledger at url, migrated, and closes it when the test
// ends. Opened twice on one url, it is two processes sharing a ledger.
func OpenURL(t testing.TB, url string) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, url, store.Options{})
	if err != nil {
		t.Fatalf("open store %s: %v", url, err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatalf("migrate store %s: %v", url, err)
	}
	return st
}

// OpenRaw opens the ledger at url with database/sql alone, beside any
// store on it: for SQL that must not pass through a Store (a test breaking
// things, or reading what the store wrote). SQLite waits on the file's
// lock as the store does. (Package store registers both drivers.)
func OpenRaw(t testing.TB, url string) *sql.DB {
	t.Helper()
	driver, dsn := "pgx", url
	if path, ok := strings.CutPrefix(url, "sqlite:"); ok {
		driver, dsn = "sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// Each runs fn as a subtest once per dialect.
func Each(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	t.Helper()
	for _, d := range Dialects {
		t.Run(string(d), func(t *testing.T) { fn(t, Open(t, d)) })
	}
}

// PostgresDatabase creates an empty database on the test server and returns
// its URL; the database is dropped when the test ends.
func PostgresDatabase(t testing.TB) string {
	t.Helper()
	return PostgresDatabaseWith(t, "")
}

// PostgresDatabaseWith is PostgresDatabase with options for CREATE DATABASE
// (such as "TEMPLATE template0 LC_COLLATE 'POSIX'").
func PostgresDatabaseWith(t testing.TB, options string) string {
	t.Helper()
	admin := os.Getenv(PostgresURLEnv)
	if admin == "" {
		if os.Getenv("DUBAN_REQUIRE_POSTGRES") == "1" {
			t.Fatalf("%s is not set but DUBAN_REQUIRE_POSTGRES=1", PostgresURLEnv)
		}
		t.Skipf("PostgreSQL tests skipped: set %s=postgres://user@host:port/db (bash .ci/run does)", PostgresURLEnv)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "duban_test_" + hex.EncodeToString(b)
	adminDB, err := gorm.Open(postgres.Open(admin), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatalf("connect to test postgres: %v", err)
	}
	sqlDB, _ := adminDB.DB()
	if err := adminDB.Exec(strings.TrimSpace("CREATE DATABASE " + name + " " + options)).Error; err != nil {
		_ = sqlDB.Close()
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = adminDB.WithContext(ctx).Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").Error
		_ = sqlDB.Close()
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("parse %s: %v", PostgresURLEnv, err)
	}
	u.Path = "/" + name
	return u.String()
}

// Must fails the test on err; it keeps setup code short.
func Must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(fmt.Errorf("setup: %w", err))
	}
}

// AllSlips walks the ledger's slips that f selects, newest first, through
// EachSlip in batches of batch (0: its default).
func AllSlips(t testing.TB, st *store.Store, f store.Filter, batch int) []slip.Slip {
	t.Helper()
	var out []slip.Slip
	if err := st.EachSlip(context.Background(), f, batch, func(s slip.Slip) error {
		out = append(out, s)
		return nil
	}); err != nil {
		t.Fatalf("walk the ledger: %v", err)
	}
	return out
}
