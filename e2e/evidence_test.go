package e2e

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/duban-gov/duban/evidence"
	"github.com/duban-gov/duban/evidence/evidencetest"
	"github.com/duban-gov/duban/internal/app"
)

// evidenceLimit is the size limit the tests configure: the limit is tested
// with a small body, not a real 2 GB one.
const evidenceLimit = 64 << 10

type evidenceView struct {
	ID          string `json:"id"`
	SlipID      string `json:"slip_id"`
	Purpose     string `json:"purpose"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	URL         string `json:"url"`
	Inline      bool   `json:"inline"`
	Department  string `json:"department"`
}

// multipartBody is a form with one file part named field.
func multipartBody(t testing.TB, field, name string, data []byte) (body []byte, contentType string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, err := w.CreateFormFile(field, name)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), w.FormDataContentType()
}

// upload posts data as the file name to slip id.
func (s *system) upload(t testing.TB, login, id, purpose, name string, data []byte) reply {
	t.Helper()
	body, ct := multipartBody(t, "file", name, data)
	return s.do(t, "POST", "/api/v1/slips/"+id+"/evidence?purpose="+purpose, string(body), append(s.as(login), "Content-Type", ct)...)
}

// TestEvidenceFiles uploads, lists and downloads evidence on both stores
// (the database, production's; the data directory, the embedded
// default's) and sends every bad upload the issue names; each is refused
// with its code and leaves nothing stored.
func TestEvidenceFiles(t *testing.T) {
	for _, where := range []string{"database", "directory"} {
		t.Run(where, func(t *testing.T) {
			dir := t.TempDir()
			s := startWith(t, func(c *app.Config) {
				c.EvidenceMaxBytes = evidenceLimit
				if where == "directory" {
					d, err := evidence.NewDir(dir)
					if err != nil {
						t.Fatal(err)
					}
					c.Evidence = d
				}
			})
			blobs := func() int {
				if where == "directory" {
					n := 0
					_ = filepath.WalkDir(dir, func(_ string, e fs.DirEntry, err error) error {
						if err == nil && !e.IsDir() {
							n++
						}
						return err
					})
					return n
				}
				n, err := s.store.EvidenceBlobCount(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				return int(n)
			}
			evidenceScenario(t, s, blobs)
		})
	}
}

func evidenceScenario(t *testing.T, s *system, blobs func() int) {
	s.seedDepartments(t)
	office := s.as("office")
	var sl, other slipView
	s.must(t, http.StatusCreated, "POST", "/api/v1/slips", draft("老旧小区改造"), office...).json(t, &sl)
	d := draft("公交站台改造")
	d["lead_department"], d["co_departments"] = "jtj", []string{}
	s.must(t, http.StatusCreated, "POST", "/api/v1/slips", d, office...).json(t, &other)

	photo := evidencetest.JPEG(40 << 10)
	sum := sha256.Sum256(photo)
	r := s.upload(t, "zjj", sl.ID, "progress", "现场照片 1.jpg", photo)
	if r.status != http.StatusCreated {
		t.Fatalf("upload a photo: %d %s", r.status, r.body)
	}
	var f evidenceView
	r.json(t, &f)
	if f.ContentType != "image/jpeg" || f.Size != int64(len(photo)) || f.SHA256 != hex.EncodeToString(sum[:]) ||
		f.Name != "现场照片 1.jpg" || f.Department != "zjj" || !f.Inline || f.Purpose != "progress" {
		t.Fatalf("stored %+v", f)
	}

	// The office, the co-department and the leader open it; the bytes
	// and their hash are the ones uploaded.
	for _, who := range []string{"office", "fgw", "leader", "zjj"} {
		got := s.must(t, http.StatusOK, "GET", f.URL, nil, s.as(who)...)
		if !bytes.Equal(got.body, photo) {
			t.Fatalf("%s downloaded %d bytes, not the %d uploaded", who, len(got.body), len(photo))
		}
		if ct, cd := got.header.Get("Content-Type"), got.header.Get("Content-Disposition"); ct != "image/jpeg" || !strings.HasPrefix(cd, "inline;") ||
			!strings.Contains(cd, url.PathEscape("现场照片")) || got.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s got Content-Type %q, Content-Disposition %q", who, ct, cd)
		}
	}
	var list struct {
		Items    []evidenceView `json:"items"`
		MaxBytes int64          `json:"max_bytes"`
	}
	s.must(t, http.StatusOK, "GET", "/api/v1/slips/"+sl.ID+"/evidence", nil, office...).json(t, &list)
	if len(list.Items) != 1 || list.Items[0].ID != f.ID || list.MaxBytes != evidenceLimit {
		t.Fatalf("list: %+v", list)
	}

	// Another department: the slip, its list, its file, an upload to it,
	// and the file asked for under its own slip are all not found.
	jtj := s.as("jtj")
	for _, p := range []string{"/api/v1/slips/" + sl.ID + "/evidence", f.URL, "/api/v1/slips/" + other.ID + "/evidence/" + f.ID} {
		if got := s.do(t, "GET", p, nil, jtj...); got.status != http.StatusNotFound || got.errorCode(t) != "not_found" {
			t.Errorf("交通局 GET %s: %d %s, want 404", p, got.status, got.body)
		}
	}
	if got := s.upload(t, "jtj", sl.ID, "progress", "x.jpg", photo); got.status != http.StatusNotFound {
		t.Errorf("交通局 uploading to 住建局's slip: %d %s, want 404", got.status, got.body)
	}
	if got := s.upload(t, "leader", sl.ID, "progress", "x.jpg", photo); got.status != http.StatusForbidden {
		t.Errorf("leader uploading: %d %s, want 403", got.status, got.body)
	}

	// Bad uploads: each answered with its code, nothing stored.
	notMultipart := s.do(t, "POST", "/api/v1/slips/"+sl.ID+"/evidence", `{"file":"x"}`, s.as("zjj")...)
	noFile, noFileCT := multipartBody(t, "photo", "a.jpg", photo)
	bad := []struct {
		name   string
		got    reply
		status int
		code   string
	}{
		{"executable renamed .jpg", s.upload(t, "zjj", sl.ID, "progress", "照片.jpg", evidencetest.Executable()), 415, "evidence_type_refused"},
		{"photo named .pdf", s.upload(t, "zjj", sl.ID, "resolution", "验收报告.pdf", photo), 415, "evidence_type_refused"},
		{"one byte over the limit", s.upload(t, "zjj", sl.ID, "progress", "大.jpg", evidencetest.JPEG(evidenceLimit+1)), 413, "evidence_too_large"},
		{"far over the limit", s.upload(t, "zjj", sl.ID, "progress", "更大.jpg", evidencetest.JPEG(3*evidenceLimit)), 413, "evidence_too_large"},
		{"empty file", s.upload(t, "zjj", sl.ID, "progress", "空.jpg", nil), 400, "evidence_empty"},
		{"unknown purpose", s.upload(t, "zjj", sl.ID, "whatever", "a.jpg", photo), 400, "invalid_field"},
		{"not multipart", notMultipart, 400, "invalid_multipart"},
		{"no file part", s.do(t, "POST", "/api/v1/slips/"+sl.ID+"/evidence", string(noFile), append(s.as("zjj"), "Content-Type", noFileCT)...), 400, "evidence_no_file"},
	}
	for _, b := range bad {
		if b.got.status != b.status || b.got.errorCode(t) != b.code {
			t.Errorf("%s: %d %s, want %d %s", b.name, b.got.status, b.got.body, b.status, b.code)
		}
	}
	// At the limit exactly is fine.
	atLimit := s.upload(t, "zjj", sl.ID, "resolution", "刚好.jpg", evidencetest.JPEG(evidenceLimit))
	if atLimit.status != http.StatusCreated {
		t.Fatalf("a file of exactly the limit: %d %s", atLimit.status, atLimit.body)
	}
	if n := blobs(); n != 2 {
		t.Fatalf("%d files stored after two good and many bad uploads, want 2", n)
	}

	// A 2 GB upload is refused from its Content-Length, before a byte of
	// the file is read; an upload cut off half-way stores nothing.
	status := rawUpload(t, s, sl.ID, 2<<30, photo, false)
	if !strings.Contains(status, " 413 ") {
		t.Errorf("declared 2 GB upload: %q, want 413", status)
	}
	before := evidenceRequests(s)
	rawUpload(t, s, sl.ID, int64(len(photo))+1000, photo[:len(photo)/2], true)
	deadline := time.Now().Add(10 * time.Second)
	for evidenceRequests(s) == before && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if evidenceRequests(s) == before {
		t.Fatal("the interrupted upload was never answered")
	}
	if n := blobs(); n != 2 {
		t.Fatalf("%d files stored after an interrupted upload, want still 2", n)
	}
	s.must(t, http.StatusOK, "GET", "/api/v1/slips/"+sl.ID+"/evidence", nil, office...).json(t, &list)
	if len(list.Items) != 2 {
		t.Fatalf("%d files listed, want 2", len(list.Items))
	}

	// Once signed off, the slip takes no more files; its files stay.
	zjj := s.as("zjj")
	s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+sl.ID+"/acknowledge", map[string]any{}, zjj...)
	s.coUnitsDone(t, sl.ID)
	s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+sl.ID+"/resolution", map[string]any{"summary": "已完成", "evidence": []string{"现场照片 1.jpg"}}, zjj...)
	s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+sl.ID+"/review", map[string]any{"passed": true}, office...)
	s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+sl.ID+"/signoff", map[string]any{}, office...)
	if got := s.upload(t, "zjj", sl.ID, "progress", "迟到.jpg", photo); got.status != http.StatusConflict || got.errorCode(t) != "slip_closed" {
		t.Errorf("upload to a closed slip: %d %s, want 409 slip_closed", got.status, got.body)
	}
	s.must(t, http.StatusOK, "GET", f.URL, nil, office...)
}

// evidenceRequests is how many uploads the API has answered with a 4xx.
func evidenceRequests(s *system) string {
	rec := httptest.NewRecorder()
	s.metrics.InternalHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for _, line := range strings.Split(rec.Body.String(), "\n") {
		if strings.HasPrefix(line, `duban_http_request_duration_seconds_count{method="POST",route="/api/v1/slips/:id/evidence",status="4xx"}`) {
			return line
		}
	}
	return ""
}

// rawUpload writes an upload by hand on a TCP connection: a multipart body
// that declares length bytes but carries only data (and, unless cut, its
// closing boundary). With cut it hangs up half-way; otherwise it returns
// the status line of the answer.
func rawUpload(t *testing.T, s *system, id string, length int64, data []byte, cut bool) string {
	t.Helper()
	u, _ := url.Parse(s.url)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const boundary = "duban-cut-boundary"
	head := "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"断.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
	fmt.Fprintf(conn, "POST /api/v1/slips/%s/evidence HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: multipart/form-data; boundary=%s\r\nContent-Length: %d\r\n\r\n",
		id, u.Host, s.tokens["zjj"], boundary, length)
	_, _ = io.WriteString(conn, head)
	_, _ = conn.Write(data)
	if cut {
		return ""
	}
	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		t.Fatalf("read the answer: %v", err)
	}
	return line
}
