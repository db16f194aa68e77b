package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/duban-gov/duban/ranking"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/stats"
)

// rankingAdjustmentRow is a stats.Adjustment as stored.
type rankingAdjustmentRow struct {
	ID             int64 `gorm:"primaryKey;autoIncrement"`
	Month          string
	DepartmentCode string
	Points         float64
	Reason         string
	CreatedBy      *int64
	CreatedAt      time.Time `gorm:"autoCreateTime:false"`
}

func (rankingAdjustmentRow) TableName() string { return "ranking_adjustments" }

type rankingSnapshotRow struct {
	Month   string `gorm:"primaryKey"`
	TakenAt time.Time
	Ranking string
}

func (rankingSnapshotRow) TableName() string { return "ranking_snapshots" }

// errPublished is the answer to changing a month whose ranking is frozen.
func errPublished(month string) error {
	return &slip.Error{Kind: slip.KindConflict, Code: slip.CodeRankingPublished, Field: "month",
		Message: fmt.Sprintf("%s 的排名已发布，不能再加分或扣分", month)}
}

// AddRankingAdjustment records an adjustment, refusing an unknown department
// and a month whose ranking is already published (the check and the insert
// share a transaction under lockMonth, so a concurrent publication waits).
func (s *Store) AddRankingAdjustment(ctx context.Context, a stats.Adjustment) (stats.Adjustment, error) {
	row := rankingAdjustmentRow{Month: a.Month, DepartmentCode: a.Department, Points: a.Points, Reason: a.Reason,
		CreatedBy: a.CreatedBy, CreatedAt: a.CreatedAt.UTC()}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		published, err := s.lockMonth(tx, a.Month)
		if err != nil {
			return err
		}
		if published {
			return errPublished(a.Month)
		}
		var n int64
		if err := tx.Model(&departmentRow{}).Where("code = ?", a.Department).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return slip.Unprocessable(slip.CodeUnknownDepartment, "department_code", "单位 %s 不存在", a.Department)
		}
		return tx.Create(&row).Error
	})
	if err != nil {
		if de := slip.AsError(err); de != nil {
			return stats.Adjustment{}, de
		}
		return stats.Adjustment{}, fmt.Errorf("add ranking adjustment for %s in %s: %w", a.Department, a.Month, err)
	}
	return row.toAdjustment(), nil
}

// rankingLockKey is the first half of the advisory lock that serialises
// adjustments and the snapshot of one month.
const rankingLockKey = 7_240_311

// lockMonth serialises, within tx, everything that changes or freezes
// month's ranking (PostgreSQL: an advisory lock; SQLite transactions are
// already exclusive), and reports whether the month is already published.
func (s *Store) lockMonth(tx *gorm.DB, month string) (published bool, err error) {
	if s.dialect == Postgres {
		if err := tx.Exec(`SELECT pg_advisory_xact_lock(?, hashtext(?))`, rankingLockKey, month).Error; err != nil {
			return false, fmt.Errorf("lock month %s: %w", month, err)
		}
	}
	var n int64
	if err := tx.Model(&rankingSnapshotRow{}).Where("month = ?", month).Count(&n).Error; err != nil {
		return false, fmt.Errorf("look for the published ranking of %s: %w", month, err)
	}
	return n > 0, nil
}

func (r rankingAdjustmentRow) toAdjustment() stats.Adjustment {
	return stats.Adjustment{ID: r.ID, Month: r.Month, Department: r.DepartmentCode, Points: r.Points,
		Reason: r.Reason, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt}
}

// RankingAdjustments lists a month's adjustments in the order they were made.
func (s *Store) RankingAdjustments(ctx context.Context, month string) ([]stats.Adjustment, error) {
	var rows []rankingAdjustmentRow
	if err := s.db.WithContext(ctx).Where("month = ?", month).Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("ranking adjustments of %s: %w", month, err)
	}
	out := make([]stats.Adjustment, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.toAdjustment())
	}
	return out, nil
}

// PublishRanking stores a month's ranking, computed by build inside the
// same transaction so no adjustment slips in between, unless one is already
// published: the first publication stands and later calls change nothing.
// It reports whether this call published.
func (s *Store) PublishRanking(ctx context.Context, month string, takenAt time.Time, build func(ctx context.Context) (string, error)) (bool, error) {
	published := false
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		already, err := s.lockMonth(tx, month)
		if err != nil || already {
			return err
		}
		body, err := build(ctx)
		if err != nil {
			return err
		}
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&rankingSnapshotRow{Month: month, TakenAt: takenAt.UTC(), Ranking: body})
		if res.Error != nil {
			return res.Error
		}
		published = res.RowsAffected == 1
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("publish ranking of %s: %w", month, err)
	}
	return published, nil
}

// RankingSnapshot returns a month's published ranking as stored, and when it
// was taken, or stats.ErrNoSnapshot.
func (s *Store) RankingSnapshot(ctx context.Context, month string) (string, time.Time, error) {
	var row rankingSnapshotRow
	err := s.db.WithContext(ctx).Where("month = ?", month).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", time.Time{}, stats.ErrNoSnapshot
	}
	if err != nil {
		return "", time.Time{}, fmt.Errorf("ranking snapshot of %s: %w", month, err)
	}
	return row.Ranking, row.TakenAt, nil
}

// RankingTracks counts each unit's parts given from..to (YYYY-MM-DD,
// inclusive; whole months, as rankings ask), with overdue parts as of asOf: what the monthly ranking weighs
// for 回退率 and co-units' overdue parts (ranking.TrackLedger). It reads no
// part that cannot change a score, so it costs what the ranking did before
// parts at a million slips:
//
//   - the parts a unit holds now, by role, and those of closed slips (its
//     co parts there are finished or waived), come from the rollup;
//   - parts with refusals (few) from slip_tracks_refused_idx: a part
//     refused and reassigned (replaced) is one the refusing unit received
//     and gave up;
//   - co parts open past their deadline, and co parts finished after it,
//     each from its partial index.
//
// The parts are taken by their assignment date (for a part given at issue,
// the slip's issue date; for one given by 改派, that day), which the part
// row holds, so no slip is read; a cancelled slip's open parts are
// cancelled and left out.
func (s *Store) RankingTracks(ctx context.Context, from, to, asOf string) (out map[string]ranking.TrackCounts, err error) {
	err = s.planned(ctx, func(s *Store) error {
		out, err = s.rankingTracks(ctx, from, to, asOf)
		return err
	})
	return out, err
}

// rankingTracks is RankingTracks on s as given (planned).
func (s *Store) rankingTracks(ctx context.Context, from, to, asOf string) (map[string]ranking.TrackCounts, error) {
	out := map[string]ranking.TrackCounts{}
	at := func(code string) *ranking.TrackCounts {
		c := out[code]
		c.Department = code
		out[code] = c
		return &c
	}
	set := func(c *ranking.TrackCounts) { out[c.Department] = *c }
	fail := func(err error) (map[string]ranking.TrackCounts, error) {
		return nil, fmt.Errorf("ranking tracks %s..%s: %w", from, to, err)
	}
	var held []struct {
		DepartmentCode string
		Role           string
		Closed         bool
		Slips          int64
	}
	err := s.db.WithContext(ctx).Table("slip_stats").
		Select("department_code, role, status = 'closed' AS closed, SUM(slips) AS slips").
		Where("issued_month >= ? AND issued_month <= ? AND status <> 'cancelled' AND "+ownRoles, monthOf(from), monthOf(to)).
		Group("department_code, role, status = 'closed'").Scan(&held).Error
	if err != nil {
		return fail(err)
	}
	for _, h := range held {
		c := at(h.DepartmentCode)
		c.Received += h.Slips
		if h.Role == "co" {
			c.CoParts += h.Slips
			if h.Closed {
				c.CoCompleted += h.Slips
			}
		}
		set(c)
	}
	// Refused parts of the period, counted per unit, role and status from
	// the index alone (migration 0110).
	var refused []struct {
		DepartmentCode string
		Role           string
		Status         string
		Refusals       int64
		Parts          int64
	}
	err = s.db.WithContext(ctx).Table("slip_tracks").
		Select("department_code, role, status, SUM(refusals) AS refusals, COUNT(*) AS parts").
		Where("refusals > 0 AND assigned_on >= ? AND assigned_on <= ? AND status <> 'cancelled'", from, to).
		Group("department_code, role, status").Scan(&refused).Error
	if err != nil {
		return fail(err)
	}
	for _, r := range refused {
		c := at(r.DepartmentCode)
		c.Refusals += r.Refusals
		if r.Status == string(slip.TrackReplaced) {
			c.Received += r.Parts // no longer the unit's in the rollup
			if r.Role == "lead" {
				c.LeadGivenUp += r.Parts
			} else {
				c.CoParts += r.Parts
				c.CoGivenUp += r.Parts
			}
		}
		set(c)
	}
	var late []struct {
		DepartmentCode string
		N              int64
	}
	err = s.db.WithContext(ctx).Raw(`
		SELECT department_code, COUNT(*) AS n FROM (
			SELECT department_code FROM slip_tracks
			WHERE role = 'co' AND status IN `+openPartStatuses+` AND deadline < ? AND assigned_on >= ? AND assigned_on <= ?
			UNION ALL
			SELECT department_code FROM slip_tracks
			WHERE role = 'co' AND status = 'completed' AND completed_on > deadline AND assigned_on >= ? AND assigned_on <= ?
		) late GROUP BY department_code`, asOf, from, to, from, to).Scan(&late).Error
	if err != nil {
		return fail(err)
	}
	for _, l := range late {
		c := at(l.DepartmentCode)
		c.CoOverdue += l.N
		set(c)
	}
	var names []departmentRow
	if err := s.db.WithContext(ctx).Select("code, name").Find(&names).Error; err != nil {
		return fail(err)
	}
	for _, d := range names {
		if c, ok := out[d.Code]; ok {
			c.Name = d.Name
			out[d.Code] = c
		}
	}
	return out, nil
}

// monthOf is the YYYY-MM of a YYYY-MM-DD day.
func monthOf(day string) string {
	if len(day) >= 7 {
		return day[:7]
	}
	return day
}
