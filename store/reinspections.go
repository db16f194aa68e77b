package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/reinspection"
	"github.com/duban-gov/duban/slip"
)

// Draw is one act of scheduling 回头看: its scope, and for a sample the
// percentage and the seed it was drawn with, so anyone can draw it again.
type Draw struct {
	ID               string             `json:"id"`
	Scope            reinspection.Scope `json:"scope"`
	Batch            string             `json:"batch,omitempty"`
	Percent          int                `json:"percent"`
	Seed             uint64             `json:"seed"`
	Population       int                `json:"population"`
	Drawn            int                `json:"drawn"`
	AfterWorkingDays int                `json:"after_working_days"`
	InspectorID      int64              `json:"inspector_id"`
	CreatedBy        string             `json:"created_by"`
	CreatedAt        time.Time          `json:"created_at"`
}

type drawRow struct {
	ID               string `gorm:"primaryKey"`
	Scope            string
	Batch            string
	Percent          int
	Seed             int64
	Population       int
	Drawn            int
	AfterWorkingDays int
	InspectorID      int64
	CreatedBy        string
	CreatedAt        time.Time
}

func (drawRow) TableName() string { return "reinspection_draws" }

type reinspectionRow struct {
	ID              string `gorm:"primaryKey"`
	DrawID          string
	SlipID          string
	LeadDepartment  string
	InspectorID     int64
	InspectorName   string
	StartOn         string
	DueOn           string
	Status          string
	EscalationLevel int
	Notes           string
	ReworkSlipID    string
	RecordedAt      *time.Time
	Seq             int64
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

func (reinspectionRow) TableName() string { return "reinspections" }

func newReinspectionRow(r reinspection.Reinspection) reinspectionRow {
	return reinspectionRow{ID: r.ID, DrawID: r.DrawID, SlipID: r.SlipID, LeadDepartment: r.LeadDepartment,
		InspectorID: r.InspectorID, InspectorName: r.InspectorName, StartOn: r.StartOn.String(), DueOn: r.DueOn.String(),
		Status: string(r.Status), EscalationLevel: r.EscalationLevel, Notes: r.Notes, ReworkSlipID: r.ReworkSlipID,
		RecordedAt: utcPtr(r.RecordedAt), Seq: r.Seq, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

// Reinspection is a re-inspection as the ledger shows it, with the number
// and title of its slip.
type Reinspection struct {
	ID              string              `json:"id"`
	DrawID          string              `json:"draw_id"`
	SlipID          string              `json:"slip_id"`
	SlipNumber      string              `json:"slip_number"`
	SlipTitle       string              `json:"slip_title"`
	LeadDepartment  string              `json:"lead_department"`
	InspectorID     int64               `json:"inspector_id"`
	InspectorName   string              `json:"inspector_name"`
	StartOn         calendar.Date       `json:"start_on"`
	DueOn           calendar.Date       `json:"due_on"`
	Status          reinspection.Status `json:"status"`
	EscalationLevel int                 `json:"escalation_level"`
	Notes           string              `json:"notes"`
	ReworkSlipID    string              `json:"rework_slip_id"`
	RecordedAt      *time.Time          `json:"recorded_at"`
	UpdatedAt       time.Time           `json:"updated_at"`
}

// reinspectionView is a reinspections row with its slip's number and title.
type reinspectionView struct {
	ID              string
	DrawID          string
	SlipID          string
	LeadDepartment  string
	InspectorID     int64
	InspectorName   string
	StartOn         string
	DueOn           string
	Status          string
	EscalationLevel int
	Notes           string
	ReworkSlipID    string
	RecordedAt      *time.Time
	UpdatedAt       time.Time
	SlipNumber      string
	SlipTitle       string
}

const reinspectionColumns = "r.id, r.draw_id, r.slip_id, r.lead_department, r.inspector_id, r.inspector_name, r.start_on, r.due_on, " +
	"r.status, r.escalation_level, r.notes, r.rework_slip_id, r.recorded_at, r.updated_at, s.number AS slip_number, s.title AS slip_title"

func (v reinspectionView) out() Reinspection {
	return Reinspection{ID: v.ID, DrawID: v.DrawID, SlipID: v.SlipID, SlipNumber: v.SlipNumber, SlipTitle: v.SlipTitle,
		LeadDepartment: v.LeadDepartment, InspectorID: v.InspectorID, InspectorName: v.InspectorName,
		StartOn: columnDate(v.StartOn), DueOn: columnDate(v.DueOn), Status: reinspection.Status(v.Status),
		EscalationLevel: v.EscalationLevel, Notes: v.Notes, ReworkSlipID: v.ReworkSlipID, RecordedAt: v.RecordedAt, UpdatedAt: v.UpdatedAt}
}

// RecordDraw writes a draw and the first state of each of its
// re-inspections in one transaction. Writing the same draw again changes
// nothing.
func (s *Store) RecordDraw(ctx context.Context, d Draw, rs []reinspection.Reinspection) error {
	row := drawRow{ID: d.ID, Scope: string(d.Scope), Batch: d.Batch, Percent: d.Percent, Seed: int64(d.Seed),
		Population: d.Population, Drawn: d.Drawn, AfterWorkingDays: d.AfterWorkingDays, InspectorID: d.InspectorID,
		CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt.UTC()}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
			return err
		}
		for _, r := range rs {
			rr := newReinspectionRow(r)
			if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&rr).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record draw %s: %w", d.ID, err)
	}
	return nil
}

// ProjectReinspection writes a re-inspection's state unless the ledger
// already holds a later one (by Seq): a repeated or late projection never
// moves it backwards.
func (s *Store) ProjectReinspection(ctx context.Context, r reinspection.Reinspection) error {
	row := newReinspectionRow(r)
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "id"}},
		DoUpdates: clause.Assignments(map[string]any{
			"status": row.Status, "escalation_level": row.EscalationLevel, "notes": row.Notes,
			"rework_slip_id": row.ReworkSlipID, "recorded_at": row.RecordedAt, "seq": row.Seq, "updated_at": row.UpdatedAt,
		}),
		Where: clause.Where{Exprs: []clause.Expression{clause.Expr{SQL: "reinspections.seq < ?", Vars: []any{row.Seq}}}},
	}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("project reinspection %s: %w", r.ID, err)
	}
	return nil
}

// ReinspectionFilter selects re-inspections; zero fields select all.
type ReinspectionFilter struct {
	InspectorID int64
	SlipID      string
	DrawID      string
	// Units, when not nil, keeps the re-inspections of slips on one of
	// these departments (lead or co-unit): a scoped office's or leader's
	// subtree (identity.User.Visible). An empty list keeps none.
	Units []string
}

// ListReinspections returns the re-inspections f selects, due first.
func (s *Store) ListReinspections(ctx context.Context, f ReinspectionFilter) ([]Reinspection, error) {
	q := s.db.WithContext(ctx).Table("reinspections r").
		Select(reinspectionColumns).Joins("JOIN slips s ON s.id = r.slip_id")
	if f.InspectorID != 0 {
		q = q.Where("r.inspector_id = ?", f.InspectorID)
	}
	if f.SlipID != "" {
		q = q.Where("r.slip_id = ?", f.SlipID)
	}
	if f.DrawID != "" {
		q = q.Where("r.draw_id = ?", f.DrawID)
	}
	if f.Units != nil {
		if len(f.Units) == 0 {
			return []Reinspection{}, nil
		}
		q = q.Where("r."+aboutUnits, f.Units)
	}
	var rows []reinspectionView
	if err := q.Order("r.due_on, r.id").Limit(1000).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("list reinspections: %w", err)
	}
	out := make([]Reinspection, len(rows))
	for i, r := range rows {
		out[i] = r.out()
	}
	return out, nil
}

// GetReinspection returns one re-inspection.
func (s *Store) GetReinspection(ctx context.Context, id string) (Reinspection, error) {
	var rows []reinspectionView
	err := s.db.WithContext(ctx).Table("reinspections r").
		Select(reinspectionColumns).Joins("JOIN slips s ON s.id = r.slip_id").
		Where("r.id = ?", id).Limit(1).Scan(&rows).Error
	if err != nil {
		return Reinspection{}, fmt.Errorf("get reinspection %s: %w", id, err)
	}
	if len(rows) == 0 {
		return Reinspection{}, slip.NotFound("回头看", id)
	}
	return rows[0].out(), nil
}

// ClosedSlipIDs returns the ids of the signed-off slips of a batch, in id
// order: the population of a batch's 回头看.
func (s *Store) ClosedSlipIDs(ctx context.Context, batch string) ([]string, error) {
	var ids []string
	err := s.db.WithContext(ctx).Model(&slipRow{}).Where("batch = ? AND status = ?", batch, string(slip.StatusClosed)).
		Order("id").Pluck("id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("closed slips of batch %s: %w", batch, err)
	}
	return ids, nil
}
