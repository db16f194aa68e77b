package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/duban-gov/duban/slip"
)

// listDepartments: GET /api/v1/departments.
func (s *Server) listDepartments(c *gin.Context) {
	depts, err := s.store.ListDepartments(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": depts})
}

// createDepartment: POST /api/v1/departments.
func (s *Server) createDepartment(c *gin.Context) {
	var d slip.Department
	if err := decodeJSON(c, &d, false); err != nil {
		s.fail(c, err)
		return
	}
	d.Normalize()
	if err := d.Validate(); err != nil {
		s.fail(c, err)
		return
	}
	created, err := s.store.CreateDepartment(c.Request.Context(), d)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, created)
}
