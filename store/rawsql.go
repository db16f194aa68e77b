package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"gorm.io/gorm"
)

// The statements every action runs are written here by hand — a
// projection's, issuing's, and per request the token check, the
// Idempotency-Key's claim and answer and the slip's read — and run on the
// connection GORM would have used (its ConnPool: the gated SQLite pool or
// transaction with its prepared statements, or PostgreSQL's *sql.DB or
// *sql.Tx). GORM built each of them anew from the model by reflection,
// cloning its statement at every chained call: a sixth of the ledger's
// write time and three fifths of what it allocated
// (BenchmarkProjectLifecycle). The SQL is what GORM wrote, and the values
// go to the driver as GORM passed them (pointers for NULLable columns,
// time.Time as it is), so the rows read back the same.
// TestRawColumnsCoverTheModels holds the column lists to the models.

// rawSQL builds one statement and its arguments, with the placeholders of
// its dialect: ? for SQLite, $1, $2, … for PostgreSQL.
type rawSQL struct {
	strings.Builder
	pg   bool
	args []any
}

// newRawSQL starts a statement for tx's dialect.
func newRawSQL(tx *gorm.DB, args int) *rawSQL {
	return &rawSQL{pg: tx.Dialector.Name() == string(Postgres), args: make([]any, 0, args)}
}

// arg writes a placeholder for v.
func (q *rawSQL) arg(v any) {
	q.args = append(q.args, v)
	if q.pg {
		q.WriteByte('$')
		q.WriteString(strconv.Itoa(len(q.args)))
		return
	}
	q.WriteByte('?')
}

// tuple writes (…) with a placeholder for each of vs.
func (q *rawSQL) tuple(vs ...any) { writeList(q, vs) }

// texts writes (…) with a placeholder for each of vs.
func (q *rawSQL) texts(vs []string) { writeList(q, vs) }

// writeList writes (…) with a placeholder for each of vs.
func writeList[T any](q *rawSQL, vs []T) {
	q.WriteByte('(')
	for i, v := range vs {
		if i > 0 {
			q.WriteByte(',')
		}
		q.arg(v)
	}
	q.WriteByte(')')
}

// exec runs the statement in tx.
func (q *rawSQL) exec(tx *gorm.DB) (sql.Result, error) {
	return q.execIn(tx.Statement.Context, tx)
}

// query runs the statement in tx for its rows.
func (q *rawSQL) query(tx *gorm.DB) (*sql.Rows, error) {
	return q.queryIn(tx.Statement.Context, tx)
}

// execIn runs the statement on db's connections (the store's own db: the
// SQLite ledger's gate and prepared statements, or PostgreSQL's pool; or a
// transaction) under ctx.
func (q *rawSQL) execIn(ctx context.Context, db *gorm.DB) (sql.Result, error) {
	return db.Statement.ConnPool.ExecContext(ctx, q.String(), q.args...)
}

// queryIn runs the statement on db's connections under ctx, for its rows.
func (q *rawSQL) queryIn(ctx context.Context, db *gorm.DB) (*sql.Rows, error) {
	return db.Statement.ConnPool.QueryContext(ctx, q.String(), q.args...)
}

// queryRow runs the statement in tx for one row. Not for a statement that
// writes: outside a transaction the SQLite pool runs a single row's query
// beside its write gate.
func (q *rawSQL) queryRow(tx *gorm.DB) *sql.Row {
	return q.queryRowIn(tx.Statement.Context, tx)
}

// queryRowIn runs the statement on db's connections under ctx for one row
// (sql.ErrNoRows at Scan if there is none); see queryRow.
func (q *rawSQL) queryRowIn(ctx context.Context, db *gorm.DB) *sql.Row {
	return db.Statement.ConnPool.QueryRowContext(ctx, q.String(), q.args...)
}

// eventColumns are the columns of events, in eventRow's order.
const eventColumns = "slip_id,seq,type,actor,actor_id,actor_role,request_id,occurred_at,from_status,to_status,payload"

// insertEvent appends ev to the timeline unless an event of that slip and
// number is there already, and reports whether it did.
func insertEvent(tx *gorm.DB, ev eventRow) (bool, error) {
	q := newRawSQL(tx, 11)
	q.WriteString("INSERT INTO events (" + eventColumns + ") VALUES ")
	q.tuple(ev.SlipID, ev.Seq, ev.Type, ev.Actor, ev.ActorID, ev.ActorRole, ev.RequestID, ev.OccurredAt, ev.FromStatus, ev.ToStatus, ev.Payload)
	q.WriteString(" ON CONFLICT DO NOTHING")
	res, err := q.exec(tx)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, err
	}
	return n > 0, nil
}

// projectedColumnList are the slip columns a projection reads before it
// writes: all but the slip's text (title, content, reminder policy), which
// a 交办单 runs to pages of; projectedColumns is them for a SELECT.
var projectedColumnList = slices.DeleteFunc(slices.Clone(slipColumnNames()), func(c string) bool {
	return c == "title" || c == "content" || c == "policy"
})

var projectedColumns = strings.Join(projectedColumnList, ",")

// readSlipForUpdate reads the slip's row without its text, locked until
// the transaction ends on PostgreSQL (SQLite's transaction holds the write
// lock from its start). sql.ErrNoRows if it is not on the ledger.
func readSlipForUpdate(tx *gorm.DB, id string) (slipRow, error) {
	sch, err := slipSchema()
	if err != nil {
		return slipRow{}, err
	}
	q := newRawSQL(tx, 1)
	q.WriteString("SELECT " + projectedColumns + " FROM slips WHERE id = ")
	q.arg(id)
	if q.pg {
		q.WriteString(" FOR UPDATE")
	}
	cols := newSlipColumns(sch, projectedColumnList, nil)
	if err := q.queryRow(tx).Scan(cols.into()...); err != nil {
		return slipRow{}, err
	}
	return cols.row, nil
}

// updateSlip sets cols (column → value, as changedColumns leaves them) on
// the slip's row. Columns go in name order, so the same set of columns is
// the same statement text (prepared once).
func updateSlip(tx *gorm.DB, id string, cols map[string]any) error {
	if len(cols) == 0 {
		return nil
	}
	names := make([]string, 0, len(cols))
	for c := range cols {
		names = append(names, c)
	}
	slices.Sort(names)
	q := newRawSQL(tx, len(cols)+1)
	q.WriteString("UPDATE slips SET ")
	for i, c := range names {
		if i > 0 {
			q.WriteByte(',')
		}
		q.WriteString(c + " = ")
		q.arg(cols[c])
	}
	q.WriteString(" WHERE id = ")
	q.arg(id)
	_, err := q.exec(tx)
	return err
}

// markFact makes the slip's fact column true and reports whether it was
// not already.
func markFact(tx *gorm.DB, id, fact string) (bool, error) {
	q := newRawSQL(tx, 2)
	q.WriteString("UPDATE slips SET " + fact + " = ")
	q.arg(true)
	q.WriteString(" WHERE id = ")
	q.arg(id)
	q.WriteString(" AND NOT " + fact)
	res, err := q.exec(tx)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// trackInsertColumns are the columns of slip_tracks, in trackRow's order.
var trackInsertColumns = "slip_id,position," + strings.Join(trackColumns, ",")

// trackUpsertTail is writeTracks' conflict clause: a part already there
// takes the offered columns where one of them differs (NULLs compare as
// values).
var trackUpsertTail = func() string {
	set := make([]string, len(trackColumns))
	changed := make([]string, len(trackColumns))
	for i, c := range trackColumns {
		set[i] = c + " = excluded." + c
		changed[i] = "slip_tracks." + c + " IS DISTINCT FROM excluded." + c
	}
	return " ON CONFLICT (slip_id,position) DO UPDATE SET " + strings.Join(set, ",") + " WHERE " + strings.Join(changed, " OR ")
}()

// upsertTracks writes rows as writeTracks describes, in one statement.
func upsertTracks(tx *gorm.DB, rows []trackRow) error {
	q := newRawSQL(tx, 14*len(rows))
	q.WriteString("INSERT INTO slip_tracks (" + trackInsertColumns + ") VALUES ")
	for i, r := range rows {
		if i > 0 {
			q.WriteByte(',')
		}
		q.tuple(r.SlipID, r.Position, r.DepartmentCode, r.Role, r.Status, r.Deadline, r.AssignedOn, r.AcknowledgedAt,
			r.CompletedOn, r.Refusals, r.Presses, r.EscalationLevel, r.AckReminded, r.Detail)
	}
	q.WriteString(trackUpsertTail)
	_, err := q.exec(tx)
	return err
}

// statsKeyColumns are the rollup's key, in statsRow's order.
const statsKeyColumns = "department_code,role,issued_month,status,effective_deadline,ack_reminded,lead_department"

// groupKeyColumns are the group rollup's key (migrations 0180 and 0200):
// the grouping (batch, category or leader) is a statsRow's Role, the group
// its DepartmentCode.
const groupKeyColumns = "grouped_by,group_key,issued_month,status,effective_deadline,ack_reminded"

// rollupTable is a table statsRows are added to: its name, its key columns,
// a row's values for them in that order, and the upsert's conflict clause.
type rollupTable struct {
	name, keys string
	key        func(d statsRow) []any
	tail       string
}

var (
	// statsTable is the departments' rollup (slip_stats, applyRollup's).
	statsTable = newRollupTable("slip_stats", statsKeyColumns, func(d statsRow) []any {
		return []any{d.DepartmentCode, d.Role, d.IssuedMonth, d.Status, d.EffectiveDeadline, d.AckReminded, d.LeadDepartment}
	})
	// groupTable is the group rollup by batch, category and leader
	// (slip_group_stats, applyRollup's too).
	groupTable = newRollupTable("slip_group_stats", groupKeyColumns, func(d statsRow) []any {
		return []any{d.Role, d.DepartmentCode, d.IssuedMonth, d.Status, d.EffectiveDeadline, d.AckReminded}
	})
)

// newRollupTable is the rollupTable of name with the given key columns:
// its conflict clause makes each counter add the delta's on a row of the
// same key.
func newRollupTable(name, keys string, key func(statsRow) []any) rollupTable {
	set := make([]string, len(statsCounters))
	for i, c := range statsCounters {
		set[i] = c + " = " + name + "." + c + " + excluded." + c
	}
	return rollupTable{name: name, keys: keys, key: key,
		tail: " ON CONFLICT (" + keys + ") DO UPDATE SET " + strings.Join(set, ",")}
}

// rollupBatch is how many rollup rows one upsert writes (at most 17
// parameters a row: within SQLite's and PostgreSQL's limits).
const rollupBatch = 500

// upsertRollup adds deltas to the rollup table t, rollupBatch rows a
// statement.
func upsertRollup(tx *gorm.DB, t rollupTable, deltas []statsRow) error {
	for chunk := range slices.Chunk(deltas, rollupBatch) {
		q := newRawSQL(tx, 17*len(chunk))
		q.WriteString("INSERT INTO " + t.name + " (" + t.keys + "," + strings.Join(statsCounters, ",") + ") VALUES ")
		for i, d := range chunk {
			if i > 0 {
				q.WriteByte(',')
			}
			q.tuple(append(t.key(d), d.Slips, d.ClosedOnTime, d.Extensions, d.Acknowledged, d.AckedOnTime, d.Reviewed,
				d.SentBack, d.SendBacks, d.TimedCloses, d.CloseWorkingDays)...)
		}
		q.WriteString(t.tail)
		if _, err := q.exec(tx); err != nil {
			return fmt.Errorf("upsert %d rows of %s: %w", len(chunk), t.name, err)
		}
	}
	return nil
}

// insertSlipRow inserts row into slips: every column slipRow holds, and on
// PostgreSQL the slip's units (migration 0100), so the trigger that keeps
// them finds them set when the departments go in and does not write the
// row a second time — nor its keyword index entries, a hundred or so for a
// slip's text.
func insertSlipRow(tx *gorm.DB, row slipRow, units []string) error {
	sch, err := slipSchema()
	if err != nil {
		return err
	}
	q := newRawSQL(tx, len(sch.DBNames)+1)
	q.WriteString("INSERT INTO slips (" + strings.Join(sch.DBNames, ","))
	if q.pg {
		q.WriteString(",units")
	}
	q.WriteString(") VALUES (")
	rv := reflect.ValueOf(&row).Elem()
	for i, name := range sch.DBNames {
		if i > 0 {
			q.WriteByte(',')
		}
		v, _ := sch.FieldsByDBName[name].ValueOf(tx.Statement.Context, rv)
		q.arg(v)
	}
	if q.pg {
		q.WriteByte(',')
		q.arg(textArray(units))
	}
	q.WriteByte(')')
	_, err = q.exec(tx)
	return err
}

// insertDepartments assigns the slip to its departments, the lead first.
func insertDepartments(tx *gorm.DB, slipID string, departments []string) error {
	if len(departments) == 0 {
		return nil
	}
	q := newRawSQL(tx, 4*len(departments))
	q.WriteString("INSERT INTO slip_departments (slip_id,department_code,role,position) VALUES ")
	for i, m := range membersOf(departments) {
		if i > 0 {
			q.WriteByte(',')
		}
		q.tuple(slipID, m.department, m.role, i)
	}
	_, err := q.exec(tx)
	return err
}

// slipNumber is the number of the slip on the ledger, and false if it is
// not there.
func slipNumber(tx *gorm.DB, id string) (string, bool, error) {
	q := newRawSQL(tx, 1)
	q.WriteString("SELECT number FROM slips WHERE id = ")
	q.arg(id)
	var number string
	switch err := q.queryRow(tx).Scan(&number); {
	case errors.Is(err, sql.ErrNoRows):
		return "", false, nil
	case err != nil:
		return "", false, err
	}
	return number, true, nil
}
