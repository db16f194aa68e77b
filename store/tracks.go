package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	gojson "github.com/goccy/go-json"
	"gorm.io/gorm"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/stats"
)

// trackRow is one unit's part of a slip (migration 0040).
type trackRow struct {
	SlipID          string `gorm:"primaryKey"`
	Position        int    `gorm:"primaryKey"`
	DepartmentCode  string
	Role            string
	Status          string
	Deadline        string // the deadline in force for the part
	AssignedOn      string
	AcknowledgedAt  *time.Time
	CompletedOn     *string
	Refusals        int
	Presses         int
	EscalationLevel int
	// AckReminded: the part's acknowledgement reminder went out (the
	// lead's is the slip's, which the workflow keeps on the slip);
	// migration 0090. A unit's ledger colours by it (partColourCondition).
	AckReminded bool
	Detail      string // JSON of slip.Track
}

func (trackRow) TableName() string { return "slip_tracks" }

// newTrackRows builds the rows of a slip's parts as the workflow keeps them.
func newTrackRows(sl slip.Slip) []trackRow {
	out := make([]trackRow, 0, len(sl.Tracks))
	for i, t := range sl.Tracks {
		reminded := t.AckReminded
		if t.Role == slip.RoleLead {
			reminded = sl.AckReminded
		}
		out = append(out, trackRow{
			SlipID: sl.ID, Position: i, DepartmentCode: t.Department, Role: string(t.Role), Status: string(t.Status),
			Deadline: sl.TrackDeadline(t).String(), AssignedOn: calendar.DateOf(t.AssignedAt).String(), AcknowledgedAt: utcPtr(t.AcknowledgedAt),
			CompletedOn: dateOfPtr(t.CompletedAt), Refusals: t.Refusals, Presses: t.Presses,
			EscalationLevel: t.EscalationLevel, AckReminded: reminded, Detail: jsonText(t),
		})
	}
	return out
}

// trackColumns are the columns of a part that a projection may change.
var trackColumns = []string{"department_code", "role", "status", "deadline", "assigned_on",
	"acknowledged_at", "completed_on", "refusals", "presses", "escalation_level", "ack_reminded", "detail"}

// writeTracks writes a slip's parts inside tx: it inserts them, or updates
// those there where a column differs. Most actions change one
// part (the lead's) or none, and each part written rewrites its entries in
// half a dozen indexes. Parts are only ever appended (a reassignment keeps
// the replaced one), so (slip, position) names the same part in every
// projection. One statement: the parts are not read first to compare them
// here.
func writeTracks(tx *gorm.DB, sl slip.Slip) error {
	rows := newTrackRows(sl)
	if len(rows) == 0 {
		return nil
	}
	if err := upsertTracks(tx, rows); err != nil {
		return fmt.Errorf("write tracks of slip %s: %w", sl.ID, err)
	}
	return nil
}

// reassignDepartments makes the slip's department list (who sees it, whose
// statistics count it) what the slip says after a 改派, and returns the
// members it had before.
func reassignDepartments(tx *gorm.DB, sl slip.Slip) ([]member, error) {
	var rows []slipDepartmentRow
	if err := tx.Where("slip_id = ?", sl.ID).Order("position").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read departments of slip %s: %w", sl.ID, err)
	}
	before := make([]member, 0, len(rows))
	for _, r := range rows {
		before = append(before, member{r.DepartmentCode, r.Role})
	}
	if err := tx.Where("slip_id = ?", sl.ID).Delete(&slipDepartmentRow{}).Error; err != nil {
		return nil, fmt.Errorf("clear departments of slip %s: %w", sl.ID, err)
	}
	if err := insertDepartments(tx, sl.ID, sl.Draft.Departments()); err != nil {
		return nil, fmt.Errorf("assign departments of slip %s: %w", sl.ID, err)
	}
	return before, nil
}

// loadTracks reads the parts of the slips ids, by slip, in order, each
// decoded by decode; expected is how many there should be.
func (s *Store) loadTracks(ctx context.Context, ids []string, expected int, decode trackDecoder) (map[string][]slip.Track, error) {
	// The parts come slip by slip, so each slip's are a run of one array
	// made for the whole batch, rather than a slice grown per slip (which,
	// with the map's growth, was a fifth of loading them in an export).
	// The array is made as long as expected: made for two parts a slip and
	// grown (a part is 224 bytes), it was a quarter of what an export
	// allocated.
	var (
		all  = make([]slip.Track, 0, expected)
		runs []trackRun
	)
	err := s.eachTrackDetail(ctx, ids, func(slipID, detail []byte) error {
		t, err := decode(detail)
		if err != nil {
			return fmt.Errorf("decode a track of slip %s: %w", slipID, err)
		}
		if len(runs) == 0 || runs[len(runs)-1].slipID != string(slipID) {
			runs = append(runs, trackRun{slipID: string(slipID), start: len(all)})
		}
		all = append(all, t)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load slip tracks: %w", err)
	}
	out := make(map[string][]slip.Track, len(runs))
	for i, r := range runs {
		end := len(all)
		if i+1 < len(runs) {
			end = runs[i+1].start
		}
		out[r.slipID] = all[r.start:end:end] // appending copies: no slip grows into the next's
	}
	return out, nil
}

// eachTrackDetail calls fn with the slip and detail column of each part of
// the slips ids, by slip and position, until fn fails. The bytes are the
// driver's, good until fn returns. Written and scanned by hand: every
// action reads its slip's parts, every ledger page and export batch those
// of its slips, and GORM's reflection over the whole row was a third of a
// department export's CPU.
func (s *Store) eachTrackDetail(ctx context.Context, ids []string, fn func(slipID, detail []byte) error) error {
	if s.dialect == Postgres {
		return s.eachTrackDetailPgx(ctx, ids, fn)
	}
	q := newRawSQL(s.db, len(ids))
	q.WriteString("SELECT slip_id, detail FROM slip_tracks WHERE slip_id IN ")
	q.texts(ids)
	q.WriteString(" ORDER BY slip_id, position")
	rs, err := q.queryIn(ctx, s.db)
	if err != nil {
		return err
	}
	defer rs.Close()
	var slipID, detail sql.RawBytes
	for rs.Next() {
		if err := rs.Scan(&slipID, &detail); err != nil {
			return err
		}
		if err := fn(slipID, detail); err != nil {
			return err
		}
	}
	return rs.Err()
}

// trackRun is where one slip's parts start among loadTracks's.
type trackRun struct {
	slipID string
	start  int
}

// trackDecoder reads a part's detail column.
type trackDecoder func(detail []byte) (slip.Track, error)

// decodeTrack reads a part's detail column, written by jsonText
// (encoding/json). It is read with goccy/go-json, which decodes the same
// JSON into the same value about four times as fast: an export reads every
// part of its slips (住建局's 107k slips have 230k), and encoding/json's
// decoding was two thirds of a department export's CPU.
func decodeTrack(detail []byte) (slip.Track, error) {
	var t slip.Track
	if err := gojson.Unmarshal(detail, &t); err != nil {
		return slip.Track{}, err
	}
	t.AssignedAt = t.AssignedAt.In(calendar.Zone)
	return t, nil
}

// attachTracks sets each slip's parts, decoded by decode, and the co-unit
// deadlines its draft carried, from the ledger.
func (s *Store) attachTracks(ctx context.Context, slips []slip.Slip, decode trackDecoder) error {
	if len(slips) == 0 {
		return nil
	}
	ids := make([]string, len(slips))
	parts := 0 // a part per unit, unless some were replaced (改派)
	for i, sl := range slips {
		ids[i] = sl.ID
		parts += 1 + len(sl.Draft.CoDepartments)
	}
	tracks, err := s.loadTracks(ctx, ids, parts, decode)
	if err != nil {
		return err
	}
	for i := range slips {
		ts := tracks[slips[i].ID]
		slips[i].Tracks = ts
		for _, t := range ts {
			if t.Role == slip.RoleCo && !t.Deadline.IsZero() && t.Status != slip.TrackReplaced {
				if slips[i].Draft.CoDeadlines == nil {
					slips[i].Draft.CoDeadlines = map[string]calendar.Date{}
				}
				slips[i].Draft.CoDeadlines[t.Department] = t.Deadline
			}
		}
	}
	return nil
}

// TrackStats counts the parts per unit and role of slips issued between
// from and to (YYYY-MM-DD, inclusive; empty: open-ended), as of date
// today. A co-unit that never answers counts as overdue once its deadline
// has passed. Only departments in visible (nil: all) are counted.
func (s *Store) TrackStats(ctx context.Context, from, to, today string, visible []string) ([]stats.TrackRow, error) {
	q := s.db.WithContext(ctx).Table("slip_tracks t").Joins("JOIN slips s ON s.id = t.slip_id").
		Select(`t.department_code AS department, t.role AS role,
			COUNT(*) AS assigned,
			SUM(CASE WHEN t.status = 'completed' THEN 1 ELSE 0 END) AS completed,
			SUM(CASE WHEN t.status = 'completed' AND t.completed_on <= t.deadline THEN 1 ELSE 0 END) AS on_time,
			SUM(CASE WHEN (t.status IN ('issued', 'in_progress', 'refused') AND s.status NOT IN ('closed', 'cancelled') AND t.deadline < ?)
				OR (t.status = 'completed' AND t.completed_on > t.deadline) THEN 1 ELSE 0 END) AS overdue,
			SUM(t.refusals) AS refusals,
			SUM(t.presses) AS presses`, today).
		Group("t.department_code, t.role").Order("t.department_code, t.role")
	if from != "" {
		q = q.Where("s.issued_on >= ?", from)
	}
	if to != "" {
		q = q.Where("s.issued_on <= ?", to)
	}
	if visible != nil {
		q = q.Where("t.department_code IN ?", visible)
	}
	var out []stats.TrackRow
	if err := q.Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("track statistics: %w", err)
	}
	return out, nil
}

// RefusedSlipIDs lists the slips with a part refused and waiting for the
// office (the 退回 queue), oldest issue first, at most limit.
func (s *Store) RefusedSlipIDs(ctx context.Context, limit int) ([]string, error) {
	var ids []string
	err := s.db.WithContext(ctx).Raw(`SELECT t.slip_id FROM slip_tracks t JOIN slips s ON s.id = t.slip_id
		WHERE t.status = ? GROUP BY t.slip_id, s.issued_at ORDER BY s.issued_at, t.slip_id LIMIT ?`,
		string(slip.TrackRefused), limit).Scan(&ids).Error
	if err != nil {
		return nil, fmt.Errorf("refused tracks: %w", err)
	}
	return ids, nil
}
