package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/duban-gov/duban/evidence"
	"github.com/duban-gov/duban/reinspection"
	"github.com/duban-gov/duban/service"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
)

// reinspectionUploadRoute takes evidence of a 回头看 (its body limit is the
// evidence limit).
const reinspectionUploadRoute = "/api/v1/reinspections/:rid/evidence"

// reinspectionJSON is a 回头看 as the API shows it.
type reinspectionJSON struct {
	store.Reinspection
	StatusLabel          string `json:"status_label"`
	LeadDepartmentLabel  string `json:"lead_department_label"`
	EscalationLevelLabel string `json:"escalation_label,omitempty"`
	// Slip is what an inspector needs to check the work: for a 市民监督员
	// nothing more (no timeline, no comments, no people of the office).
	Slip *checkJSON `json:"slip,omitempty"`
}

// checkJSON is the part of a slip an inspector checks against.
type checkJSON struct {
	Number         string         `json:"number"`
	Title          string         `json:"title"`
	Content        string         `json:"content"`
	LeadDepartment string         `json:"lead_department"`
	Deadline       string         `json:"deadline"`
	ClosedOn       string         `json:"closed_on"`
	Resolution     string         `json:"resolution"`
	Evidence       []evidenceJSON `json:"evidence"`
}

var levelLabels = map[int]string{reinspection.LevelUrge: "催办", reinspection.LevelSupervise: "督办", reinspection.LevelNotice: "通报"}

func (s *Server) toReinspectionJSON(c *gin.Context, r store.Reinspection, withSlip bool) (reinspectionJSON, error) {
	names, err := s.store.DepartmentNames(c.Request.Context())
	if err != nil {
		return reinspectionJSON{}, err
	}
	out := reinspectionJSON{Reinspection: r, StatusLabel: r.Status.Label(), LeadDepartmentLabel: names[r.LeadDepartment],
		EscalationLevelLabel: levelLabels[r.EscalationLevel]}
	if !withSlip {
		return out, nil
	}
	ctx := c.Request.Context()
	sl, err := s.store.GetSlip(ctx, r.SlipID)
	if err != nil {
		return reinspectionJSON{}, err
	}
	check := &checkJSON{Number: sl.Number, Title: sl.Draft.Title, Content: sl.Draft.Content, LeadDepartment: names[sl.Draft.LeadDepartment],
		Deadline: sl.EffectiveDeadline().String(), Evidence: []evidenceJSON{}}
	if sl.ClosedAt != nil {
		check.ClosedOn = sl.ClosedAt.Format("2006-01-02")
	}
	events, err := s.store.Timeline(ctx, sl.ID)
	if err != nil {
		return reinspectionJSON{}, err
	}
	for _, e := range events {
		if e.Type == slip.ActionResolve {
			if v, ok := e.Payload["summary"].(string); ok {
				check.Resolution = v
			}
		}
	}
	files, err := s.store.ListEvidence(ctx, sl.ID)
	if err != nil {
		return reinspectionJSON{}, err
	}
	for _, f := range files {
		j := toEvidenceJSON(f)
		j.URL = "/api/v1/reinspections/" + r.ID + "/evidence/" + f.ID
		j.UploadedBy = "" // the people of the office and the unit stay private
		check.Evidence = append(check.Evidence, j)
	}
	out.Slip = check
	return out, nil
}

// scheduleReinspection: POST /api/v1/reinspections (office).
func (s *Server) scheduleReinspection(c *gin.Context) {
	var req service.ScheduleRequest
	if err := decodeJSON(c, &req, false); err != nil {
		s.fail(c, err)
		return
	}
	out, err := s.slips.ScheduleReinspection(c.Request.Context(), principal(c), req)
	if err != nil {
		s.fail(c, err)
		return
	}
	items := make([]reinspectionJSON, len(out.Reinspections))
	for i, r := range out.Reinspections {
		if items[i], err = s.toReinspectionJSON(c, r, false); err != nil {
			s.fail(c, err)
			return
		}
	}
	c.JSON(http.StatusCreated, gin.H{"draw": out.Draw, "items": items})
}

// listReinspections: GET /api/v1/reinspections?slip_id=&draw_id=. An
// inspector or citizen supervisor gets the ones assigned to them only.
func (s *Server) listReinspections(c *gin.Context) {
	if err := allowQuery(c, "slip_id", "draw_id"); err != nil {
		s.fail(c, err)
		return
	}
	u := principal(c)
	f := store.ReinspectionFilter{SlipID: c.Query("slip_id"), DrawID: c.Query("draw_id")}
	if u.Inspects() {
		f.InspectorID = u.ID
	} else if all, units := u.Visible(); !all {
		f.Units = units // a scoped office or leader: its subtree's slips
	}
	rows, err := s.store.ListReinspections(c.Request.Context(), f)
	if err != nil {
		s.fail(c, err)
		return
	}
	items := make([]reinspectionJSON, len(rows))
	for i, r := range rows {
		if items[i], err = s.toReinspectionJSON(c, r, false); err != nil {
			s.fail(c, err)
			return
		}
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

// visibleReinspection loads the 回头看 of the path if the caller may see
// it: an inspector or citizen supervisor only their own, the office and
// leaders those of the slips they see — all, or a scoped one its subtree's
// (others are not found: the answer shows the slip, its resolution and
// evidence).
func (s *Server) visibleReinspection(c *gin.Context) (store.Reinspection, error) {
	ctx := c.Request.Context()
	id := c.Param("rid")
	r, err := s.store.GetReinspection(ctx, id)
	if err != nil {
		return store.Reinspection{}, err
	}
	u := principal(c)
	if u.Inspects() {
		if !u.MayInspect(r.InspectorID) {
			return store.Reinspection{}, slip.NotFound("回头看", id)
		}
		return r, nil
	}
	sees, err := s.seesSlip(ctx, u, r.SlipID)
	if err != nil {
		return store.Reinspection{}, err
	}
	if !sees {
		return store.Reinspection{}, slip.NotFound("回头看", id)
	}
	return r, nil
}

// getReinspection: GET /api/v1/reinspections/{rid}, with what checking the
// slip needs.
func (s *Server) getReinspection(c *gin.Context) {
	r, err := s.visibleReinspection(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	out, err := s.toReinspectionJSON(c, r, true)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

type recordRequest struct {
	Passed *bool  `json:"passed"`
	Notes  string `json:"notes"`
}

// recordReinspection: POST /api/v1/reinspections/{rid}/record {passed, notes}.
func (s *Server) recordReinspection(c *gin.Context) {
	var req recordRequest
	if err := decodeJSON(c, &req, false); err != nil {
		s.fail(c, err)
		return
	}
	r, err := s.slips.RecordReinspection(c.Request.Context(), principal(c), c.Param("rid"),
		reinspection.Record{Passed: req.Passed, Notes: req.Notes}, requestID(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	out, err := s.toReinspectionJSON(c, r, false)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

// uploadReinspectionEvidence: POST /api/v1/reinspections/{rid}/evidence, a
// photo of the visit, kept with the slip (purpose reinspection) while the
// visit is open.
func (s *Server) uploadReinspectionEvidence(c *gin.Context) {
	u := principal(c)
	r, err := s.visibleReinspection(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if !u.MayInspect(r.InspectorID) {
		s.fail(c, slip.Forbidden("只有检查人可以上传回头看材料"))
		return
	}
	if r.Status != reinspection.StatusAssigned {
		s.fail(c, &httpError{status: http.StatusConflict, code: codeSlipClosed, message: "回头看" + r.Status.Label() + "，不能上传材料"})
		return
	}
	sl, err := s.store.GetSlip(c.Request.Context(), r.SlipID)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.receiveEvidence(c, u, sl, evidence.PurposeReinspection)
}

// downloadReinspectionEvidence: GET /api/v1/reinspections/{rid}/evidence/{eid},
// a file of the re-inspected slip for its inspector.
func (s *Server) downloadReinspectionEvidence(c *gin.Context) {
	r, err := s.visibleReinspection(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	sl, err := s.store.GetSlip(c.Request.Context(), r.SlipID)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.sendEvidence(c, sl)
}
