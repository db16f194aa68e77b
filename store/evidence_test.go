package store_test

import (
	"bytes"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/duban-gov/duban/evidence"
	"github.com/duban-gov/duban/evidence/evidencetest"
	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
)

// TestEvidenceBlobs holds the database's chunked store to the same
// contract as the data directory: what goes in comes back, and a put that
// is too large or interrupted leaves no row.
func TestEvidenceBlobs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		evidencetest.Contract(t, st.EvidenceBlobs(), func(t *testing.T) int {
			n, err := st.EvidenceBlobCount(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return int(n)
		})
	})
}

func TestEvidenceFiles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		seedDepartments(t, st, "zjj")
		sl := newSlip("0190a0a0-0000-7000-8000-0000000000a1", time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), "zjj")
		_, err := st.RecordIssued(ctx, sl)
		storetest.Must(t, err)
		f := evidence.File{ID: "0190a0a0-0000-7000-8000-0000000000e1", SlipID: sl.ID, Purpose: evidence.PurposeResolution,
			Name: "验收报告.pdf", MIME: "application/pdf", Size: 1234, SHA256: "ab", BlobKey: "0190a0a0-0000-7000-8000-0000000000b1",
			Department: "zjj", UploadedBy: "住建局", UploadedByID: 7, UploadedAt: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
		storetest.Must(t, st.AddEvidence(ctx, f))
		got, err := st.ListEvidence(ctx, sl.ID)
		storetest.Must(t, err)
		if len(got) != 1 || got[0] != f {
			t.Fatalf("listed %+v, want [%+v]", got, f)
		}
		one, err := st.GetEvidence(ctx, sl.ID, f.ID)
		if err != nil || one != f {
			t.Fatalf("get: %+v, %v", one, err)
		}
		if _, err := st.GetEvidence(ctx, "0190a0a0-0000-7000-8000-00000000ffff", f.ID); slip.AsError(err) == nil || slip.AsError(err).Kind != slip.KindNotFound {
			t.Fatalf("file asked for under another slip: %v, want not found", err)
		}
	})
}

// TestInspectorRoles: the 回头看 roles can be stored (migration 0053 widens
// the role check; on SQLite it remakes the users table) and sign in.
func TestInspectorRoles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		for _, u := range []identity.User{
			{Login: "duchayuan", Name: "督查员周", Role: slip.RoleInspector},
			{Login: "shimin", Name: "市民监督员刘", Role: slip.RoleCitizen},
		} {
			created, err := st.CreateUser(ctx, u, "")
			storetest.Must(t, err)
			_, hash, err := identity.NewToken()
			storetest.Must(t, err)
			_, err = st.CreateToken(ctx, created.ID, "t", hash, 0)
			storetest.Must(t, err)
			got, err := st.Authenticate(ctx, hash, time.Now())
			if err != nil || got.Role != u.Role {
				t.Fatalf("token of %s: %+v %v", u.Login, got, err)
			}
		}
	})
}

// BenchmarkEvidenceBlobs stores a 20 MiB photo in the database's chunks
// (PostgreSQL when DUBAN_TEST_DATABASE_URL names one) and reads it back.
func BenchmarkEvidenceBlobs(b *testing.B) {
	st := storetest.Open(b, store.Postgres)
	data := evidencetest.JPEG(20 << 20)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		key := fmt.Sprintf("0190a0a0-0000-7000-8000-%012d", i)
		if _, err := evidence.Ingest(ctx, st.EvidenceBlobs(), key, "p.jpg", bytes.NewReader(data), 0); err != nil {
			b.Fatal(err)
		}
		rc, err := st.EvidenceBlobs().Open(ctx, key)
		if err != nil {
			b.Fatal(err)
		}
		if n, err := io.Copy(io.Discard, rc); err != nil || n != int64(len(data)) {
			b.Fatalf("read back %d bytes: %v", n, err)
		}
		_ = rc.Close()
	}
}
