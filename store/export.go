package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"gorm.io/gorm"
	"gorm.io/gorm/schema"

	"github.com/duban-gov/duban/slip"
)

// Batch sizes of EachSlip: a batch is one query for the slips and one for
// their departments, so the largest batch must stay under the bind-parameter
// limits of both databases (the department query binds one id per slip).
const (
	DefaultExportBatch = 1000
	MaxExportBatch     = 5000
)

// EachSlip calls fn with every slip matching f in f.Sort's order — the order
// of the ledger pages — so an export of a million slips holds a few batches
// in memory, never the whole ledger. f.PageSize and f.Cursor are ignored:
// the walk always covers everything f selects.
//
// The walk is one query, read as it streams (the database walks the sort's
// index, or sorts the selection once), in batches of batch rows (0 means
// DefaultExportBatch; at most MaxExportBatch), each batch with its
// departments and parts loaded in two more queries: the cost per row stays
// flat however deep the export goes. (It used to be a query per batch,
// keyset after the last row, which made the database find and sort the rest
// of a filtered selection again for every batch.) The three steps —
// reading the query's rows, loading each batch's departments and parts,
// calling fn — run side by side, a batch apart, so the database's time and
// this process's overlap instead of adding up. The slips are as of the
// moment the walk began, except their departments and parts, read batch by
// batch. fn is called from the caller's goroutine; an error from fn stops
// the walk and is returned as is.
func (s *Store) EachSlip(ctx context.Context, f Filter, batch int, fn func(slip.Slip) error) error {
	return s.eachSlip(ctx, f, batch, nil, decodeTrack, fn)
}

// EachLedgerSlip is EachSlip for the 台账's export: it reads of each slip
// only what the export's table shows and colours it by (ledgerColumns, and
// of its parts what decodeLedgerTrack reads), and leaves every other field
// of the slips it passes zero. A department's CSV export at a million
// slips took a third less time than with whole slips: pgx made a string of
// every text column of every row, and most of a slip's columns are not in
// the table.
func (s *Store) EachLedgerSlip(ctx context.Context, f Filter, batch int, fn func(slip.Slip) error) error {
	cols := ledgerColumns
	if s.dialect == Postgres {
		cols = append(cols[:len(cols):len(cols)], "units") // saves a query for the departments
	}
	return s.eachSlip(ctx, f, batch, cols, decodeLedgerTrack, fn)
}

// ledgerColumns are the slips' columns the 台账 export reads (see
// ledgerexport.NewRow and the 三色 rules of package reminder): the number,
// the matter, the leader, the deadlines, the issue time, the status and the
// latest progress, and the acknowledgement reminder, which can turn a slip
// yellow. The departments and parts are loaded with every walk.
var ledgerColumns = []string{
	"id", "number", "title", "content", "lead_department", "leader", "deadline",
	"effective_deadline", "issued_at", "status", "latest_progress", "ack_reminded",
}

// eachSlip is EachSlip reading the given columns of the slips table (nil:
// all of them) and decoding the parts by decode.
func (s *Store) eachSlip(ctx context.Context, f Filter, batch int, cols []string, decode trackDecoder, fn func(slip.Slip) error) error {
	if batch <= 0 {
		batch = DefaultExportBatch
	}
	batch = min(batch, MaxExportBatch)
	if !f.Sort.Valid() {
		return InvalidSort()
	}
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	useIndex, err := s.useKeywordIndex(ctx, f)
	if err != nil {
		return fmt.Errorf("export ledger: %w", err)
	}
	q := f.ordered(s.filteredBy(ctx, f, useIndex), nil)
	if cols != nil {
		q = q.Select(cols)
	}
	if dept, ok := f.departmentOnly(); ok && f.Sort == SortNewest && s.dialect == Postgres {
		q = s.departmentWalk(ctx, dept, cols)
	}
	var readStep func(out chan<- []slipRow) error
	if s.dialect == Postgres {
		readStep = func(out chan<- []slipRow) error { return s.readBatchesPgx(ctx, q, batch, out) }
	} else {
		rows, err := q.Rows()
		if err != nil {
			return fmt.Errorf("export ledger: %w", err)
		}
		defer rows.Close()
		scan, err := s.slipScanner(rows)
		if err != nil {
			return fmt.Errorf("export ledger: %w", err)
		}
		readStep = func(out chan<- []slipRow) error { return readBatches(ctx, rows, scan, batch, out) }
	}

	var (
		wg      sync.WaitGroup
		readErr error
		read    = make(chan []slipRow, 1)
		loaded  = make(chan *loadedBatch, exportLoaders)
	)
	wg.Go(func() { // read: the query's rows, a batch at a time
		defer close(read)
		if readErr = readStep(read); readErr != nil {
			cancel() // the other steps stop too
		}
	})
	wg.Go(func() { s.loadBatches(ctx, read, loaded, decode) })
	var fnErr, loadErr error
	for b := range loaded {
		<-b.done
		if b.err != nil {
			loadErr = b.err
			cancel()
			break
		}
		for _, sl := range b.slips {
			if fnErr = fn(sl); fnErr != nil {
				break
			}
		}
		slipBatches.put(b.slips) // fn had each slip by value
		if fnErr != nil {
			break
		}
	}
	cancel() // the steps wait on the context as well as on their channels
	wg.Wait()
	switch {
	case fnErr != nil:
		return fnErr
	case parent.Err() != nil:
		// The caller gave up (a client that went away): the walk stopped
		// short, which must not pass for its end. A step's error then is
		// the driver's way of being interrupted (pgx reports an I/O
		// timeout), not a fault of the ledger.
		return fmt.Errorf("export ledger: %w", parent.Err())
	case readErr != nil && (loadErr == nil || errors.Is(loadErr, context.Canceled)):
		// A read that failed stopped the loading too: say why.
		return fmt.Errorf("export ledger: %w", readErr)
	case loadErr != nil:
		return fmt.Errorf("export ledger: %w", loadErr)
	}
	return nil
}

// exportLoaders is how many batches have their departments and parts
// loaded at once. Loading is most of a walk's work (a query per batch, and
// decoding every part's detail), so two overlap with each other's query and
// use both cores: 住建局's CSV at a million, 107k slips and 230k parts, took
// 1.67 s with one loader.
const exportLoaders = 2

// loadedBatch is a batch of slips being loaded; done is closed once slips
// or err is set.
type loadedBatch struct {
	slips []slip.Slip
	err   error
	done  chan struct{}
}

// loadBatches loads the departments and parts of each batch read, up to
// exportLoaders batches at a time, and sends each batch to loaded in the
// order read as soon as its loading starts (the receiver waits on done), so
// the walk keeps its order. It closes loaded once every batch sent is done.
func (s *Store) loadBatches(ctx context.Context, read <-chan []slipRow, loaded chan<- *loadedBatch, decode trackDecoder) {
	var loaders sync.WaitGroup
	defer close(loaded)
	defer loaders.Wait()
	free := make(chan struct{}, exportLoaders)
	for rs := range read {
		select {
		case free <- struct{}{}:
		case <-ctx.Done():
			return
		}
		b := &loadedBatch{done: make(chan struct{})}
		select {
		case loaded <- b:
		case <-ctx.Done():
			<-free
			return
		}
		loaders.Go(func() {
			defer func() { <-free; close(b.done) }()
			b.slips, b.err = s.appendSlips(ctx, slipBatches.get(len(rs)), rs, decode)
			rowBatches.put(rs)
		})
	}
}

// departmentWalk is the query of cols (nil: all) of a department's whole
// ledger (lead or co-unit), newest first, on PostgreSQL: the department's
// assignments in the order of their index, each joined to its slip by the
// primary key, in one process. Given "id IN (the department's assignments)
// ORDER BY id", the planner chose the same walk split between two parallel
// workers and merged, which on two cores took them from the export's own
// process: 住建局's CSV at a million slips took 1.9 s that way, 1.6 s this
// way. The fence (OFFSET 0) keeps the planner from choosing again.
// (Parallel workers off for the whole walk, noParallelWorkers, did the
// same for a department but slowed a date range's export by a fifth: its
// serial plan reads the whole ledger's index to keep the order.)
func (s *Store) departmentWalk(ctx context.Context, dept string, cols []string) *gorm.DB {
	selected := "s.*"
	if cols != nil {
		selected = "s." + strings.Join(cols, ", s.")
	}
	return s.db.WithContext(ctx).Table("slip_departments AS d").
		Select(selected).
		Joins("CROSS JOIN LATERAL (SELECT * FROM slips WHERE slips.id = d.slip_id OFFSET 0) AS s").
		Where("d.department_code = ?", dept).
		Order("d.slip_id DESC")
}

// rowBatches and slipBatches hold the batches of finished walks for the
// next: a slipRow and a slip.Slip are a kilobyte each, so an export that
// made a new batch of each per thousand rows allocated two megabytes per
// thousand on top of the rows' own text, and spent its time collecting them.
// A batch is put back when its step is done with it: the rows once they are
// slips, the slips once fn has had each (by value).
var (
	rowBatches  batchPool[slipRow]
	slipBatches batchPool[slip.Slip]
)

// batchPool is a sync.Pool of slices, each handed out empty.
type batchPool[T any] struct{ pool sync.Pool }

// get returns an empty slice with room for n.
func (p *batchPool[T]) get(n int) []T {
	if b, ok := p.pool.Get().(*[]T); ok && cap(*b) >= n {
		return (*b)[:0]
	}
	return make([]T, 0, n)
}

// put keeps b for another get. Its elements are cleared first: a kept
// batch must not hold on to the text of the slips it carried.
func (p *batchPool[T]) put(b []T) {
	clear(b[:cap(b)])
	p.pool.Put(&b)
}

// cursor is what readBatches needs of a query's rows: database/sql's and
// pgx's both have it.
type cursor interface {
	Next() bool
	Err() error
}

// readBatches scans rows into batches of batch slipRows and sends each to
// out, until the rows end or ctx is done.
func readBatches(ctx context.Context, rows cursor, scan func(*slipRow) error, batch int, out chan<- []slipRow) error {
	buf := rowBatches.get(batch)
	send := func() bool {
		select {
		case out <- buf:
			buf = rowBatches.get(batch)
			return true
		case <-ctx.Done():
			return false
		}
	}
	for rows.Next() {
		// Scanned in place: a row scanned into a local variable through the
		// scan function would be a kilobyte on the heap, copied.
		buf = append(buf, slipRow{})
		if err := scan(&buf[len(buf)-1]); err != nil {
			return fmt.Errorf("read a slip: %w", err)
		}
		if len(buf) == batch && !send() {
			return nil
		}
	}
	if err := rows.Err(); err != nil {
		if ctx.Err() != nil {
			return nil // stopped by the walk's end, not failed
		}
		return err
	}
	if len(buf) > 0 {
		send()
	}
	return nil
}

// slipColumns matches a query's columns to slipRow's fields by GORM's
// names, once per query rather than once per row as DB.ScanRows does (which
// was 40% of an export's CPU). The scan destinations are the fields of one
// row kept for the query (into), each row scanned there and copied out, so
// no reflection runs per row. PostgreSQL's units column goes where the
// reader says; a column without a field is read and dropped.
type slipColumns struct {
	row     slipRow
	unitsAt int
	dest    []any
}

// newSlipColumns matches cols to the fields of the row it keeps; the units
// column, if there is one, is scanned into units.
func newSlipColumns(sch *schema.Schema, cols []string, units any) *slipColumns {
	c := &slipColumns{unitsAt: -1, dest: make([]any, len(cols))}
	v := reflect.ValueOf(&c.row).Elem()
	for i, name := range cols {
		switch f := sch.LookUpField(name); {
		case f != nil:
			c.dest[i] = v.FieldByIndex(f.StructField.Index).Addr().Interface()
		case name == "units":
			c.unitsAt, c.dest[i] = i, units
		default:
			c.dest[i] = new(any)
		}
	}
	return c
}

// into clears the kept row and returns the scan destinations of its fields:
// cleared, so that no pointer field still points at the last row's value
// when the driver fills it.
func (c *slipColumns) into() []any {
	c.row = slipRow{}
	return c.dest
}

// slipScanner returns a function that scans the current row of rows into a
// slipRow (see slipColumns); database/sql reads the units array as text.
func (s *Store) slipScanner(rows *sql.Rows) (func(*slipRow) error, error) {
	sch, err := slipSchema()
	if err != nil {
		return nil, err
	}
	names, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var units sql.NullString
	cols := newSlipColumns(sch, names, &units)
	return func(r *slipRow) error {
		if err := rows.Scan(cols.into()...); err != nil {
			return err
		}
		*r = cols.row
		if cols.unitsAt >= 0 && units.Valid {
			r.units, _ = parseTextArray(units.String) // unreadable: withDepartments asks slip_departments
		}
		return nil
	}, nil
}

// textArray is a text array as a query parameter: PostgreSQL's text form,
// which the parameter's type (text[]) reads.
type textArray []string

// Value writes a as {"zjj","a b","c\"d"}.
func (a textArray) Value() (driver.Value, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, el := range a {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		for _, r := range el {
			if r == '"' || r == '\\' {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String(), nil
}

// parseTextArray reads PostgreSQL's text form of a one-dimensional text
// array without NULLs, such as {zjj,"a b","c\"d"}; ok is false for
// anything else.
func parseTextArray(s string) (out []string, ok bool) {
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return nil, false
	}
	body := s[1 : len(s)-1]
	out = []string{}
	if body == "" {
		return out, true
	}
	for i := 0; ; {
		if body[i] == '"' {
			var b strings.Builder
			for i++; i < len(body) && body[i] != '"'; i++ {
				if body[i] == '\\' && i+1 < len(body) {
					i++
				}
				b.WriteByte(body[i])
			}
			if i == len(body) {
				return nil, false // no closing quote
			}
			i++
			out = append(out, b.String())
		} else {
			n := strings.IndexByte(body[i:], ',')
			if n < 0 {
				n = len(body) - i
			}
			el := body[i : i+n]
			if el == "" || el == "NULL" || strings.ContainsAny(el, "{}\"\\") {
				return nil, false
			}
			out = append(out, el)
			i += n
		}
		if i == len(body) {
			return out, true
		}
		if body[i] != ',' || i+1 == len(body) {
			return nil, false
		}
		i++
	}
}
