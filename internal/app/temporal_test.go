package app

import "testing"

func TestLoopback(t *testing.T) {
	for hostPort, want := range map[string]bool{
		"127.0.0.1:7233":         true,
		"127.0.0.2:7233":         true,
		"[::1]:7233":             true,
		"localhost:7233":         true,
		"temporal-frontend:7233": false,
		"10.0.0.5:7233":          false,
		"127.0.0.1":              false, // no port: not a host:port at all
	} {
		if got := loopback(hostPort); got != want {
			t.Errorf("loopback(%q) = %v, want %v", hostPort, got, want)
		}
	}
}
