package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/duban-gov/duban/internal/app"
	"github.com/duban-gov/duban/internal/testtemporal"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
)

// TestReadyMeansAnActionCanSucceed: with the ledger and Temporal up but no
// worker polling the slip task queue, every write would wait and answer
// 503, so /readyz must say not ready; once a worker polls, it is ready.
func TestReadyMeansAnActionCanSucceed(t *testing.T) {
	_, c := testtemporal.Start(t, client.Options{})
	st := storetest.Open(t, store.SQLite)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	r, err := config{}.rules(log)
	if err != nil {
		t.Fatal(err)
	}
	wiring := config{}.wiring(st, c, r, nil, log)
	srv := httptest.NewServer(app.NewAPI(t.Context(), wiring))
	t.Cleanup(srv.Close)
	readyz := func() int {
		resp, err := http.Get(srv.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}

	if got := readyz(); got != http.StatusServiceUnavailable {
		t.Fatalf("no worker: /readyz %d, want 503", got)
	}

	wiring.Pollers = 2
	w, err := app.StartWorker(t.Context(), wiring)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	deadline := time.Now().Add(30 * time.Second)
	for readyz() != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatal("a worker polls, but /readyz is still not ready after 30 s")
		}
		time.Sleep(200 * time.Millisecond)
	}
}
