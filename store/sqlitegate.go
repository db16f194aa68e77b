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
type gatedPool struct {
	inner gorm.ConnPool
	gate  *writeGate
}

// isRead reports whether query only reads: it starts with SELECT (a WITH
// or an INSERT … RETURNING may write, so they take the gate).
func isRead(query string) bool {
	q := strings.TrimLeft(query, " \t\r\n(")
	return len(q) >= 6 && strings.EqualFold(q[:6], "SELECT")
}

// PrepareContext prepares query on the inner pool (GORM's statement cache).
func (p *gatedPool) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return p.inner.PrepareContext(ctx, query)
}

// ExecContext runs a statement that changes the ledger, inside the gate.
func (p *gatedPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	leave, err := p.gate.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer leave()
	return p.inner.ExecContext(ctx, query, args...)
}

// QueryContext runs a query; one that may write (an INSERT … RETURNING)
// passes the gate. SQLite makes all of such a statement's changes on its
// first step, which the driver takes before returning; the statement's
// own transaction commits when its rows are closed, just after (GORM
// reads them at once), so a writer let in meanwhile waits a moment on
// busy_timeout, as without the gate.
func (p *gatedPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if isRead(query) {
		return p.inner.QueryContext(ctx, query, args...)
	}
	leave, err := p.gate.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer leave()
	return p.inner.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query for one row, outside the gate: *sql.Row
// cannot carry the gate's error, and the ledger reads single rows only
// (GORM's Row(), which it does not use for writes).
func (p *gatedPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return p.inner.QueryRowContext(ctx, query, args...)
}

// BeginTx begins a transaction inside the gate; it leaves the gate when
// the transaction commits or rolls back.
func (p *gatedPool) BeginTx(ctx context.Context, opts *sql.TxOptions) (gorm.ConnPool, error) {
	leave, err := p.gate.enter(ctx)
	if err != nil {
		return nil, err
	}
	var tx gorm.ConnPool
	switch b := p.inner.(type) {
	case gorm.ConnPoolBeginner:
		tx, err = b.BeginTx(ctx, opts)
	case gorm.TxBeginner:
		tx, err = b.BeginTx(ctx, opts)
	default:
		err = gorm.ErrInvalidTransaction
	}
	if err != nil {
		leave()
		return nil, err
	}
	t, ok := tx.(gorm.Tx)
	if !ok {
		leave()
		return nil, gorm.ErrInvalidTransaction
	}
	return &gatedTx{Tx: t, leave: leave}, nil
}

// GetDBConn returns the pool's *sql.DB (gorm.DB.DB()).
func (p *gatedPool) GetDBConn() (*sql.DB, error) {
	if c, ok := p.inner.(gorm.GetDBConnector); ok {
		return c.GetDBConn()
	}
	if db, ok := p.inner.(*sql.DB); ok {
		return db, nil
	}
	return nil, gorm.ErrInvalidDB
}

// gatedTx is a transaction begun inside the gate.
type gatedTx struct {
	gorm.Tx
	leave func()
}

// Commit commits the transaction and leaves the gate.
func (t *gatedTx) Commit() error {
	defer t.leave()
	return t.Tx.Commit()
}

// Rollback rolls the transaction back and leaves the gate.
func (t *gatedTx) Rollback() error {
	defer t.leave()
	return t.Tx.Rollback()
}

// GetDBConn returns the pool's *sql.DB.
func (t *gatedTx) GetDBConn() (*sql.DB, error) {
	if c, ok := t.Tx.(gorm.GetDBConnector); ok {
		return c.GetDBConn()
	}
	return nil, gorm.ErrInvalidDB
}
