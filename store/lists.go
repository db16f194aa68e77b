package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/duban-gov/duban/lists"
	"github.com/duban-gov/duban/slip"
)

type rankListRow struct {
	Code       string `gorm:"primaryKey"`
	Name       string
	Definition string
	UpdatedAt  time.Time `gorm:"autoUpdateTime:false"`
}

func (rankListRow) TableName() string { return "rank_lists" }

type rankListAdjustmentRow struct {
	ID         int64 `gorm:"primaryKey;autoIncrement"`
	ListCode   string
	Month      string
	MemberCode string
	Points     float64
	Reason     string
	CreatedBy  string
	CreatedAt  time.Time `gorm:"autoCreateTime:false"`
}

func (rankListAdjustmentRow) TableName() string { return "rank_list_adjustments" }

type rankListSnapshotRow struct {
	ListCode string `gorm:"primaryKey"`
	Month    string `gorm:"primaryKey"`
	TakenAt  time.Time
	TakenBy  string
	Standing string
}

func (rankListSnapshotRow) TableName() string { return "rank_list_snapshots" }

// errListPublished refuses a change to a month whose lists are frozen.
func errListPublished(month string) error {
	return &slip.Error{Kind: slip.KindConflict, Code: lists.CodeListPublished, Field: "month",
		Message: fmt.Sprintf("%s 的榜单已发布，数据已冻结", month)}
}

// listLockKey is the first half of the advisory lock that serialises the
// values, adjustments and publications of one month.
const listLockKey = 7_240_317

// lockListMonth serialises, within tx, everything that changes or freezes a
// month's lists (reported values, adjustments, publication) and reports
// whether any list of the month is published: a published month is frozen.
func (s *Store) lockListMonth(tx *gorm.DB, month string) (bool, error) {
	if s.dialect == Postgres {
		if err := tx.Exec(`SELECT pg_advisory_xact_lock(?, hashtext(?))`, listLockKey, month).Error; err != nil {
			return false, fmt.Errorf("lock month %s: %w", month, err)
		}
	}
	var n int64
	if err := tx.Model(&rankListSnapshotRow{}).Where("month = ?", month).Count(&n).Error; err != nil {
		return false, fmt.Errorf("look for published lists of %s: %w", month, err)
	}
	return n > 0, nil
}

// PutList creates a list or replaces its definition (members, components).
func (s *Store) PutList(ctx context.Context, l lists.List, at time.Time) error {
	def, err := json.Marshal(l)
	if err != nil {
		return fmt.Errorf("encode list %s: %w", l.Code, err)
	}
	row := rankListRow{Code: l.Code, Name: l.Name, Definition: string(def), UpdatedAt: at.UTC()}
	err = s.db.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "code"}},
		DoUpdates: clause.AssignmentColumns([]string{"name", "definition", "updated_at"})}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("put list %s: %w", l.Code, err)
	}
	return nil
}

// Lists returns every list definition, by code.
func (s *Store) Lists(ctx context.Context) ([]lists.List, error) {
	var rows []rankListRow
	if err := s.db.WithContext(ctx).Order("code").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("lists: %w", err)
	}
	out := make([]lists.List, 0, len(rows))
	for _, r := range rows {
		var l lists.List
		if err := json.Unmarshal([]byte(r.Definition), &l); err != nil {
			return nil, fmt.Errorf("decode list %s: %w", r.Code, err)
		}
		out = append(out, l)
	}
	return out, nil
}

// List returns one list definition, or a not-found error.
func (s *Store) List(ctx context.Context, code string) (lists.List, error) {
	var r rankListRow
	err := s.db.WithContext(ctx).Where("code = ?", code).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return lists.List{}, slip.NotFound("榜单", code)
	}
	if err != nil {
		return lists.List{}, fmt.Errorf("list %s: %w", code, err)
	}
	var l lists.List
	if err := json.Unmarshal([]byte(r.Definition), &l); err != nil {
		return lists.List{}, fmt.Errorf("decode list %s: %w", code, err)
	}
	return l, nil
}

// AddListAdjustment records a 加分/扣分 of a member of a list, refusing a
// member not on the list (422) and a list already published for the month
// (409).
func (s *Store) AddListAdjustment(ctx context.Context, a lists.Adjustment, at time.Time) (lists.Adjustment, error) {
	row := rankListAdjustmentRow{ListCode: a.List, Month: a.Month, MemberCode: a.Member, Points: a.Points, Reason: a.Reason,
		CreatedBy: a.CreatedBy, CreatedAt: at.UTC()}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if _, err := s.lockListMonth(tx, a.Month); err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&rankListSnapshotRow{}).Where("list_code = ? AND month = ?", a.List, a.Month).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return errListPublished(a.Month)
		}
		var lr rankListRow
		if err := tx.Where("code = ?", a.List).Take(&lr).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return slip.NotFound("榜单", a.List)
			}
			return err
		}
		var l lists.List
		if err := json.Unmarshal([]byte(lr.Definition), &l); err != nil {
			return err
		}
		if !slices.ContainsFunc(l.Members, func(m lists.Member) bool { return m.Code == a.Member }) {
			return slip.Unprocessable("unknown_member", "member_code", "%s 不在榜单 %s 中", a.Member, l.Name)
		}
		return tx.Create(&row).Error
	})
	if err != nil {
		if de := slip.AsError(err); de != nil {
			return lists.Adjustment{}, de
		}
		return lists.Adjustment{}, fmt.Errorf("adjust %s in list %s for %s: %w", a.Member, a.List, a.Month, err)
	}
	return row.toAdjustment(), nil
}

func (r rankListAdjustmentRow) toAdjustment() lists.Adjustment {
	return lists.Adjustment{ID: r.ID, List: r.ListCode, Month: r.Month, Member: r.MemberCode, Points: r.Points, Reason: r.Reason,
		CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.UTC().Format(time.RFC3339)}
}

// ListAdjustments lists a list's adjustments for a month, in the order made.
func (s *Store) ListAdjustments(ctx context.Context, list, month string) ([]lists.Adjustment, error) {
	var rows []rankListAdjustmentRow
	if err := s.db.WithContext(ctx).Where("list_code = ? AND month = ?", list, month).Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("adjustments of %s in %s: %w", list, month, err)
	}
	out := make([]lists.Adjustment, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.toAdjustment())
	}
	return out, nil
}

// PublishList stores a list's standing for a month, computed by build in the
// same transaction (under the month's lock, so no value or adjustment slips
// in between), unless it is already published: the first publication
// stands. It reports whether this call published.
func (s *Store) PublishList(ctx context.Context, list, month, by string, at time.Time, build func(ctx context.Context) (string, error)) (bool, error) {
	published := false
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if _, err := s.lockListMonth(tx, month); err != nil {
			return err
		}
		body, err := build(ctx)
		if err != nil {
			return err
		}
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&rankListSnapshotRow{ListCode: list, Month: month,
			TakenAt: at.UTC(), TakenBy: by, Standing: body})
		if res.Error != nil {
			return res.Error
		}
		published = res.RowsAffected == 1
		return nil
	})
	if err != nil {
		if de := slip.AsError(err); de != nil {
			return false, de
		}
		return false, fmt.Errorf("publish list %s of %s: %w", list, month, err)
	}
	return published, nil
}

// ListSnapshot returns a list's published standing for a month as stored,
// and when it was taken, or lists.ErrNotPublished.
func (s *Store) ListSnapshot(ctx context.Context, list, month string) (string, time.Time, error) {
	var row rankListSnapshotRow
	err := s.db.WithContext(ctx).Where("list_code = ? AND month = ?", list, month).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", time.Time{}, lists.ErrNotPublished
	}
	if err != nil {
		return "", time.Time{}, fmt.Errorf("snapshot of %s for %s: %w", list, month, err)
	}
	return row.Standing, row.TakenAt, nil
}
