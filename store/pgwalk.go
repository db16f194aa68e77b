package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"
	"gorm.io/gorm/schema"
)

// errNotPgx is returned when the pool's connection is not pgx's: the walk
// then goes through database/sql.
var errNotPgx = errors.New("not a pgx connection")

// readBatchesPgx runs q, a query of the slips table, on one of the pool's
// PostgreSQL connections through pgx itself rather than database/sql, and
// sends its rows to out in batches of batch, until they end or ctx is done.
//
// database/sql made every cell twice: pgx decoded it into a driver.Value
// (a boxed string per text cell) and database/sql converted that into the
// field; half of a department's CSV export was that. pgx scans straight
// into the row's fields, and reads the units array into its slice.
func (s *Store) readBatchesPgx(ctx context.Context, q *gorm.DB, batch int, out chan<- []slipRow) error {
	stmt := q.Session(&gorm.Session{DryRun: true}).Find(&[]slipRow{}).Statement
	if stmt.Error != nil {
		return stmt.Error
	}
	query, args := stmt.SQL.String(), stmt.Vars
	sch, err := slipSchema(s.db)
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
		scan, err := pgxSlipScanner(sch, rows)
		if err != nil {
			return err
		}
		buf := make([]slipRow, 0, batch)
		for rows.Next() {
			var r slipRow
			if err := scan(&r); err != nil {
				return fmt.Errorf("read a slip: %w", err)
			}
			buf = append(buf, r)
			if len(buf) == batch {
				select {
				case out <- buf:
					buf = make([]slipRow, 0, batch)
				case <-ctx.Done():
					return nil
				}
			}
		}
		if err := rows.Err(); err != nil {
			if ctx.Err() != nil {
				return nil // stopped by the walk's end, not failed
			}
			return err
		}
		if len(buf) > 0 {
			select {
			case out <- buf:
			case <-ctx.Done():
			}
		}
		return nil
	})
}

// pgxSlipScanner is slipScanner for pgx's rows: columns matched to fields
// by GORM's names once per query, the units array read into slipRow.units,
// any other column read and dropped.
func pgxSlipScanner(sch *schema.Schema, rows pgx.Rows) (func(*slipRow) error, error) {
	fields := rows.FieldDescriptions()
	index := make([][]int, len(fields))
	unitsAt := -1
	for i, fd := range fields {
		if f := sch.LookUpField(fd.Name); f != nil {
			index[i] = f.StructField.Index
		} else if fd.Name == "units" {
			unitsAt = i
		}
	}
	dest := make([]any, len(fields))
	return func(r *slipRow) error {
		v := reflect.ValueOf(r).Elem()
		for i, idx := range index {
			switch {
			case i == unitsAt:
				dest[i] = &r.units
			case idx == nil:
				dest[i] = new(any)
			default:
				dest[i] = v.FieldByIndex(idx).Addr().Interface()
			}
		}
		return rows.Scan(dest...)
	}, nil
}
