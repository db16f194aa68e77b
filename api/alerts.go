package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/duban-gov/duban/service"
	"github.com/duban-gov/duban/slip"
)

// listFailedWorkflows: GET /api/v1/alerts/workflows (office, admin) — the
// slips whose workflows stopped without finishing them, from Temporal's
// visibility, each with its ledger status and whether the ledger still
// counts it open (counted_open); a scoped office gets its subtree's slips
// only. It answers 503 when Temporal does not, independently of /readyz.
func (s *Server) listFailedWorkflows(c *gin.Context) {
	if err := allowQuery(c); err != nil {
		s.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	failed, err := s.slips.FailedWorkflows(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	if u := principal(c); u.Role == slip.RoleOffice {
		// A scoped office answers for its subtree's slips: the others'
		// numbers are not its to see (nor a slip the ledger never had).
		mine := failed[:0]
		for _, f := range failed {
			sees, err := s.seesSlip(ctx, u, f.SlipID)
			if err != nil {
				s.fail(c, err)
				return
			}
			if sees {
				mine = append(mine, f)
			}
		}
		failed = mine
	}
	c.JSON(http.StatusOK, gin.H{"items": failed, "counted_open": service.CountedOpen(failed)})
}
