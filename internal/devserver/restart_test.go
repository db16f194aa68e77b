package devserver

import (
	"database/sql"
	"path/filepath"
	"testing"
)

// TestRestartForgetsTheLastRunsMembers: a server started on a file an
// earlier process used does not inherit its cluster membership (ports
// where nobody listens any more), which ringpop would try to join — and on
// a busy machine gave up on after 30 s, ending the process.
func TestRestartForgetsTheLastRunsMembers(t *testing.T) {
	file := filepath.Join(t.TempDir(), "temporal.db")
	ports := func() map[int]bool {
		db, err := sql.Open("sqlite", "file:"+file)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		rows, err := db.Query(`SELECT rpc_port FROM cluster_membership`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[int]bool{}
		for rows.Next() {
			var p int
			if err := rows.Scan(&p); err != nil {
				t.Fatal(err)
			}
			out[p] = true
		}
		return out
	}
	srv, err := Start(t.Context(), Options{DBFile: file})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	old := ports()
	if len(old) == 0 {
		t.Fatal("the first run left no membership rows: the test would prove nothing")
	}
	srv, err = Start(t.Context(), Options{DBFile: file})
	if err != nil {
		t.Fatalf("second start: %v", err)
	}
	defer srv.Stop()
	for p := range ports() {
		if old[p] {
			t.Errorf("the second run still lists the first run's member on port %d", p)
		}
	}
}
