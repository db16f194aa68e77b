package store

import (
	"context"
	"errors"

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
		rows, err := pc.Conn().Query(ctx, query, args...)
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
