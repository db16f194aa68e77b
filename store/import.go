package store

import (
	"context"
	"fmt"
	"math/bits"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/slip"
)

// ImportedSlip is a slip written whole by ImportSlips: its state at the end
// of its timeline, the timeline from the issue event on, and its serial in
// the year's numbering.
type ImportedSlip struct {
	Slip   slip.Slip
	Events []slip.Event
	Serial int
}

// SlipNumber is the number the ledger gives serial of year: 督〔2026〕17号.
func (s *Store) SlipNumber(year, serial int) string {
	return fmt.Sprintf("%s〔%d〕%d号", s.opts.NumberPrefix, year, serial)
}

// LastSerial is the year's serial the ledger's numbering stands at (0 when
// the year has none).
func (s *Store) LastSerial(ctx context.Context, year int) (int, error) {
	var last []int
	if err := s.db.WithContext(ctx).Table("slip_counters").Where("year = ?", year).Pluck("last_serial", &last).Error; err != nil {
		return 0, fmt.Errorf("read slip counter of %d: %w", year, err)
	}
	if len(last) == 0 {
		return 0, nil
	}
	return last[0], nil
}

// EnsureDepartments creates those of depts that are not departments yet
// (parents listed before their children), keeps the others as they are, and
// reports how many it created.
func (s *Store) EnsureDepartments(ctx context.Context, depts []slip.Department, at time.Time) (int, error) {
	rows := make([]departmentRow, len(depts))
	for i, d := range depts {
		rows[i] = departmentRow{Code: d.Code, Name: d.Name, CreatedAt: at.UTC()}
		if d.ParentCode != "" {
			rows[i].ParentCode = &d.ParentCode
		}
	}
	res := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(&rows, 500)
	if res.Error != nil {
		return 0, fmt.Errorf("create departments: %w", res.Error)
	}
	return int(res.RowsAffected), nil
}

// ImportSlips writes slips of year whose lives were played elsewhere (the
// seed generator), without workflows, in one transaction: their rows,
// department assignments, units' parts and timelines with multi-row inserts, their counts
// in the statistics rollup, and the year's counter moved up to the highest
// serial (never down), so the counter never runs behind the committed slips
// and batches may commit in any order. cal counts the working days to close,
// as Project's calendar does for slips that live in workflows. The slips
// must be in serial order and new to the ledger.
//
// On PostgreSQL the commit is asynchronous: imported data is rebuilt, not
// recovered, so a crash may lose the last batches but never leaves half of
// one.
func (s *Store) ImportSlips(ctx context.Context, year int, cal *calendar.Calendar, slips []ImportedSlip) error {
	if len(slips) == 0 {
		return nil
	}
	rows := make([]slipRow, 0, len(slips))
	var depts []slipDepartmentRow
	var tracks []trackRow
	var events []eventRow
	members := map[string][]member{}
	for _, in := range slips {
		sl := in.Slip
		row := newSlipRow(sl, year, in.Serial, s.SlipNumber(year, in.Serial))
		markEventFacts(&row, in.Events)
		row.CloseWorkingDays = closeWorkingDays(cal, sl)
		rows = append(rows, row)
		members[sl.ID] = membersOf(sl.Draft.Departments())
		for pos, m := range members[sl.ID] {
			depts = append(depts, slipDepartmentRow{SlipID: sl.ID, DepartmentCode: m.department, Role: m.role, Position: pos})
		}
		tracks = append(tracks, newTrackRows(sl)...)
		for _, e := range in.Events {
			ev, err := newEventRow(e)
			if err != nil {
				return err
			}
			events = append(events, ev)
		}
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if s.dialect == Postgres {
			if err := tx.Exec(`SET LOCAL synchronous_commit = off`).Error; err != nil {
				return err
			}
		}
		// Already in a transaction: no savepoints around the chunks.
		tx = tx.Session(&gorm.Session{SkipDefaultTransaction: true})
		if err := insertChunked(tx, rows, s.insertChunk(&slipRow{})); err != nil {
			return fmt.Errorf("insert slips: %w", err)
		}
		if err := insertChunked(tx, depts, s.insertChunk(&slipDepartmentRow{})); err != nil {
			return fmt.Errorf("insert slip departments: %w", err)
		}
		if err := insertChunked(tx, tracks, s.insertChunk(&trackRow{})); err != nil {
			return fmt.Errorf("insert parts: %w", err)
		}
		if err := insertChunked(tx, events, s.insertChunk(&eventRow{})); err != nil {
			return fmt.Errorf("insert events: %w", err)
		}
		for id, own := range members {
			all, err := s.withBelow(tx, own)
			if err != nil {
				return err
			}
			members[id] = all
		}
		if err := applyRollup(tx, nil, rows, nil, func(id string) []member { return members[id] }); err != nil {
			return fmt.Errorf("count slips in statistics: %w", err)
		}
		// Last, so the counter's row lock is held only until the commit.
		last := rows[len(rows)-1].Serial
		if err := tx.Exec(`INSERT INTO slip_counters (year, last_serial) VALUES (?, ?)
			ON CONFLICT (year) DO UPDATE SET last_serial = CASE WHEN slip_counters.last_serial < excluded.last_serial
				THEN excluded.last_serial ELSE slip_counters.last_serial END`, year, last).Error; err != nil {
			return fmt.Errorf("move slip counter: %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("import slips %s…%s: %w", rows[0].Number, rows[len(rows)-1].Number, err)
	}
	return nil
}

// insertChunked inserts rows with multi-row INSERTs of max rows, and the
// rest in chunks of powers of two. The PostgreSQL driver prepares and caches
// every distinct statement on its connection (and the server keeps it too):
// chunks of whatever size a batch leaves over would fill both caches with
// hundreds of statements of thousands of rows each, where this needs a
// dozen per table.
func insertChunked[T any](tx *gorm.DB, rows []T, max int) error {
	for len(rows) > 0 {
		n := max
		if len(rows) < n {
			n = 1 << (bits.Len(uint(len(rows))) - 1) // the largest power of two that fits
		}
		chunk := rows[:n]
		if err := tx.Create(&chunk).Error; err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// insertChunk is how many rows of model one multi-row INSERT may carry
// without passing the bind-parameter limit (SQLite 32766, PostgreSQL 65535).
func (s *Store) insertChunk(model any) int {
	budget := 30000
	if s.dialect == Postgres {
		budget = 60000
	}
	stmt := &gorm.Statement{DB: s.db}
	if err := stmt.Parse(model); err != nil || len(stmt.Schema.DBNames) == 0 {
		return 100
	}
	return budget / len(stmt.Schema.DBNames)
}
