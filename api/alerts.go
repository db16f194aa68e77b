package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/duban-gov/duban/service"
)

// listFailedWorkflows: GET /api/v1/alerts/workflows (office, admin) — the
// slips whose workflows stopped without finishing them, from Temporal's
// visibility, each with its ledger status and whether the ledger still
// counts it open (counted_open). It answers 503 when Temporal does not,
// independently of /readyz.
func (s *Server) listFailedWorkflows(c *gin.Context) {
	if err := allowQuery(c); err != nil {
		s.fail(c, err)
		return
	}
	failed, err := s.slips.FailedWorkflows(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": failed, "counted_open": service.CountedOpen(failed)})
}
