package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/duban-gov/duban/evidence"
	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/slip"
)

// Error codes of evidence uploads.
const (
	codeEvidenceType        = "evidence_type_refused" // 415: the content is not an accepted type
	codeEvidenceTooLarge    = "evidence_too_large"    // 413: past the size limit
	codeEvidenceEmpty       = "evidence_empty"        // 400: a file with no bytes
	codeEvidenceInterrupted = "upload_interrupted"    // 400: the body ended before the file did
	codeEvidenceNoFile      = "evidence_no_file"      // 400: no "file" part in the form
	codeSlipClosed          = "slip_closed"           // 409: files are added to open slips only
)

// multipartSlack is what a multipart body may carry beside the file itself
// (boundaries, part headers, a few small fields).
const multipartSlack = 64 << 10

// evidenceUploadRoute is the upload's route; its body limit is the
// evidence limit, not MaxBodyBytes.
const evidenceUploadRoute = "/api/v1/slips/:id/evidence"

// evidenceJSON is a file as the API shows it.
type evidenceJSON struct {
	evidence.File
	PurposeLabel string `json:"purpose_label"`
	// URL downloads (or, when Inline, shows) the file.
	URL    string `json:"url"`
	Inline bool   `json:"inline"`
}

func toEvidenceJSON(f evidence.File) evidenceJSON {
	return evidenceJSON{File: f, PurposeLabel: f.Purpose.Label(), URL: "/api/v1/slips/" + f.SlipID + "/evidence/" + f.ID, Inline: inlineMIME(f.MIME)}
}

func inlineMIME(m string) bool {
	for _, t := range evidence.Types {
		if t.MIME == m {
			return t.Inline
		}
	}
	return false
}

// listEvidence: GET /api/v1/slips/{id}/evidence, with the upload limits.
func (s *Server) listEvidence(c *gin.Context) {
	sl, err := s.visibleSlip(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	files, err := s.store.ListEvidence(c.Request.Context(), sl.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	items := make([]evidenceJSON, len(files))
	for i, f := range files {
		items[i] = toEvidenceJSON(f)
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "max_bytes": s.evidenceMax, "max_label": evidence.HumanSize(s.evidenceMax),
		"accept": evidence.Accepted(), "open": sl.Status.Open()})
}

// uploadEvidence: POST /api/v1/slips/{id}/evidence?purpose=…, a
// multipart/form-data body whose "file" part is the file. The part streams
// through type sniffing, the size limit and SHA-256 into storage; the
// ledger records the file only once it is stored whole.
func (s *Server) uploadEvidence(c *gin.Context) {
	u := principal(c)
	if u.Role != slip.RoleDepartment && u.Role != slip.RoleOffice {
		s.fail(c, slip.Forbidden("%s不能上传证明材料", u.Role.Label()))
		return
	}
	sl, err := s.visibleSlip(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	purpose := evidence.Purpose(c.DefaultQuery("purpose", string(evidence.PurposeProgress)))
	if !purpose.Valid() || purpose == evidence.PurposeReinspection {
		s.fail(c, slip.Invalid("purpose", "材料用途只能是 progress（进展）或 resolution（办结）"))
		return
	}
	if !sl.Status.Open() {
		s.fail(c, &httpError{status: http.StatusConflict, code: codeSlipClosed, message: "交办单" + sl.Status.Label() + "，不能再上传证明材料"})
		return
	}
	s.receiveEvidence(c, u, sl, purpose)
}

// receiveEvidence streams the "file" part of the request into storage as a
// file of sl and answers 201 with it.
func (s *Server) receiveEvidence(c *gin.Context, u identity.User, sl slip.Slip, purpose evidence.Purpose) {
	ctx := c.Request.Context()
	if c.Request.ContentLength > s.evidenceMax+multipartSlack {
		s.fail(c, tooLarge(s.evidenceMax))
		return
	}
	mr, err := c.Request.MultipartReader()
	if err != nil {
		s.fail(c, badRequest("invalid_multipart", "请以 multipart/form-data 上传文件（字段名 file）"))
		return
	}
	for {
		part, err := mr.NextPart()
		if err != nil {
			if errors.Is(err, io.EOF) {
				s.fail(c, badRequest(codeEvidenceNoFile, "请求中没有文件（字段名 file）"))
			} else {
				s.fail(c, uploadError(err, s.evidenceMax))
			}
			return
		}
		if part.FormName() != "file" || part.FileName() == "" {
			_ = part.Close()
			continue
		}
		name, err := cleanFileName(part.FileName())
		if err != nil {
			s.fail(c, err)
			return
		}
		f, err := s.storeEvidence(ctx, u, sl, purpose, name, part)
		if err != nil {
			s.fail(c, err)
			return
		}
		s.log.InfoContext(ctx, "evidence stored", "slip_id", sl.ID, "evidence_id", f.ID, "purpose", purpose, "size", f.Size, "sha256", f.SHA256, "request_id", requestID(c))
		c.JSON(http.StatusCreated, toEvidenceJSON(f))
		return
	}
}

// storeEvidence ingests r and records it; on any failure nothing is kept.
func (s *Server) storeEvidence(ctx context.Context, u identity.User, sl slip.Slip, purpose evidence.Purpose, name string, r io.Reader) (evidence.File, error) {
	key := uuid.NewString()
	stored, err := evidence.Ingest(ctx, s.evidence, key, name, r, s.evidenceMax)
	if err != nil {
		return evidence.File{}, uploadError(err, s.evidenceMax)
	}
	f := evidence.File{ID: uuid.NewString(), SlipID: sl.ID, Purpose: purpose, Name: name, MIME: stored.Type.MIME,
		Size: stored.Size, SHA256: stored.SHA256, BlobKey: stored.Key, Department: u.Department,
		UploadedBy: u.Name, UploadedByID: u.ID, UploadedAt: s.now().UTC()}
	if err := s.store.AddEvidence(ctx, f); err != nil {
		// The contents are stored but unrecorded: remove them, so that a
		// failed upload leaves nothing (a later clean-up would find them
		// by their missing row otherwise).
		if derr := s.evidence.Delete(context.WithoutCancel(ctx), key); derr != nil {
			err = errors.Join(err, fmt.Errorf("remove unrecorded evidence blob %s: %w", key, derr))
		}
		return evidence.File{}, err
	}
	return f, nil
}

// uploadError turns what went wrong with an upload into its answer.
func uploadError(err error, limit int64) error {
	var (
		typeErr *evidence.TypeError
		tooBig  *evidence.TooLargeError
		bodyCap *http.MaxBytesError
	)
	switch {
	case errors.As(err, &typeErr):
		return &httpError{status: http.StatusUnsupportedMediaType, code: codeEvidenceType, message: typeErr.Error()}
	case errors.As(err, &tooBig), errors.As(err, &bodyCap):
		return tooLarge(limit)
	case errors.Is(err, evidence.ErrEmpty):
		return badRequest(codeEvidenceEmpty, "文件为空，请重新选择")
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, context.Canceled), strings.Contains(err.Error(), "multipart"):
		return badRequest(codeEvidenceInterrupted, "上传中断，文件未保存，请重新上传")
	}
	return err
}

func tooLarge(limit int64) error {
	return &httpError{status: http.StatusRequestEntityTooLarge, code: codeEvidenceTooLarge,
		message: "文件超过大小上限 " + evidence.HumanSize(limit) + "，未保存"}
}

// cleanFileName keeps the base name a browser sent, for display only.
func cleanFileName(name string) (string, error) {
	name = strings.TrimSpace(filepath.Base(strings.ReplaceAll(name, "\\", "/")))
	if !utf8.ValidString(name) || name == "." || name == "/" || name == "" || utf8.RuneCountInString(name) > 200 ||
		strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return "", slip.Invalid("file", "文件名无效（不超过 200 字，不含控制字符）")
	}
	return name, nil
}

// downloadEvidence: GET /api/v1/slips/{id}/evidence/{eid}. Images and PDFs
// open in the browser, other files download; a file of a slip the caller
// cannot see is not found, like the slip.
func (s *Server) downloadEvidence(c *gin.Context) {
	sl, err := s.visibleSlip(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.sendEvidence(c, sl)
}

// sendEvidence answers the file {eid} of sl.
func (s *Server) sendEvidence(c *gin.Context, sl slip.Slip) {
	ctx := c.Request.Context()
	f, err := s.store.GetEvidence(ctx, sl.ID, c.Param("eid"))
	if err != nil {
		s.fail(c, err)
		return
	}
	rc, err := s.evidence.Open(ctx, f.BlobKey)
	if err != nil {
		s.fail(c, fmt.Errorf("open evidence %s of slip %s: %w", f.ID, sl.ID, err))
		return
	}
	defer rc.Close()
	disposition := "attachment"
	if inlineMIME(f.MIME) {
		disposition = "inline"
	}
	h := c.Writer.Header()
	h.Set("Content-Type", f.MIME)
	h.Set("Content-Length", strconv.FormatInt(f.Size, 10))
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": f.Name}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-cache")
	h.Set("ETag", `"`+f.SHA256+`"`)
	if strings.HasPrefix(f.MIME, "image/") {
		h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
	}
	if match := c.GetHeader("If-None-Match"); match == `"`+f.SHA256+`"` {
		c.Status(http.StatusNotModified)
		return
	}
	c.Status(http.StatusOK)
	if c.Request.Method == http.MethodHead {
		return
	}
	if _, err := io.Copy(c.Writer, rc); err != nil {
		s.log.WarnContext(ctx, "evidence download cut short", "slip_id", sl.ID, "evidence_id", f.ID, "error", err, "request_id", requestID(c))
	}
}
