// Package evidencetest checks that a Blobs implementation keeps the
// contract Ingest relies on, and makes sample files for tests.
package evidencetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"testing"

	"github.com/duban-gov/duban/evidence"
)

// JPEG returns a file of n bytes (n ≥ 16) that starts like a JPEG photo.
func JPEG(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	copy(b, "\xFF\xD8\xFF\xE0\x00\x10JFIF\x00")
	return b
}

// Executable returns the start of a Windows executable.
func Executable() []byte {
	return append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xFF\xFF"), bytes.Repeat([]byte{0}, 200)...)
}

// Count returns how many blobs the store under test holds (its own query).
type Count func(t *testing.T) int

// Contract checks blobs: what Put stores, Open streams back unchanged; a
// Put whose reader fails half-way, or that is too large for Ingest, leaves
// nothing behind (count stays the same).
func Contract(t *testing.T, blobs evidence.Blobs, count Count) {
	ctx := context.Background()
	data := JPEG(3<<20 + 17) // more than one chunk or buffer
	sum := sha256.Sum256(data)
	st, err := evidence.Ingest(ctx, blobs, "0190a0a0-0000-7000-8000-000000000001", "现场.jpg", bytes.NewReader(data), 4<<20)
	if err != nil {
		t.Fatalf("ingest: %v", err)
	}
	if st.Size != int64(len(data)) || st.SHA256 != hex.EncodeToString(sum[:]) || st.Type.MIME != "image/jpeg" {
		t.Fatalf("stored %+v, want %d bytes, sha256 %x, image/jpeg", st, len(data), sum)
	}
	rc, err := blobs.Open(ctx, st.Key)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	back, err := io.ReadAll(rc)
	_ = rc.Close()
	if err != nil || !bytes.Equal(back, data) {
		t.Fatalf("read back %d bytes (err %v), want the %d stored", len(back), err, len(data))
	}
	if n := count(t); n != 1 {
		t.Fatalf("%d blobs after one put, want 1", n)
	}

	// Too large: the limit is one byte short.
	_, err = evidence.Ingest(ctx, blobs, "0190a0a0-0000-7000-8000-000000000002", "大.jpg", bytes.NewReader(data), int64(len(data)-1))
	var tooLarge *evidence.TooLargeError
	if !errors.As(err, &tooLarge) {
		t.Fatalf("ingest over the limit: %v, want TooLargeError", err)
	}
	// Exactly the limit is fine.
	if _, err := evidence.Ingest(ctx, blobs, "0190a0a0-0000-7000-8000-000000000003", "刚好.jpg", bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatalf("ingest at the limit: %v", err)
	}
	// Interrupted half-way.
	broken := io.MultiReader(bytes.NewReader(data[:len(data)/2]), errReader{})
	if _, err := evidence.Ingest(ctx, blobs, "0190a0a0-0000-7000-8000-000000000004", "断.jpg", broken, 0); !errors.Is(err, errCut) {
		t.Fatalf("interrupted ingest: %v, want the read error", err)
	}
	if n := count(t); n != 2 {
		t.Fatalf("%d blobs after a good put, a too-large, one at the limit and an interrupted one; want 2", n)
	}
	if err := blobs.Delete(ctx, "0190a0a0-0000-7000-8000-000000000003"); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if err := blobs.Delete(ctx, "0190a0a0-0000-7000-8000-000000000003"); err != nil {
		t.Fatalf("delete again: %v", err)
	}
	if n := count(t); n != 1 {
		t.Fatalf("%d blobs after deleting one of two, want 1", n)
	}
	for _, key := range []string{"0190a0a0-0000-7000-8000-000000000003", "0190a0a0-0000-7000-8000-000000000002", "0190a0a0-0000-7000-8000-000000000004", "0190a0a0-0000-7000-8000-00000000ffff"} {
		if _, err := blobs.Open(ctx, key); !errors.Is(err, evidence.ErrNotFound) {
			t.Errorf("open %s: %v, want ErrNotFound", key, err)
		}
	}
}

var errCut = errors.New("connection reset half-way")

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errCut }
