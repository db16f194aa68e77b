package identity

import "time"

// Backoff is how sign-in attempts on one subject (an account, an address)
// are slowed down: the first Free attempts are free; each attempt from the
// Free-th on locks the subject for Base, doubling with every further attempt
// up to Max. A subject left alone for Forget starts again from nothing.
//
// Attempts are counted before the password is checked (and refunded when it
// is right), so parallel guesses cannot slip in before the lock is written.
type Backoff struct {
	Free   int
	Base   time.Duration
	Max    time.Duration
	Forget time.Duration
}

// The backoffs of sign-in. An account locks after 5 wrong passwords, for
// 30 s, then 1, 2, 4 … up to 15 minutes: about 100 guesses a day at most.
// An address (many accounts, or one office behind NAT) has more room.
var (
	AccountBackoff = Backoff{Free: 5, Base: 30 * time.Second, Max: 15 * time.Minute, Forget: time.Hour}
	AddressBackoff = Backoff{Free: 30, Base: 30 * time.Second, Max: 15 * time.Minute, Forget: time.Hour}
)

// LockedUntil is when a subject with attempts attempts, the last at last,
// may try again; the zero time when it may now.
func (b Backoff) LockedUntil(attempts int, last time.Time) time.Time {
	if attempts < b.Free || b.Free <= 0 {
		return time.Time{}
	}
	d := b.Base
	for i := b.Free; i < attempts && d < b.Max; i++ {
		d *= 2
	}
	return last.Add(min(d, b.Max))
}

// Attempts is how many attempts still count at now.
func (b Backoff) Attempts(attempts int, last, now time.Time) int {
	if now.Sub(last) >= b.Forget {
		return 0
	}
	return attempts
}
