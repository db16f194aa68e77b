package devserver

import (
	"errors"
	"math/rand/v2"
	"net"
	"strconv"
	"sync"
)

// The range reservePorts draws from: below Linux's ephemeral range
// (32768–60999 by default), from which the kernel hands out the local port
// of every outgoing connection and every listen on port 0.
const (
	reserveLow  = 10_000
	reserveHigh = 32_700 // on PostgreSQL the services take up to port+6 < 32768
)

// reservation holds ports open until the server is about to bind them.
type reservation struct {
	ports     []int
	taken     int // ports handed out by take
	listeners []net.Listener
	once      sync.Once
}

// reservePorts finds n free TCP ports on ip and keeps them bound until
// release. The Temporal server binds the ports named in its configuration
// itself (there is no way to hand it a listener) and exits the process when
// one is taken, so the ports are drawn at random from below the ephemeral
// range: the old way (listen on :0, close, let Temporal bind later) picked
// ports that any outgoing connection on a busy machine could take in
// between ("address already in use"). Only a process that picks the very
// same number in the instant between release and bind can collide now.
func reservePorts(ip string, n int) (*reservation, error) {
	r := &reservation{}
	for tries := 0; len(r.ports) < n; tries++ {
		if tries > 200*n {
			r.release()
			return nil, errors.New("reserve ports: no free port found below the ephemeral range")
		}
		p := reserveLow + rand.IntN(reserveHigh-reserveLow+1)
		l, err := net.Listen("tcp", net.JoinHostPort(ip, strconv.Itoa(p)))
		if err != nil {
			continue // taken (or the same number twice): draw again
		}
		r.ports = append(r.ports, p)
		r.listeners = append(r.listeners, l)
	}
	return r, nil
}

// take hands out the next n reserved ports (fewer if fewer are left).
func (r *reservation) take(n int) []int {
	n = min(n, len(r.ports)-r.taken)
	out := r.ports[r.taken : r.taken+n]
	r.taken += n
	return out
}

// release closes the reserving listeners; calling it again, or on nil, does
// nothing.
func (r *reservation) release() {
	if r == nil {
		return
	}
	r.once.Do(func() {
		for _, l := range r.listeners {
			_ = l.Close()
		}
	})
}
