package evidence_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/duban-gov/duban/evidence"
	"github.com/duban-gov/duban/evidence/evidencetest"
)

// BenchmarkIngestDir stores a 20 MiB photo in the data directory: sniffing,
// SHA-256 and the write. B/op shows the file is streamed, not held: it
// stays a small constant (buffers), far below the file's size.
func BenchmarkIngestDir(b *testing.B) {
	d, err := evidence.NewDir(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	data := evidencetest.JPEG(20 << 20)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		key := fmt.Sprintf("0190a0a0-0000-7000-8000-%012d", i)
		if _, err := evidence.Ingest(context.Background(), d, key, "p.jpg", bytes.NewReader(data), 0); err != nil {
			b.Fatal(err)
		}
	}
}
