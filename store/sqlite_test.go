package store

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"
)

// openSQLite opens a SQLite ledger in a fresh directory, closed when t ends,
// and migrates it when migrate is set.
func openSQLite(t *testing.T, migrate bool) *Store {
	t.Helper()
	ctx := context.Background()
	st, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "duban.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if migrate {
		if err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

// TestSQLiteKeepsItsConnections drives the ledger from more goroutines at
// once than database/sql keeps idle by default (two): every connection is
// kept for the next request, none is closed and opened again per request.
func TestSQLiteKeepsItsConnections(t *testing.T) {
	ctx := context.Background()
	st := openSQLite(t, true)
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			for range 20 {
				if _, err := st.GetSlip(ctx, "none"); err == nil {
					t.Error("found a slip that was never issued")
				}
			}
		})
	}
	wg.Wait()
	sqlDB, err := st.db.DB()
	if err != nil {
		t.Fatal(err)
	}
	if closed := sqlDB.Stats().MaxIdleClosed; closed != 0 {
		t.Fatalf("%d connections were closed for want of an idle slot and opened again", closed)
	}
}

// TestSQLiteLimitIsLiteral: a LIMIT bound as a parameter makes SQLite plan a
// prepared statement again at every execution, so the SQLite ledger writes
// LIMIT as a number (OFFSET stays a parameter).
func TestSQLiteLimitIsLiteral(t *testing.T) {
	st := openSQLite(t, false)
	dry := st.db.Session(&gorm.Session{DryRun: true})
	var row slipRow
	take := dry.Where("id = ?", "x").Take(&row).Statement.SQL.String()
	if !strings.HasSuffix(take, "LIMIT 1") {
		t.Fatalf("Take is %q; want it to end in LIMIT 1", take)
	}
	var rows []slipRow
	page := dry.Limit(50).Offset(100).Find(&rows).Statement.SQL.String()
	if !strings.HasSuffix(page, "LIMIT 50 OFFSET ?") {
		t.Fatalf("a page is %q; want LIMIT 50 OFFSET ?", page)
	}
}

// TestSQLiteReadsThroughAMemoryMap: every connection of the SQLite ledger
// maps the file rather than reading its pages one system call at a time.
func TestSQLiteReadsThroughAMemoryMap(t *testing.T) {
	ctx := context.Background()
	st := openSQLite(t, false)
	var size int64
	if err := st.db.WithContext(ctx).Raw("PRAGMA mmap_size").Scan(&size).Error; err != nil {
		t.Fatal(err)
	}
	if size != 256<<20 {
		t.Fatalf("mmap_size is %d; want %d", size, 256<<20)
	}
}

// TestSQLiteQuoteTo: identifiers are quoted part by part, a quote inside
// one doubled, as SQLite reads them.
func TestSQLiteQuoteTo(t *testing.T) {
	for _, c := range []struct{ name, want string }{
		{"slips", `"slips"`},
		{"slips.status", `"slips"."status"`},
		{`odd"name`, `"odd""name"`},
		{`a."b""c".d`, `"a"."""b""""c"""."d"`},
		{"", `""`},
		{"t.", `"t".""`},
	} {
		var b strings.Builder
		sqliteDialector{}.QuoteTo(&b, c.name)
		if b.String() != c.want {
			t.Errorf("QuoteTo(%q) = %s, want %s", c.name, b.String(), c.want)
		}
	}
}
