package store

import (
	"context"
	"fmt"

	"github.com/duban-gov/duban/slip"
)

// DigestItem is one open slip in a department's daily digest.
type DigestItem struct {
	Department string `gorm:"column:department_code"`
	Role       string `gorm:"column:role"` // lead or co
	SlipID     string `gorm:"column:id"`
	Number     string `gorm:"column:number"`
	Title      string `gorm:"column:title"`
	Deadline   string `gorm:"column:effective_deadline"`
	Status     string `gorm:"column:status"`
}

// DigestItems lists, for every department, its open slips that are overdue
// on today or due by weekEnd (both YYYY-MM-DD), by department, then deadline.
func (s *Store) DigestItems(ctx context.Context, weekEnd string) ([]DigestItem, error) {
	var out []DigestItem
	err := s.db.WithContext(ctx).Table("slips").
		Select("slip_departments.department_code, slip_departments.role, slips.id, slips.number, slips.title, slips.effective_deadline, slips.status").
		Joins("JOIN slip_departments ON slip_departments.slip_id = slips.id").
		Where("slips.status IN ? AND slips.effective_deadline <= ?", statusStrings(slip.OpenStatuses()), weekEnd).
		Order("slip_departments.department_code, slips.effective_deadline, slips.number").
		Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("digest items up to %s: %w", weekEnd, err)
	}
	return out, nil
}
