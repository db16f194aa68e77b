package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/duban-gov/duban/indicator"
	"github.com/duban-gov/duban/slip"
)

type indicatorRow struct {
	Code       string `gorm:"primaryKey"`
	Name       string
	Definition string
	CreatedAt  time.Time `gorm:"autoCreateTime:false"`
}

func (indicatorRow) TableName() string { return "indicators" }

type indicatorTargetRow struct {
	IndicatorCode string `gorm:"primaryKey"`
	Period        string `gorm:"primaryKey"`
	Value         float64
}

func (indicatorTargetRow) TableName() string { return "indicator_targets" }

type indicatorValueRow struct {
	ID            int64 `gorm:"primaryKey;autoIncrement"`
	IndicatorCode string
	UnitCode      string
	Month         string
	Value         float64
	Note          string
	Late          bool
	ReportedBy    string
	ReportedAt    time.Time
}

func (indicatorValueRow) TableName() string { return "indicator_values" }

type reportingWindowRow struct {
	Month        string `gorm:"primaryKey"`
	Status       string
	OpenedAt     time.Time
	ClosesOn     string
	ClosedAt     *time.Time
	ReopenedBy   string
	ReopenedAt   *time.Time
	ReopenReason string
}

func (reportingWindowRow) TableName() string { return "reporting_windows" }

// PutIndicator creates an indicator or replaces its definition.
func (s *Store) PutIndicator(ctx context.Context, ind indicator.Indicator, at time.Time) error {
	def, err := json.Marshal(ind)
	if err != nil {
		return fmt.Errorf("encode indicator %s: %w", ind.Code, err)
	}
	row := indicatorRow{Code: ind.Code, Name: ind.Name, Definition: string(def), CreatedAt: at.UTC()}
	err = s.db.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "code"}},
		DoUpdates: clause.AssignmentColumns([]string{"name", "definition"})}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("put indicator %s: %w", ind.Code, err)
	}
	return nil
}

// Indicators lists every indicator by code.
func (s *Store) Indicators(ctx context.Context) ([]indicator.Indicator, error) {
	var rows []indicatorRow
	if err := s.db.WithContext(ctx).Order("code").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list indicators: %w", err)
	}
	out := make([]indicator.Indicator, 0, len(rows))
	for _, r := range rows {
		var ind indicator.Indicator
		if err := json.Unmarshal([]byte(r.Definition), &ind); err != nil {
			return nil, fmt.Errorf("decode indicator %s: %w", r.Code, err)
		}
		out = append(out, ind)
	}
	return out, nil
}

// Indicator returns one indicator, or a not-found error.
func (s *Store) Indicator(ctx context.Context, code string) (indicator.Indicator, error) {
	var r indicatorRow
	err := s.db.WithContext(ctx).Where("code = ?", code).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return indicator.Indicator{}, slip.NotFound("指标", code)
	}
	if err != nil {
		return indicator.Indicator{}, fmt.Errorf("indicator %s: %w", code, err)
	}
	var ind indicator.Indicator
	if err := json.Unmarshal([]byte(r.Definition), &ind); err != nil {
		return indicator.Indicator{}, fmt.Errorf("decode indicator %s: %w", code, err)
	}
	return ind, nil
}

// SetTarget sets an indicator's target for a period, replacing any before.
func (s *Store) SetTarget(ctx context.Context, t indicator.Target) error {
	row := indicatorTargetRow{IndicatorCode: t.Indicator, Period: t.Period, Value: t.Value}
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "indicator_code"}, {Name: "period"}},
		DoUpdates: clause.AssignmentColumns([]string{"value"})}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("set target of %s for %s: %w", t.Indicator, t.Period, err)
	}
	return nil
}

// Targets returns every indicator's targets: indicator code → period → value.
func (s *Store) Targets(ctx context.Context) (map[string]map[string]float64, error) {
	var rows []indicatorTargetRow
	if err := s.db.WithContext(ctx).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list targets: %w", err)
	}
	out := map[string]map[string]float64{}
	for _, r := range rows {
		if out[r.IndicatorCode] == nil {
			out[r.IndicatorCode] = map[string]float64{}
		}
		out[r.IndicatorCode][r.Period] = r.Value
	}
	return out, nil
}

// errMonthClosed refuses a value for a month whose window is closed.
func errMonthClosed(month string) error {
	return &slip.Error{Kind: slip.KindConflict, Code: indicator.CodePeriodClosed, Field: "month",
		Message: fmt.Sprintf("%s 的填报期已关闭，如需补报或更正请督查室重新开放", month)}
}

// ReportValue records a unit's value for an indicator and a month, refusing
// (409) a month whose window is closed and not reopened, or whose lists are
// published (frozen). A value while the window is reopened is marked late.
func (s *Store) ReportValue(ctx context.Context, v indicator.Value) (indicator.Value, error) {
	out, err := s.ReportValues(ctx, v.Month, []indicator.Value{v})
	if err != nil {
		return indicator.Value{}, err
	}
	return out[0], nil
}

// ReportValues records values for one month all at once or not at all (an
// import), under the same rules as ReportValue.
func (s *Store) ReportValues(ctx context.Context, month string, vs []indicator.Value) ([]indicator.Value, error) {
	rows := make([]indicatorValueRow, len(vs))
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		published, err := s.lockListMonth(tx, month)
		if err != nil {
			return err
		}
		if published {
			return errListPublished(month)
		}
		late := false
		var w reportingWindowRow
		err = tx.Where("month = ?", month).Take(&w).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
		case err != nil:
			return err
		case w.Status == indicator.WindowClosed:
			return errMonthClosed(month)
		case w.ReopenedAt != nil:
			late = true
		}
		for i, v := range vs {
			rows[i] = indicatorValueRow{IndicatorCode: v.Indicator, UnitCode: v.Unit, Month: month, Value: v.Value,
				Note: v.Note, Late: late, ReportedBy: v.ReportedBy, ReportedAt: v.ReportedAt.UTC()}
			if err := tx.Create(&rows[i]).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		if de := slip.AsError(err); de != nil {
			return nil, de
		}
		return nil, fmt.Errorf("report %d values for %s: %w", len(vs), month, err)
	}
	out := make([]indicator.Value, len(rows))
	for i, r := range rows {
		out[i] = r.toValue()
	}
	return out, nil
}

func (r indicatorValueRow) toValue() indicator.Value {
	return indicator.Value{ID: r.ID, Indicator: r.IndicatorCode, Unit: r.UnitCode, Month: r.Month, Value: r.Value,
		Note: r.Note, Late: r.Late, ReportedBy: r.ReportedBy, ReportedAt: r.ReportedAt}
}

// Values returns the values in force for a month (the newest report of
// each indicator and unit), unit restricting them to one unit when not
// empty.
func (s *Store) Values(ctx context.Context, month, unit string) ([]indicator.Value, error) {
	q := s.db.WithContext(ctx).Where("month = ?", month)
	if unit != "" {
		q = q.Where("unit_code = ?", unit)
	}
	return s.values(q, month)
}

// ValuesOf returns the values in force for a month of the given indicators
// only: what a list with a few of many indicators reads.
func (s *Store) ValuesOf(ctx context.Context, month string, codes []string) ([]indicator.Value, error) {
	if len(codes) == 0 {
		return []indicator.Value{}, nil
	}
	return s.values(s.db.WithContext(ctx).Where("month = ? AND indicator_code IN ?", month, codes), month)
}

// IndicatorsOf returns the indicators with the given codes, by code (an
// unknown code is left out).
func (s *Store) IndicatorsOf(ctx context.Context, codes []string) ([]indicator.Indicator, error) {
	var rows []indicatorRow
	if err := s.db.WithContext(ctx).Where("code IN ?", codes).Order("code").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("indicators %v: %w", codes, err)
	}
	out := make([]indicator.Indicator, 0, len(rows))
	for _, r := range rows {
		var ind indicator.Indicator
		if err := json.Unmarshal([]byte(r.Definition), &ind); err != nil {
			return nil, fmt.Errorf("decode indicator %s: %w", r.Code, err)
		}
		out = append(out, ind)
	}
	return out, nil
}

func (s *Store) values(q *gorm.DB, month string) ([]indicator.Value, error) {
	var rows []indicatorValueRow
	if err := q.Order("indicator_code, unit_code, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("values of %s: %w", month, err)
	}
	out := []indicator.Value{}
	for i, r := range rows {
		if i+1 < len(rows) && rows[i+1].IndicatorCode == r.IndicatorCode && rows[i+1].UnitCode == r.UnitCode {
			continue // superseded by a later report
		}
		out = append(out, r.toValue())
	}
	return out, nil
}

// ValueHistory lists every report of one indicator by one unit, oldest
// first: what was reported, corrected, by whom and when.
func (s *Store) ValueHistory(ctx context.Context, ind, unit string) ([]indicator.Value, error) {
	var rows []indicatorValueRow
	if err := s.db.WithContext(ctx).Where("indicator_code = ? AND unit_code = ?", ind, unit).Order("month, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("history of %s for %s: %w", ind, unit, err)
	}
	out := make([]indicator.Value, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.toValue())
	}
	return out, nil
}

// OpenWindow opens a month's reporting window until closesOn, unless it is
// already open or was opened and closed before (then it changes nothing:
// the schedule may run twice). It returns the window as it stands.
func (s *Store) OpenWindow(ctx context.Context, month, closesOn string, at time.Time) (indicator.Window, error) {
	row := reportingWindowRow{Month: month, Status: indicator.WindowOpen, OpenedAt: at.UTC(), ClosesOn: closesOn}
	if err := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
		return indicator.Window{}, fmt.Errorf("open reporting window %s: %w", month, err)
	}
	return s.Window(ctx, month)
}

// CloseWindow closes a month's window (idempotent).
func (s *Store) CloseWindow(ctx context.Context, month string, at time.Time) (indicator.Window, error) {
	t := at.UTC()
	res := s.db.WithContext(ctx).Model(&reportingWindowRow{}).Where("month = ? AND status = ?", month, indicator.WindowOpen).
		Updates(map[string]any{"status": indicator.WindowClosed, "closed_at": t})
	if res.Error != nil {
		return indicator.Window{}, fmt.Errorf("close reporting window %s: %w", month, res.Error)
	}
	return s.Window(ctx, month)
}

// ReopenWindow lets units report a closed month again, recording who
// reopened it, when and why; values reported then are marked late. A
// published month stays frozen (409).
func (s *Store) ReopenWindow(ctx context.Context, month, by, reason string, at time.Time) (indicator.Window, error) {
	t := at.UTC()
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		published, err := s.lockListMonth(tx, month)
		if err != nil {
			return err
		}
		if published {
			return errListPublished(month)
		}
		var w reportingWindowRow
		err = tx.Where("month = ?", month).Take(&w).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return slip.NotFound("填报期", month)
		}
		if err != nil {
			return err
		}
		if w.Status != indicator.WindowClosed {
			return &slip.Error{Kind: slip.KindConflict, Code: "window_open", Field: "month", Message: month + " 的填报期尚未关闭"}
		}
		return tx.Model(&reportingWindowRow{}).Where("month = ?", month).Updates(map[string]any{
			"status": indicator.WindowOpen, "reopened_by": by, "reopened_at": t, "reopen_reason": reason}).Error
	})
	if err != nil {
		if de := slip.AsError(err); de != nil {
			return indicator.Window{}, de
		}
		return indicator.Window{}, fmt.Errorf("reopen reporting window %s: %w", month, err)
	}
	return s.Window(ctx, month)
}

// Window returns a month's reporting window, or a not-found error.
func (s *Store) Window(ctx context.Context, month string) (indicator.Window, error) {
	var r reportingWindowRow
	err := s.db.WithContext(ctx).Where("month = ?", month).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return indicator.Window{}, slip.NotFound("填报期", month)
	}
	if err != nil {
		return indicator.Window{}, fmt.Errorf("reporting window %s: %w", month, err)
	}
	return indicator.Window{Month: r.Month, Status: r.Status, OpenedAt: r.OpenedAt, ClosesOn: r.ClosesOn, ClosedAt: r.ClosedAt,
		ReopenedBy: r.ReopenedBy, ReopenedAt: r.ReopenedAt, ReopenReason: r.ReopenReason}, nil
}
