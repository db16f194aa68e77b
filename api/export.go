package api

import (
	"fmt"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/duban-gov/duban/ledgerexport"
	"github.com/duban-gov/duban/slip"
)

// exportSlips: GET /api/v1/slips/export?format=xlsx|csv&<ledger filters>
// streams the filtered ledger — what the caller may see, nothing else — as
// the table a supervision office reads, without holding it in memory.
func (s *Server) exportSlips(c *gin.Context) {
	now, err := s.clock(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	f, err := s.ledgerFilter(c, now, "format")
	if err != nil {
		s.fail(c, err)
		return
	}
	format, err := ledgerexport.ParseFormat(c.DefaultQuery("format", "xlsx"))
	if err != nil {
		s.fail(c, slip.Invalid("format", "导出格式只能是 xlsx 或 csv"))
		return
	}
	depts, err := s.store.ListDepartments(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	names := make(map[string]string, len(depts))
	for _, d := range depts {
		names[d.Code] = d.Name
	}
	colour := func(sl slip.Slip) string {
		if name := now.colourOf(sl).Label(); name != "" {
			return name
		}
		return ledgerexport.NoColour
	}
	name := fmt.Sprintf("督办事项台账-%s%s", now.today, format.Extension())
	c.Header("Content-Type", format.ContentType())
	c.Header("Content-Disposition", "attachment; filename=\"duban-ledger"+format.Extension()+"\"; filename*=UTF-8''"+url.PathEscape(name))
	// A batch's export is the 汇总表 the chair reads at the next meeting:
	// titled with the batch and the as-of date (XLSX only; see tracks).
	title := ""
	if f.Batch != "" {
		title = fmt.Sprintf("%s 督办事项汇总表（截至 %s）", f.Batch, now.today)
	}
	w, err := ledgerexport.NewTitledWriter(c.Writer, format, names, colour, title)
	if err != nil {
		s.fail(c, err)
		return
	}
	defer w.Abort()
	if err := s.store.EachLedgerSlip(c.Request.Context(), f, 0, w.Write); err != nil {
		// Headers are gone; all we can do is cut the file short and say so.
		s.log.ErrorContext(c.Request.Context(), "export failed", "error", err, "request_id", requestID(c), "rows", w.Rows())
		return
	}
	if err := w.Close(); err != nil {
		s.log.ErrorContext(c.Request.Context(), "export failed", "error", err, "request_id", requestID(c))
	}
}
