package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/duban-gov/duban/slip"
)

// CreateDepartment adds a department. A taken code is a conflict and an
// unknown parent is unprocessable; neither changes anything.
func (s *Store) CreateDepartment(ctx context.Context, d slip.Department) (slip.Department, error) {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&departmentRow{}).Where("code = ?", d.Code).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return &slip.Error{Kind: slip.KindConflict, Code: slip.CodeDuplicate, Field: "code", Message: fmt.Sprintf("单位编码 %s 已存在", d.Code)}
		}
		row := departmentRow{Code: d.Code, Name: d.Name, CreatedAt: time.Now().UTC()}
		if d.ParentCode != "" {
			if err := tx.Model(&departmentRow{}).Where("code = ?", d.ParentCode).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return slip.Unprocessable(slip.CodeUnknownDepartment, "parent_code", "上级单位 %s 不存在", d.ParentCode)
			}
			row.ParentCode = &d.ParentCode
		}
		return tx.Create(&row).Error
	})
	if duplicateKey(err) { // made between the check and the insert
		err = &slip.Error{Kind: slip.KindConflict, Code: slip.CodeDuplicate, Field: "code", Message: fmt.Sprintf("单位编码 %s 已存在", d.Code)}
	}
	if err != nil {
		if de := slip.AsError(err); de != nil {
			return slip.Department{}, de
		}
		return slip.Department{}, fmt.Errorf("create department %s: %w", d.Code, err)
	}
	return d, nil
}

// ListDepartments returns every department ordered by code.
func (s *Store) ListDepartments(ctx context.Context) ([]slip.Department, error) {
	var rows []departmentRow
	if err := s.db.WithContext(ctx).Order("code").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list departments: %w", err)
	}
	out := make([]slip.Department, 0, len(rows))
	for _, r := range rows {
		d := slip.Department{Code: r.Code, Name: r.Name}
		if r.ParentCode != nil {
			d.ParentCode = *r.ParentCode
		}
		out = append(out, d)
	}
	return out, nil
}

// MissingDepartments returns those of codes that are not departments.
func (s *Store) MissingDepartments(ctx context.Context, codes []string) ([]string, error) {
	var found []string
	if err := s.db.WithContext(ctx).Model(&departmentRow{}).Where("code IN ?", codes).Pluck("code", &found).Error; err != nil {
		return nil, fmt.Errorf("look up departments: %w", err)
	}
	have := map[string]bool{}
	for _, c := range found {
		have[c] = true
	}
	var missing []string
	for _, c := range codes {
		if !have[c] {
			missing = append(missing, c)
		}
	}
	return missing, nil
}
