package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"
)

// TestWriteGate: one writer at a time, the next let in as the last leaves;
// a writer that waits past the gate's bound gets SQLite's own "database
// is locked" (a 503, retried), and one whose caller leaves gets the
// cancellation.
func TestWriteGate(t *testing.T) {
	ctx := context.Background()
	g := newWriteGate(20 * time.Millisecond)
	leave, err := g.enter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.enter(ctx); !errors.Is(err, errGateTimeout) || !Unavailable(err) {
		t.Fatalf("second writer: got %v, want the gate's timeout, unavailable", err)
	}
	gone, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := g.enter(gone); !errors.Is(err, context.Canceled) {
		t.Fatalf("writer whose caller left: got %v, want context.Canceled", err)
	}
	leave()

	// The next writer gets in when the one inside leaves, and only one.
	g = newWriteGate(10 * time.Second)
	leave, err = g.enter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	entered := make(chan func())
	go func() {
		next, err := g.enter(context.Background())
		if err != nil {
			t.Error(err)
		}
		entered <- next
	}()
	leave()
	leave() // leaving twice (a commit that failed, then its rollback) frees one place only
	next := <-entered
	short, cancelShort := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancelShort()
	if _, err := g.enter(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a third writer got in beside the second: %v", err)
	}
	next()
}

// TestSQLiteWritesPassTheGate: while a write transaction is open, reads
// outside it go on (WAL), and every kind of write — a statement, a
// transaction, an INSERT … RETURNING — waits for it, for its caller's
// time at most, and then changes nothing.
func TestSQLiteWritesPassTheGate(t *testing.T) {
	ctx := context.Background()
	st := openSQLite(t, true)
	held, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- st.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec("INSERT INTO slip_counters (year, last_serial) VALUES (2001, 1)").Error; err != nil {
				return err
			}
			close(held)
			<-release
			return nil
		})
	}()
	<-held

	readCtx, cancelRead := context.WithTimeout(ctx, 5*time.Second)
	defer cancelRead()
	var n int64
	if err := st.db.WithContext(readCtx).Raw("SELECT COUNT(*) FROM slip_counters").Scan(&n).Error; err != nil {
		t.Fatalf("read beside an open write: %v", err)
	}
	if n != 0 {
		t.Fatalf("read saw %d uncommitted rows", n)
	}

	writes := map[string]func(db *gorm.DB) error{
		"statement": func(db *gorm.DB) error {
			return db.Exec("INSERT INTO slip_counters (year, last_serial) VALUES (2002, 1)").Error
		},
		"transaction": func(db *gorm.DB) error {
			return db.Transaction(func(tx *gorm.DB) error {
				return tx.Exec("INSERT INTO slip_counters (year, last_serial) VALUES (2003, 1)").Error
			})
		},
		"returning": func(db *gorm.DB) error {
			var got []int
			return db.Raw("INSERT INTO slip_counters (year, last_serial) VALUES (2004, 1) RETURNING last_serial").Scan(&got).Error
		},
	}
	for name, write := range writes {
		short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		err := write(st.db.WithContext(short))
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s beside an open write: got %v, want it to wait for its caller's time and give up", name, err)
		}
	}

	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for name, write := range writes {
		if err := write(st.db.WithContext(ctx)); err != nil {
			t.Errorf("%s after the write committed: %v", name, err)
		}
	}
	if err := st.db.WithContext(ctx).Raw("SELECT COUNT(*) FROM slip_counters").Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	if n != 4 {
		t.Fatalf("slip_counters holds %d rows, want 4 (the held write and one of each kind after it)", n)
	}
}

// TestPreparedStatementsServeTransactions: a statement first met inside a
// transaction is prepared on the pool, kept, and serves later transactions
// and statements outside them (GORM's own cache compiled it again in every
// transaction); inside a transaction it sees and undoes that transaction's
// work only; past the cache's bound, statements run unprepared; a statement
// SQLite cannot compile reports SQLite's error.
func TestPreparedStatementsServeTransactions(t *testing.T) {
	ctx := context.Background()
	st := openSQLite(t, true)
	const insert = "INSERT INTO slip_counters (year, last_serial) VALUES (?, ?)"
	const count = "SELECT COUNT(*) FROM slip_counters WHERE year = ?"
	cached := func(query string) *sql.Stmt {
		st.stmts.mu.RLock()
		defer st.stmts.mu.RUnlock()
		return st.stmts.stmts[query]
	}

	var inside int64
	err := st.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(insert, 2001, 1).Error; err != nil {
			return err
		}
		if err := tx.Raw(count, 2001).Scan(&inside).Error; err != nil {
			return err
		}
		return errors.New("roll back")
	})
	if err == nil || err.Error() != "roll back" {
		t.Fatalf("transaction: %v", err)
	}
	if inside != 1 {
		t.Fatalf("the transaction saw %d of its own rows, want 1", inside)
	}
	first := cached(insert)
	if first == nil || cached(count) == nil {
		t.Fatalf("statements met in a transaction were not kept: %q", cachedTexts(st.stmts))
	}
	var n int64
	if err := st.db.WithContext(ctx).Raw(count, 2001).Scan(&n).Error; err != nil || n != 0 {
		t.Fatalf("after the rollback: %d rows, %v; want 0", n, err)
	}

	for year := 2002; year <= 2004; year++ {
		if err := st.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			return tx.Exec(insert, year, 1).Error
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.db.WithContext(ctx).Exec(insert, 2005, 1).Error; err != nil {
		t.Fatal(err)
	}
	if cached(insert) != first {
		t.Fatal("the statement was prepared again")
	}
	if err := st.db.WithContext(ctx).Raw("SELECT COUNT(*) FROM slip_counters").Scan(&n).Error; err != nil || n != 4 {
		t.Fatalf("after four committed inserts: %d rows, %v; want 4", n, err)
	}

	err = st.db.WithContext(ctx).Exec("INSERT INTO no_such_table VALUES (1)").Error
	if err == nil || !strings.Contains(err.Error(), "no_such_table") {
		t.Fatalf("a statement SQLite cannot compile: got %v, want its error", err)
	}

	sqlDB, err := st.db.DB()
	if err != nil {
		t.Fatal(err)
	}
	small := newStmtCache(sqlDB, 1)
	defer small.close()
	if small.get(ctx, count) == nil {
		t.Fatal("an empty cache did not prepare")
	}
	if small.get(ctx, insert) != nil {
		t.Fatal("a full cache prepared one more")
	}
	pool := &gatedPool{db: sqlDB, gate: newWriteGate(time.Second), stmts: small}
	if _, err := pool.ExecContext(ctx, insert, 2006, 1); err != nil {
		t.Fatalf("unprepared past the bound: %v", err)
	}
	if err := pool.QueryRowContext(ctx, count, 2006).Scan(&n); err != nil || n != 1 {
		t.Fatalf("read back: %d, %v", n, err)
	}
}

// cachedTexts lists the statements c holds.
func cachedTexts(c *stmtCache) []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var out []string
	for k := range c.stmts {
		out = append(out, k)
	}
	return out
}
