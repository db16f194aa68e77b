package evidence

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
)

// DefaultMaxBytes is the size limit when none is configured: a phone photo
// is a few MB, a scanned 验收报告 rarely above 20 MB.
const DefaultMaxBytes int64 = 50 << 20

// Blobs stores file contents under opaque keys. Implementations stream:
// neither Put nor Open holds a whole file in memory.
type Blobs interface {
	// Put stores everything r yields under key. If it returns an error,
	// nothing is stored under key (a half-written file is removed or rolled
	// back).
	Put(ctx context.Context, key string, r io.Reader) error
	// Open streams the contents stored under key; ErrNotFound if none.
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	// Delete removes what is stored under key (nothing stored is no error).
	// Only an upload that failed after its contents were stored uses it:
	// evidence is kept as long as its slip.
	Delete(ctx context.Context, key string) error
}

// Stored describes a file Ingest has stored.
type Stored struct {
	Key    string
	Type   Type
	Size   int64
	SHA256 string
}

var keyPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{7,63}$`)

// ValidKey reports whether key is a safe blob key (a UUID, say): Dir uses
// keys as file names.
func ValidKey(key string) bool { return keyPattern.MatchString(key) }

// Ingest checks the file that r yields and stores it under key: its type
// from its first bytes and its name (Sniff), its size against maxBytes
// (≤ 0: DefaultMaxBytes), its SHA-256 computed on the way. On any error —
// a refused type, too many bytes, a read that fails half-way because the
// client went away — nothing is stored.
func Ingest(ctx context.Context, blobs Blobs, key, filename string, r io.Reader, maxBytes int64) (Stored, error) {
	if !ValidKey(key) {
		return Stored{}, fmt.Errorf("ingest evidence: bad blob key %q", key)
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	br := bufio.NewReaderSize(r, SniffLen)
	head, err := br.Peek(SniffLen)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return Stored{}, fmt.Errorf("ingest evidence %s: read: %w", filename, err)
	}
	if len(head) == 0 {
		return Stored{}, ErrEmpty
	}
	t, err := Sniff(head, filename)
	if err != nil {
		return Stored{}, err
	}
	h := sha256.New()
	counted := &limited{r: io.TeeReader(br, h), left: maxBytes, limit: maxBytes}
	if err := blobs.Put(ctx, key, counted); err != nil {
		var tooLarge *TooLargeError
		if errors.As(err, &tooLarge) {
			return Stored{}, tooLarge
		}
		return Stored{}, fmt.Errorf("ingest evidence %s: %w", filename, err)
	}
	return Stored{Key: key, Type: t, Size: counted.n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// limited reads from r and fails with a TooLargeError once more than limit
// bytes came through, so storage aborts and removes what it had.
type limited struct {
	r     io.Reader
	left  int64
	limit int64
	n     int64
}

func (l *limited) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, &TooLargeError{Limit: l.limit}
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	l.left -= int64(n)
	if l.left < 0 {
		return 0, &TooLargeError{Limit: l.limit}
	}
	return n, err
}
