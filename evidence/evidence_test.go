package evidence_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/duban-gov/duban/evidence"
	"github.com/duban-gov/duban/evidence/evidencetest"
)

func TestSniff(t *testing.T) {
	pdf := []byte("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")
	zip := []byte("PK\x03\x04\x14\x00\x06\x00")
	ole := []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00")
	heic := []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00")
	elf := []byte("\x7FELF\x02\x01\x01\x00")
	cases := []struct {
		name string
		head []byte
		file string
		mime string // "" means refused
	}{
		{"photo", evidencetest.JPEG(64), "IMG_0001.JPG", "image/jpeg"},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00"), "截图.png", "image/png"},
		{"heic from an iPhone", heic, "IMG_0002.HEIC", "image/heic"},
		{"pdf", pdf, "验收报告.pdf", "application/pdf"},
		{"docx", zip, "整改报告.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"xls", ole, "台账.xls", "application/vnd.ms-excel"},
		{"executable renamed .jpg", evidencetest.Executable(), "照片.jpg", ""},
		{"ELF renamed .pdf", elf, "报告.pdf", ""},
		{"jpeg named .pdf", evidencetest.JPEG(64), "报告.pdf", ""},
		{"zip named .zip", zip, "材料.zip", ""},
		{"html", []byte("<!DOCTYPE html><script>alert(1)</script>"), "a.jpg", ""},
		{"pdf without extension", pdf, "报告", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := evidence.Sniff(c.head, c.file)
			if c.mime == "" {
				var te *evidence.TypeError
				if !errors.As(err, &te) {
					t.Fatalf("Sniff(%s) = %v, %v; want a TypeError", c.file, got.MIME, err)
				}
				if !strings.Contains(err.Error(), ".jpg") {
					t.Errorf("message %q does not list the accepted types", err)
				}
				return
			}
			if err != nil || got.MIME != c.mime {
				t.Fatalf("Sniff(%s) = %q, %v; want %q", c.file, got.MIME, err, c.mime)
			}
		})
	}
}

func TestIngestRefusesBeforeStoring(t *testing.T) {
	root := t.TempDir()
	d, err := evidence.NewDir(root)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := evidence.Ingest(ctx, d, "0190a0a0-0000-7000-8000-000000000009", "a.jpg", bytes.NewReader(nil), 0); !errors.Is(err, evidence.ErrEmpty) {
		t.Errorf("empty file: %v", err)
	}
	var te *evidence.TypeError
	if _, err := evidence.Ingest(ctx, d, "0190a0a0-0000-7000-8000-000000000009", "a.jpg", bytes.NewReader(evidencetest.Executable()), 0); !errors.As(err, &te) {
		t.Errorf("executable: %v", err)
	}
	if _, err := evidence.Ingest(ctx, d, "../../etc/passwd", "a.jpg", bytes.NewReader(evidencetest.JPEG(100)), 0); err == nil {
		t.Error("a key with a path in it was accepted")
	}
	if n := countFiles(t, root); n != 0 {
		t.Errorf("%d files left after refused uploads", n)
	}
}

func TestDirContract(t *testing.T) {
	root := t.TempDir()
	d, err := evidence.NewDir(root)
	if err != nil {
		t.Fatal(err)
	}
	evidencetest.Contract(t, d, func(t *testing.T) int { return countFiles(t, root) })
}

// countFiles counts every file under root, temporary ones included.
func countFiles(t *testing.T, root string) int {
	n := 0
	err := filepath.WalkDir(root, func(_ string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
