package store

import (
	"context"
	"fmt"

	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/stats"
)

// Quality is one lead department's quality of closure: the grades of its
// signed-off slips, its 回头看 results and the rework slips (重办) failed
// 回头看 opened against it.
type Quality struct {
	Department      string `json:"department"`
	Closed          int64  `json:"closed"`
	Satisfied       int64  `json:"satisfied"`
	Basic           int64  `json:"basic"`
	Unsatisfied     int64  `json:"unsatisfied"`
	Ungraded        int64  `json:"ungraded"`
	Reinspections   int64  `json:"reinspections"`
	ReinspectPassed int64  `json:"reinspect_passed"`
	ReinspectFailed int64  `json:"reinspect_failed"`
	Reworks         int64  `json:"reworks"`
}

// QualityByDepartment counts Quality per lead department (only dept when
// it is not empty), in department code order. Rework slips count as slips
// of their own (they are closed and graded like any other) and, through
// Reworks, against the department of the slip they re-open.
func (s *Store) QualityByDepartment(ctx context.Context, dept string) ([]Quality, error) {
	var rows []Quality
	where, args := "", []any{}
	if dept != "" {
		where, args = "WHERE d.code = ?", append(args, dept)
	}
	err := s.db.WithContext(ctx).Raw(`
		SELECT d.code AS department,
			COALESCE(g.closed, 0) AS closed, COALESCE(g.satisfied, 0) AS satisfied, COALESCE(g.basic, 0) AS basic,
			COALESCE(g.unsatisfied, 0) AS unsatisfied, COALESCE(g.ungraded, 0) AS ungraded,
			COALESCE(r.total, 0) AS reinspections, COALESCE(r.passed, 0) AS reinspect_passed, COALESCE(r.failed, 0) AS reinspect_failed,
			COALESCE(w.reworks, 0) AS reworks
		FROM departments d
		LEFT JOIN (SELECT lead_department,
				SUM(CASE WHEN status = 'closed' THEN 1 ELSE 0 END) AS closed,
				SUM(CASE WHEN status = 'closed' AND grade = 'satisfied' THEN 1 ELSE 0 END) AS satisfied,
				SUM(CASE WHEN status = 'closed' AND grade = 'basic' THEN 1 ELSE 0 END) AS basic,
				SUM(CASE WHEN status = 'closed' AND grade = 'unsatisfied' THEN 1 ELSE 0 END) AS unsatisfied,
				SUM(CASE WHEN status = 'closed' AND grade = '' THEN 1 ELSE 0 END) AS ungraded
			FROM slips GROUP BY lead_department) g ON g.lead_department = d.code
		LEFT JOIN (SELECT lead_department, COUNT(*) AS total,
				SUM(CASE WHEN status = 'passed' THEN 1 ELSE 0 END) AS passed,
				SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed
			FROM reinspections GROUP BY lead_department) r ON r.lead_department = d.code
		LEFT JOIN (SELECT o.lead_department, COUNT(*) AS reworks
			FROM slips w JOIN slips o ON o.id = w.rework_of GROUP BY o.lead_department) w ON w.lead_department = d.code
		`+where+`
		ORDER BY d.code`, args...).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("quality by department: %w", err)
	}
	return rows, nil
}

// DepartmentNames maps department codes to names.
func (s *Store) DepartmentNames(ctx context.Context) (map[string]string, error) {
	depts, err := s.ListDepartments(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(depts))
	for _, d := range depts {
		out[d.Code] = d.Name
	}
	return out, nil
}

// RankingQuality counts stats.Quality per lead department over the slips
// issued from..to (YYYY-MM-DD, inclusive), the ranking's period: grades of
// those signed off and results of their 回头看 recorded so far.
func (s *Store) RankingQuality(ctx context.Context, from, to string) (out map[string]stats.Quality, err error) {
	err = s.planned(ctx, func(s *Store) error {
		out, err = s.rankingQuality(ctx, from, to)
		return err
	})
	return out, err
}

// rankingQuality is RankingQuality on s as given (planned).
func (s *Store) rankingQuality(ctx context.Context, from, to string) (map[string]stats.Quality, error) {
	// Two reads, each from an index (migration 0110): the grades of the
	// period's signed-off slips, and the 回头看 results of its slips, found
	// from the few reinspections rather than the many slips.
	var grades []struct {
		Department string
		Grade      string
		N          int64
	}
	err := s.db.WithContext(ctx).Raw(`
		SELECT lead_department AS department, grade, COUNT(*) AS n FROM slips
		WHERE status = 'closed' AND issued_on >= ? AND issued_on <= ?
			AND grade IN ('satisfied', 'basic', 'unsatisfied')
		GROUP BY lead_department, grade`, from, to).Scan(&grades).Error
	if err != nil {
		return nil, fmt.Errorf("ranking quality %s..%s: %w", from, to, err)
	}
	var reinspected []struct {
		Department string
		Passed     int64
		Failed     int64
	}
	err = s.db.WithContext(ctx).Raw(`
		SELECT s.lead_department AS department,
			SUM(CASE WHEN r.status = 'passed' THEN 1 ELSE 0 END) AS passed,
			SUM(CASE WHEN r.status = 'failed' THEN 1 ELSE 0 END) AS failed
		FROM reinspections r JOIN slips s ON s.id = r.slip_id
		WHERE s.issued_on >= ? AND s.issued_on <= ?
		GROUP BY s.lead_department`, from, to).Scan(&reinspected).Error
	if err != nil {
		return nil, fmt.Errorf("ranking reinspections %s..%s: %w", from, to, err)
	}
	out := map[string]stats.Quality{}
	for _, g := range grades {
		q := out[g.Department]
		switch slip.Grade(g.Grade) {
		case slip.GradeSatisfied:
			q.Satisfied += g.N
		case slip.GradeBasic:
			q.Basic += g.N
		case slip.GradeUnsatisfied:
			q.Unsatisfied += g.N
		}
		out[g.Department] = q
	}
	for _, r := range reinspected {
		q := out[r.Department]
		q.ReinspectPassed, q.ReinspectFailed = r.Passed, r.Failed
		out[r.Department] = q
	}
	return out, nil
}
