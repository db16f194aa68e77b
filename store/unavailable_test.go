package store_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"

	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
)

func TestUnavailable(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("list ledger: %w", err) }
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"admin shutdown", wrap(&pgconn.PgError{Code: "57P01"}), true},
		{"connection failure", wrap(&pgconn.PgError{Code: "08006"}), true},
		{"too many connections", wrap(&pgconn.PgError{Code: "53300"}), true},
		{"refused", wrap(&net.OpError{Op: "dial", Err: errors.New("connection refused")}), true},
		{"bad connection", wrap(driver.ErrBadConn), true},
		{"cut mid-answer", wrap(io.ErrUnexpectedEOF), true},
		{"sqlite busy", wrap(errors.New("database is locked (5) (SQLITE_BUSY)")), true},
		{"unique violation", wrap(&pgconn.PgError{Code: "23505"}), false},
		{"syntax error", wrap(&pgconn.PgError{Code: "42601"}), false},
		{"domain error", wrap(slip.NotFound("交办单", "x")), false},
		{"cancelled by the client", wrap(context.Canceled), false},
		{"nil", nil, false},
	} {
		assert.Equal(t, tc.want, store.Unavailable(tc.err), tc.name)
	}
}

// TestUnavailableAgainstAStoppedServer: a store whose server does not answer
// fails with an error Unavailable recognises.
func TestUnavailableAgainstAStoppedServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close() // nothing listens there now
	_, err = store.Open(ctx, "postgres://duban@"+addr+"/duban?sslmode=disable&connect_timeout=2", store.Options{})
	assert.Error(t, err)
	assert.True(t, store.Unavailable(err), "%v", err)
}
