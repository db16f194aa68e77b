package devserver

import (
	"net"
	"strconv"
	"testing"
)

// TestReservePorts: the ports are distinct, below the ephemeral range, held
// (nobody else can bind them) until release, and bindable after it.
func TestReservePorts(t *testing.T) {
	r, err := reservePorts("127.0.0.1", 8)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, p := range r.ports {
		if p < reserveLow || p > reserveHigh || seen[p] {
			t.Fatalf("port %d: outside %d…%d or repeated in %v", p, reserveLow, reserveHigh, r.ports)
		}
		seen[p] = true
		if l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p)); err == nil {
			_ = l.Close()
			t.Fatalf("port %d could be bound while reserved", p)
		}
	}
	if got := append(r.take(1), r.take(7)...); len(got) != 8 || len(r.take(1)) != 0 {
		t.Fatalf("take handed out %v", got)
	}
	r.release()
	r.release() // twice is harmless
	for _, p := range r.ports {
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
		if err != nil {
			t.Fatalf("port %d not free after release: %v", p, err)
		}
		_ = l.Close()
	}
}
