package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/duban-gov/duban/scoring"
	"github.com/duban-gov/duban/slip"
)

type scoreSheetRow struct {
	GroupCode  string `gorm:"primaryKey"`
	Month      string `gorm:"primaryKey"`
	GroupName  string
	Definition string
	UpdatedAt  time.Time `gorm:"autoUpdateTime:false"`
}

func (scoreSheetRow) TableName() string { return "score_sheets" }

type scoreEntryRow struct {
	GroupCode  string `gorm:"primaryKey"`
	Month      string `gorm:"primaryKey"`
	MemberCode string `gorm:"primaryKey"`
	Scores     string
	EnteredBy  string
	EnteredAt  time.Time
}

func (scoreEntryRow) TableName() string { return "score_entries" }

type sheetDefinition struct {
	Tasks   []scoring.Task   `json:"tasks"`
	Members []scoring.Member `json:"members"`
}

// PutSheet sets a group's tasks and members for a month. Changing the tasks
// of a sheet that already has scores is refused (409): the scores would no
// longer line up.
func (s *Store) PutSheet(ctx context.Context, group, name, month string, tasks []scoring.Task, members []scoring.Member, at time.Time) error {
	def, err := json.Marshal(sheetDefinition{Tasks: tasks, Members: members})
	if err != nil {
		return fmt.Errorf("encode sheet %s %s: %w", group, month, err)
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var old scoreSheetRow
		err := tx.Where("group_code = ? AND month = ?", group, month).Take(&old).Error
		if err == nil {
			var d sheetDefinition
			if err := json.Unmarshal([]byte(old.Definition), &d); err != nil {
				return err
			}
			var n int64
			if err := tx.Model(&scoreEntryRow{}).Where("group_code = ? AND month = ?", group, month).Count(&n).Error; err != nil {
				return err
			}
			if n > 0 && !sameTasks(d.Tasks, tasks) {
				return &slip.Error{Kind: slip.KindConflict, Code: "sheet_has_scores", Field: "tasks", Message: "本月已有村（社区）得分，不能再修改任务"}
			}
		} else if !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		return tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "group_code"}, {Name: "month"}},
			DoUpdates: clause.AssignmentColumns([]string{"group_name", "definition", "updated_at"})}).
			Create(&scoreSheetRow{GroupCode: group, Month: month, GroupName: name, Definition: string(def), UpdatedAt: at.UTC()}).Error
	})
	if err != nil {
		if de := slip.AsError(err); de != nil {
			return de
		}
		return fmt.Errorf("put sheet %s %s: %w", group, month, err)
	}
	return nil
}

func sameTasks(a, b []scoring.Task) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// SetScores records a member's scores on a month's sheet (replacing any
// before), refusing a member not on the sheet and scores that do not fit
// its tasks.
func (s *Store) SetScores(ctx context.Context, group, month, member string, scores []scoring.Points, by string, at time.Time) error {
	body, err := json.Marshal(scores)
	if err != nil {
		return fmt.Errorf("encode scores: %w", err)
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var sh scoreSheetRow
		if err := tx.Where("group_code = ? AND month = ?", group, month).Take(&sh).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return slip.NotFound("评分表", group+" "+month)
			}
			return err
		}
		var d sheetDefinition
		if err := json.Unmarshal([]byte(sh.Definition), &d); err != nil {
			return err
		}
		known := false
		for _, m := range d.Members {
			known = known || m.Code == member
		}
		if !known {
			return slip.Unprocessable("unknown_member", "member_code", "%s 不在 %s 的评分表中", member, sh.GroupName)
		}
		if err := scoring.CheckScores(d.Tasks, scores); err != nil {
			return err
		}
		return tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "group_code"}, {Name: "month"}, {Name: "member_code"}},
			DoUpdates: clause.AssignmentColumns([]string{"scores", "entered_by", "entered_at"})}).
			Create(&scoreEntryRow{GroupCode: group, Month: month, MemberCode: member, Scores: string(body), EnteredBy: by, EnteredAt: at.UTC()}).Error
	})
	if err != nil {
		if de := slip.AsError(err); de != nil {
			return de
		}
		return fmt.Errorf("set scores of %s in %s %s: %w", member, group, month, err)
	}
	return nil
}

// Sheet returns a group's sheet for a month with every score entered, and
// the group's name.
func (s *Store) Sheet(ctx context.Context, group, month string) (scoring.Sheet, string, error) {
	var sh scoreSheetRow
	if err := s.db.WithContext(ctx).Where("group_code = ? AND month = ?", group, month).Take(&sh).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return scoring.Sheet{}, "", slip.NotFound("评分表", group+" "+month)
		}
		return scoring.Sheet{}, "", fmt.Errorf("sheet %s %s: %w", group, month, err)
	}
	var d sheetDefinition
	if err := json.Unmarshal([]byte(sh.Definition), &d); err != nil {
		return scoring.Sheet{}, "", fmt.Errorf("decode sheet %s %s: %w", group, month, err)
	}
	var rows []scoreEntryRow
	if err := s.db.WithContext(ctx).Where("group_code = ? AND month = ?", group, month).Find(&rows).Error; err != nil {
		return scoring.Sheet{}, "", fmt.Errorf("scores of %s %s: %w", group, month, err)
	}
	out := scoring.Sheet{Group: group, Month: month, Tasks: d.Tasks, Members: d.Members, Scores: map[string][]scoring.Points{}}
	for _, r := range rows {
		var sc []scoring.Points
		if err := json.Unmarshal([]byte(r.Scores), &sc); err != nil {
			return scoring.Sheet{}, "", fmt.Errorf("decode scores of %s: %w", r.MemberCode, err)
		}
		out.Scores[r.MemberCode] = sc
	}
	return out, sh.GroupName, nil
}

// SheetMonths lists the months a group has sheets for, newest first: its
// monthly history.
func (s *Store) SheetMonths(ctx context.Context, group string) ([]string, error) {
	var months []string
	if err := s.db.WithContext(ctx).Model(&scoreSheetRow{}).Where("group_code = ?", group).Order("month DESC").Pluck("month", &months).Error; err != nil {
		return nil, fmt.Errorf("sheet months of %s: %w", group, err)
	}
	return months, nil
}
