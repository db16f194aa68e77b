package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"
)

// writeGate lets one of this process's SQLite writers in at a time, in the
// order they arrive.
//
// SQLite itself admits one writer per file and makes the others wait
// through its busy handler, which sleeps and tries again: 1 ms, then 2, 5,
// 10, 15, 20, 25 … A writer that found the lock taken for a moment slept
// far longer than the moment, and under a dozen concurrent actions (each a
// key claim, a projection and an answer, all writes) requests spent more
// time asleep than working. Queued on a channel instead, the next writer
// starts as the last one commits. busy_timeout still covers writers in
// other processes on the same file.
type writeGate struct {
	slot chan struct{}
	// wait bounds the queue like busy_timeout bounds SQLite's: past it the
	// writer gets a "database is locked" error (unavailable, retried).
	wait time.Duration
}

func newWriteGate(wait time.Duration) *writeGate {
	return &writeGate{slot: make(chan struct{}, 1), wait: wait}
}

// errGateTimeout reads as SQLite's own error for the same condition, so
// callers treat it alike (isUnavailable).
var errGateTimeout = errors.New("database is locked: waited too long for the ledger's write lock")

// enter waits for the gate and returns the function that leaves it.
func (g *writeGate) enter(ctx context.Context) (func(), error) {
	select {
	case g.slot <- struct{}{}:
	default:
		t := time.NewTimer(g.wait)
		defer t.Stop()
		select {
		case g.slot <- struct{}{}:
		case <-ctx.Done():
			return nil, fmt.Errorf("wait for the ledger's write lock: %w", ctx.Err())
		case <-t.C:
			return nil, errGateTimeout
		}
	}
	var once sync.Once
	return func() { once.Do(func() { <-g.slot }) }, nil
}

// gatedPool is the SQLite ledger's connection pool with the write gate in
// front: every transaction (immediate, so a writer from its BEGIN) and
// every statement outside one that is not a plain SELECT passes the gate.
// Reads outside a transaction do not: WAL lets them run beside the writer.
//
// With stmts set, it runs statements prepared once (see stmtCache) instead
// of having SQLite compile each again; the schema's handle, which runs
// migrations, has none.
type gatedPool struct {
	db    *sql.DB
	gate  *writeGate
	stmts *stmtCache
}

// isRead reports whether query only reads: it starts with SELECT (a WITH
// or an INSERT … RETURNING may write, so they take the gate).
func isRead(query string) bool {
	q := strings.TrimLeft(query, " \t\r\n(")
	return len(q) >= 6 && strings.EqualFold(q[:6], "SELECT")
}

// PrepareContext prepares query on the pool.
func (p *gatedPool) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return p.db.PrepareContext(ctx, query)
}

// ExecContext runs a statement that changes the ledger, inside the gate.
func (p *gatedPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	leave, err := p.gate.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer leave()
	if st := p.stmts.get(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return p.db.ExecContext(ctx, query, args...)
}

// QueryContext runs a query; one that may write (an INSERT … RETURNING)
// passes the gate. SQLite makes all of such a statement's changes on its
// first step, which the driver takes before returning; the statement's
// own transaction commits when its rows are closed, just after (GORM
// reads them at once), so a writer let in meanwhile waits a moment on
// busy_timeout, as without the gate.
func (p *gatedPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if !isRead(query) {
		leave, err := p.gate.enter(ctx)
		if err != nil {
			return nil, err
		}
		defer leave()
	}
	if st := p.stmts.get(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.db.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query for one row, outside the gate: *sql.Row
// cannot carry the gate's error, and the ledger reads single rows only
// (GORM's Row(), which it does not use for writes).
func (p *gatedPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := p.stmts.get(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.db.QueryRowContext(ctx, query, args...)
}

// BeginTx begins a transaction inside the gate; it leaves the gate when
// the transaction commits or rolls back.
func (p *gatedPool) BeginTx(ctx context.Context, opts *sql.TxOptions) (gorm.ConnPool, error) {
	leave, err := p.gate.enter(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := p.db.BeginTx(ctx, opts)
	if err != nil {
		leave()
		return nil, err
	}
	return &gatedTx{tx: tx, db: p.db, stmts: p.stmts, leave: leave}, nil
}

// GetDBConn returns the pool's *sql.DB (gorm.DB.DB()).
func (p *gatedPool) GetDBConn() (*sql.DB, error) {
	return p.db, nil
}

// gatedTx is a transaction begun inside the gate. Its statements are the
// pool's prepared ones, bound to the transaction's connection: database/sql
// keeps a statement prepared once per connection, so a transaction on a
// connection that ran it before compiles nothing.
type gatedTx struct {
	tx    *sql.Tx
	db    *sql.DB
	stmts *stmtCache
	leave func()
}

// PrepareContext prepares query in the transaction.
func (t *gatedTx) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return t.tx.PrepareContext(ctx, query)
}

// ExecContext runs a statement in the transaction.
func (t *gatedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.stmts.get(ctx, query); st != nil {
		return t.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, query, args...)
}

// QueryContext runs a query in the transaction.
func (t *gatedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.stmts.get(ctx, query); st != nil {
		return t.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query for one row in the transaction.
func (t *gatedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.stmts.get(ctx, query); st != nil {
		return t.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}

// Commit commits the transaction and leaves the gate.
func (t *gatedTx) Commit() error {
	defer t.leave()
	return t.tx.Commit()
}

// Rollback rolls the transaction back and leaves the gate.
func (t *gatedTx) Rollback() error {
	defer t.leave()
	return t.tx.Rollback()
}

// GetDBConn returns the pool's *sql.DB.
func (t *gatedTx) GetDBConn() (*sql.DB, error) {
	return t.db, nil
}

// stmtCache keeps the ledger's statements prepared on the pool, by their
// text, up to max of them.
//
// GORM's own cache (PrepareStmt) prepares a statement first met inside a
// transaction on that transaction, and such a statement can serve no other:
// every later transaction compiled it again — a projection's every
// statement, every time, 4 % of the embedded process's CPU. Prepared on the
// pool, a statement is compiled once per connection and reused by
// transactions (Tx.StmtContext) and by statements outside them alike.
//
// Statements are never evicted, so none is closed while in use; past max
// distinct texts (a filter's IN lists of every length), further ones run
// unprepared, as SQLite compiles any statement.
type stmtCache struct {
	db  *sql.DB
	max int

	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

func newStmtCache(db *sql.DB, max int) *stmtCache {
	return &stmtCache{db: db, max: max, stmts: make(map[string]*sql.Stmt)}
}

// get returns query's prepared statement, preparing it if need be; nil
// (run it unprepared) when the cache is full or the preparation failed —
// running it then reports the same error with the statement's context.
// A nil cache holds nothing.
func (c *stmtCache) get(ctx context.Context, query string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	st, ok := c.stmts[query]
	full := len(c.stmts) >= c.max
	c.mu.RUnlock()
	if ok || full {
		return st
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.stmts[query]; ok {
		return st
	}
	if len(c.stmts) >= c.max {
		return nil
	}
	// Prepared without the caller's context: the statement outlives the
	// request, and database/sql ties a statement's connection use to it.
	st, err := c.db.PrepareContext(context.WithoutCancel(ctx), query)
	if err != nil {
		return nil
	}
	c.stmts[query] = st
	return st
}

// close closes every statement held.
func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.stmts {
		_ = st.Close()
		delete(c.stmts, q)
	}
}
