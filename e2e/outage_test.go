package e2e

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/duban-gov/duban/service"
	"github.com/duban-gov/duban/slip"
)

// TestTemporalOutageAnswers503AndChangesNothing: with Temporal gone, a write
// gets a prompt 503 the clerk can read (retry later, same Idempotency-Key),
// the ledger is unchanged, and reads still work.
func TestTemporalOutageAnswers503AndChangesNothing(t *testing.T) {
	s := start(t)
	s.seedDepartments(t)
	var sl slipView
	s.must(t, http.StatusCreated, "POST", "/api/v1/slips", draft("停机测试"), s.as("office")...).json(t, &sl)
	s.stopTemporal()

	before, err := s.store.Fingerprint(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	r := s.do(t, "POST", "/api/v1/slips/"+sl.ID+"/acknowledge", nil, s.as("zjj")...)
	if r.status != http.StatusServiceUnavailable || r.errorCode(t) != slip.CodeUnavailable {
		t.Fatalf("acknowledge with Temporal down: %d %s", r.status, r.body)
	}
	if waited := time.Since(began); waited > service.TemporalTimeout+5*time.Second {
		t.Fatalf("answered after %s", waited)
	}
	if after, _ := s.store.Fingerprint(context.Background()); after != before {
		t.Fatalf("store changed: %s → %s", before, after)
	}
	var got slipView
	s.must(t, http.StatusOK, "GET", "/api/v1/slips/"+sl.ID, nil, s.as("zjj")...).json(t, &got)
	if got.Status != "issued" {
		t.Fatalf("status %s", got.Status)
	}
}
