package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/duban-gov/duban/org"
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

// taskforceRequest is the body of POST /taskforces and PUT /taskforces/{code}.
type taskforceRequest struct {
	Code       string   `json:"code"`
	Name       string   `json:"name"`
	ParentCode string   `json:"parent_code"`
	LeadUnit   string   `json:"lead_unit"`
	LeaderID   int64    `json:"leader_id"`
	Members    []string `json:"members"`
}

func (r taskforceRequest) taskforce() (org.Taskforce, error) {
	t := org.Taskforce{Code: r.Code, Name: r.Name, ParentCode: r.ParentCode, LeadUnit: strings.TrimSpace(r.LeadUnit),
		LeaderID: r.LeaderID, Members: r.Members}
	for i := range t.Members {
		t.Members[i] = strings.TrimSpace(t.Members[i])
	}
	t.Normalize()
	if r.LeaderID < 0 {
		return t, slip.Invalid("leader_id", "分管领导编号无效")
	}
	return t, t.Validate()
}

// mayRunTaskforces: an admin, or an office for the whole government; a
// scoped (town) office cannot set up 专班 across units it does not see.
func mayRunTaskforces(c *gin.Context) error {
	if u := principal(c); u.Role == slip.RoleOffice && u.Scope != "" {
		return slip.Forbidden("本级督查室不能设立或调整专班，请由市级督查室或管理员办理")
	}
	return nil
}

// createTaskforce: POST /api/v1/taskforces (admin, office) — a 专班 with its
// lead unit, 分管领导 and members → 201.
func (s *Server) createTaskforce(c *gin.Context) {
	var req taskforceRequest
	if err := decodeJSON(c, &req, false); err != nil {
		s.fail(c, err)
		return
	}
	t, err := req.taskforce()
	if err == nil {
		err = mayRunTaskforces(c)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	created, err := s.store.CreateTaskforce(c.Request.Context(), t)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, created)
}

// updateTaskforce: PUT /api/v1/taskforces/{code} (admin, office) — sets the
// name, lead unit, 分管领导 and members (the whole list).
func (s *Server) updateTaskforce(c *gin.Context) {
	var req taskforceRequest
	if err := decodeJSON(c, &req, false); err != nil {
		s.fail(c, err)
		return
	}
	if req.Code != "" && req.Code != c.Param("code") {
		s.fail(c, slip.Invalid("code", "专班编码不能修改"))
		return
	}
	req.Code = c.Param("code")
	t, err := req.taskforce()
	if err == nil {
		err = mayRunTaskforces(c)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	updated, err := s.store.UpdateTaskforce(c.Request.Context(), t)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, updated)
}

// listTaskforces: GET /api/v1/taskforces — every 专班 with its lead unit,
// 分管领导 and members (a department's own 专班 among them).
func (s *Server) listTaskforces(c *gin.Context) {
	teams, err := s.store.ListTaskforces(c.Request.Context(), 0)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": teams})
}

// getTaskforce: GET /api/v1/taskforces/{code}.
func (s *Server) getTaskforce(c *gin.Context) {
	t, err := s.store.Taskforce(c.Request.Context(), c.Param("code"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, t)
}
