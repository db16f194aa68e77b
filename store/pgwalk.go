package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"
)

// errNotPgx is the walk's error when the pool's connection is not pgx's
// (the PostgreSQL ledger always opens pgx's).
var errNotPgx = errors.New("not a pgx connection")

// readBatchesPgx runs q, a query of the slips table, on one of the pool's
// PostgreSQL connections through pgx itself rather than database/sql, and
// sends its rows to out in batches of batch, until they end or ctx is done.
//
// database/sql made every cell twice: pgx decoded it into a driver.Value
// (a boxed string per text cell) and database/sql converted that into the
// field; half of a department's CSV export was that. pgx scans straight
// into the row's fields (slipColumns), and reads the units array into its
// slice.
func (s *Store) readBatchesPgx(ctx context.Context, q *gorm.DB, batch int, out chan<- []slipRow) error {
	stmt := q.Session(&gorm.Session{DryRun: true}).Find(&[]slipRow{}).Statement
	if stmt.Error != nil {
		return stmt.Error
	}
	query, args := stmt.SQL.String(), stmt.Vars
	sch, err := slipSchema()
	if err != nil {
		return err
	}
	return s.withPgx(ctx, func(pc *pgx.Conn) error {
		rows, err := pc.Query(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		fields := rows.FieldDescriptions()
		names := make([]string, len(fields))
		for i, fd := range fields {
			names[i] = fd.Name
		}
		var units []string
		cols := newSlipColumns(sch, names, &units)
		scan := func(r *slipRow) error {
			units = nil // pgx fills a slice it is given: each row its own
			if err := rows.Scan(cols.into()...); err != nil {
				return err
			}
			*r = cols.row
			r.units = units
			return nil
		}
		return readBatches(ctx, rows, scan, batch, out)
	})
}

// withPgx calls fn with one of the pool's PostgreSQL connections as pgx's
// own, held until fn returns.
func (s *Store) withPgx(ctx context.Context, fn func(*pgx.Conn) error) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		pc, ok := dc.(*stdlib.Conn)
		if !ok {
			return errNotPgx
		}
		return fn(pc.Conn())
	})
}

// eachTrackDetailPgx is eachTrackDetail through pgx itself: its raw
// values are the columns' bytes as they came (text is sent as is in
// either format), where database/sql made a string of every detail first —
// 74 MB of them for 住建局's 230k parts — and then copied it again.
func (s *Store) eachTrackDetailPgx(ctx context.Context, ids []string, fn func(slipID, detail []byte) error) error {
	return s.withPgx(ctx, func(pc *pgx.Conn) error {
		rows, err := pc.Query(ctx, "SELECT slip_id, detail FROM slip_tracks WHERE slip_id = ANY($1) ORDER BY slip_id, position", ids)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			v := rows.RawValues()
			if err := fn(v[0], v[1]); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}
