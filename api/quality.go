package api

import (
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
)

// signoffRequest is the body of POST /slips/{id}/signoff: the comment and
// the office's grade of the result (满意 / 基本满意 / 不满意, which needs
// the comment as its reason).
type signoffRequest struct {
	Comment string     `json:"comment"`
	Grade   slip.Grade `json:"grade"`
}

// qualityJSON is one department's quality of closure: how its signed-off
// slips were graded, and how they fared at 回头看.
type qualityJSON struct {
	store.Quality
	Label string `json:"label"`
	// UnsatisfiedRate is 不满意 / graded; ReinspectPassRate (回头看合格率) is
	// 合格 / recorded 回头看; RedoRate (重办率 of 回头看) is rework slips /
	// closed slips.
	UnsatisfiedRate   *float64 `json:"unsatisfied_rate"`
	ReinspectPassRate *float64 `json:"reinspect_pass_rate"`
	RedoRate          *float64 `json:"redo_rate"`
}

func percentOf(n, d int64) *float64 {
	if d == 0 {
		return nil
	}
	v := float64(n) * 100 / float64(d)
	return &v
}

// qualityStats: GET /api/v1/stats/quality — per lead department, the
// grades of its signed-off slips and its 回头看 results. A department sees
// its own row only.
func (s *Server) qualityStats(c *gin.Context) {
	dept, _ := visibility(c)
	rows, err := s.store.QualityByDepartment(c.Request.Context(), dept)
	if err != nil {
		s.fail(c, err)
		return
	}
	// A department with its 专班, a scoped office: the rows it sees.
	rows = slices.DeleteFunc(rows, func(r store.Quality) bool { return !principal(c).SeesUnit(r.Department) })
	names, err := s.store.DepartmentNames(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	items := make([]qualityJSON, len(rows))
	for i, r := range rows {
		items[i] = qualityJSON{Quality: r, Label: names[r.Department],
			UnsatisfiedRate:   percentOf(r.Unsatisfied, r.Satisfied+r.Basic+r.Unsatisfied),
			ReinspectPassRate: percentOf(r.ReinspectPassed, r.ReinspectPassed+r.ReinspectFailed),
			RedoRate:          percentOf(r.Reworks, r.Closed)}
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}
