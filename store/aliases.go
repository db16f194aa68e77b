package store

import (
	"context"
	"fmt"
	"time"

	"github.com/duban-gov/duban/slip"
)

// departmentAliasRow is another name a department is written with in the
// office's tables (住建委 for zjj).
type departmentAliasRow struct {
	Alias          string `gorm:"primaryKey"`
	DepartmentCode string
	CreatedAt      time.Time `gorm:"autoCreateTime:false"`
}

func (departmentAliasRow) TableName() string { return "department_aliases" }

// DepartmentAlias is one alias and the department it names.
type DepartmentAlias struct {
	Alias          string `json:"alias"`
	DepartmentCode string `json:"department_code"`
}

// SetDepartmentAlias makes alias name the department code (replacing what
// it named before). An unknown department is unprocessable.
func (s *Store) SetDepartmentAlias(ctx context.Context, alias, code string) error {
	missing, err := s.MissingDepartments(ctx, []string{code})
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return slip.Unprocessable(slip.CodeUnknownDepartment, "code", "单位不存在：%s", code)
	}
	err = s.db.WithContext(ctx).Exec(`INSERT INTO department_aliases (alias, department_code, created_at) VALUES (?, ?, ?)
		ON CONFLICT (alias) DO UPDATE SET department_code = excluded.department_code`, alias, code, time.Now().UTC()).Error
	if err != nil {
		return fmt.Errorf("set alias %s: %w", alias, err)
	}
	return nil
}

// ListDepartmentAliases returns every alias, by alias.
func (s *Store) ListDepartmentAliases(ctx context.Context) ([]DepartmentAlias, error) {
	var rows []departmentAliasRow
	if err := s.db.WithContext(ctx).Order("alias").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list aliases: %w", err)
	}
	out := make([]DepartmentAlias, len(rows))
	for i, r := range rows {
		out[i] = DepartmentAlias{Alias: r.Alias, DepartmentCode: r.DepartmentCode}
	}
	return out, nil
}
