package main

import (
	"testing"

	"github.com/duban-gov/duban/internal/app"
)

// TestWorkflowCacheSizeSetting: DUBAN_WORKER_CACHE_SIZE sizes the worker's
// workflow cache, defaults to defaultWorkflowCacheSize, and a value that is
// not a positive number is refused at start, not silently replaced.
func TestWorkflowCacheSizeSetting(t *testing.T) {
	c, err := configFromEnv(false)
	if err != nil {
		t.Fatal(err)
	}
	if c.WorkflowCacheSize != defaultWorkflowCacheSize {
		t.Errorf("default cache size %d, want %d", c.WorkflowCacheSize, defaultWorkflowCacheSize)
	}
	t.Setenv("DUBAN_WORKER_CACHE_SIZE", "500")
	if c, err = configFromEnv(false); err != nil || c.WorkflowCacheSize != 500 {
		t.Errorf("DUBAN_WORKER_CACHE_SIZE=500: got %d, %v", c.WorkflowCacheSize, err)
	}
	if w := c.wiring(nil, nil, app.Rules{}, nil, nil); w.WorkflowCacheSize != 500 {
		t.Errorf("wiring carries cache size %d, want 500", w.WorkflowCacheSize)
	}
	for _, bad := range []string{"0", "-1", "many"} {
		t.Setenv("DUBAN_WORKER_CACHE_SIZE", bad)
		if _, err := configFromEnv(false); err == nil {
			t.Errorf("DUBAN_WORKER_CACHE_SIZE=%q accepted", bad)
		}
	}
}
