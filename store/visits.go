package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/meeting"
	"github.com/duban-gov/duban/slip"
)

// visitRow is a row of visits.
type visitRow struct {
	ID             string `gorm:"primaryKey"`
	DepartmentCode string
	VisitOn        string
	Team           string
	Matters        string // JSON array
	Status         string
	Findings       string
	MergedInto     string
	CreatedBy      string
	CreatedAt      time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt      time.Time `gorm:"autoUpdateTime:false"`
}

func (visitRow) TableName() string { return "visits" }

func (r visitRow) toVisit() meeting.Visit {
	var m []string
	_ = json.Unmarshal([]byte(r.Matters), &m)
	if m == nil {
		m = []string{}
	}
	return meeting.Visit{ID: r.ID, Department: r.DepartmentCode, Date: columnDate(r.VisitOn), Team: r.Team, Matters: m,
		Status: meeting.VisitStatus(r.Status), Findings: r.Findings, MergedInto: r.MergedInto, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.In(calendar.Zone)}
}

func newVisitRow(v meeting.Visit) visitRow {
	return visitRow{ID: v.ID, DepartmentCode: v.Department, VisitOn: v.Date.String(), Team: v.Team, Matters: jsonText(v.Matters),
		Status: string(v.Status), Findings: v.Findings, MergedInto: v.MergedInto, CreatedBy: v.CreatedBy, CreatedAt: v.CreatedAt.UTC(), UpdatedAt: time.Now().UTC()}
}

// CreateVisit records a planned visit. An unknown unit is unprocessable.
func (s *Store) CreateVisit(ctx context.Context, v meeting.Visit) error {
	missing, err := s.MissingDepartments(ctx, []string{v.Department})
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return slip.Unprocessable(slip.CodeUnknownDepartment, "department", "单位不存在：%s", v.Department)
	}
	row := newVisitRow(v)
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return fmt.Errorf("create visit: %w", err)
	}
	return nil
}

// GetVisit returns one visit, or a not-found error.
func (s *Store) GetVisit(ctx context.Context, id string) (meeting.Visit, error) {
	var row visitRow
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return meeting.Visit{}, slip.NotFound("督查", id)
	}
	if err != nil {
		return meeting.Visit{}, fmt.Errorf("get visit %s: %w", id, err)
	}
	return row.toVisit(), nil
}

// ListVisits returns the visits from..to (inclusive), of one unit when
// department is set, by date.
func (s *Store) ListVisits(ctx context.Context, from, to calendar.Date, department string) ([]meeting.Visit, error) {
	q := s.db.WithContext(ctx).Where("visit_on BETWEEN ? AND ?", from.String(), to.String())
	if department != "" {
		q = q.Where("department_code = ?", department)
	}
	var rows []visitRow
	if err := q.Order("visit_on, department_code, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list visits: %w", err)
	}
	out := make([]meeting.Visit, len(rows))
	for i, r := range rows {
		out[i] = r.toVisit()
	}
	return out, nil
}

// SaveVisits writes changed visits (a merge changes two) in one transaction.
func (s *Store) SaveVisits(ctx context.Context, vs ...meeting.Visit) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, v := range vs {
			row := newVisitRow(v)
			if err := tx.Model(&visitRow{}).Where("id = ?", v.ID).Updates(map[string]any{
				"visit_on": row.VisitOn, "team": row.Team, "matters": row.Matters, "status": row.Status,
				"findings": row.Findings, "merged_into": row.MergedInto, "updated_at": row.UpdatedAt}).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save visits: %w", err)
	}
	return nil
}
