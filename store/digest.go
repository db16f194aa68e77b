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

// DigestItems lists, for every department, its open work that is overdue
// on today or due by weekEnd (both YYYY-MM-DD), by department, then
// deadline: each open part (track) of an open slip, by that part's own
// deadline, so a co-unit hears of its part when its part falls due, not
// the slip; a part completed, waived or replaced is not listed. A slip
// issued before parts existed (no slip_tracks rows) is listed for each of
// its departments by its own deadline, as before.
//
// The slips are found through slips_open_worst_idx: a slip's worst
// deadline is the earliest of its open parts', so no part due by weekEnd
// is on a slip whose worst deadline is later.
func (s *Store) DigestItems(ctx context.Context, weekEnd string) ([]DigestItem, error) {
	open := statusStrings(slip.OpenStatuses())
	var out []DigestItem
	err := s.db.WithContext(ctx).Raw(`
		SELECT t.department_code, t.role, s.id, s.number, s.title, t.deadline AS effective_deadline, s.status
		FROM slips s JOIN slip_tracks t ON t.slip_id = s.id
		WHERE s.status IN ? AND s.worst_deadline <= ?
			AND t.status IN ? AND t.deadline <= ?
		UNION ALL
		SELECT d.department_code, d.role, s.id, s.number, s.title, s.effective_deadline, s.status
		FROM slips s JOIN slip_departments d ON d.slip_id = s.id
		WHERE s.status IN ? AND s.effective_deadline <= ?
			AND NOT EXISTS (SELECT 1 FROM slip_tracks x WHERE x.slip_id = s.id)
		ORDER BY 1, 6, 4`,
		open, weekEnd, openTrackStatuses(), weekEnd, open, weekEnd).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("digest items up to %s: %w", weekEnd, err)
	}
	return out, nil
}

// openTrackStatuses are the statuses of a part its unit still owes work on
// (slip.TrackStatus.Open).
func openTrackStatuses() []string {
	return []string{string(slip.TrackIssued), string(slip.TrackInProgress), string(slip.TrackRefused)}
}
