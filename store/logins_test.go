package store_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
)

// TestReserveLoginUnderConcurrentGuesses: 20 guesses at once on one account
// get exactly the five free attempts; the rest wait, and nothing counts
// while locked.
func TestReserveLoginUnderConcurrentGuesses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		account := store.LoginSubject{Key: "account:office", Backoff: identity.AccountBackoff}
		address := store.LoginSubject{Key: "address:192.0.2.1", Backoff: identity.AddressBackoff}
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			allowed int
		)
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				wait, err := st.ReserveLogin(ctx, now, account, address)
				assert.NoError(t, err)
				mu.Lock()
				defer mu.Unlock()
				if wait == 0 {
					allowed++
				} else {
					assert.Equal(t, 30*time.Second, wait)
				}
			}()
		}
		wg.Wait()
		assert.Equal(t, identity.AccountBackoff.Free, allowed)

		// A success clears the account: five more are free.
		require.NoError(t, st.LoginSucceeded(ctx, account.Key, address.Key))
		for range 5 {
			wait, err := st.ReserveLogin(ctx, now, account, address)
			require.NoError(t, err)
			require.Zero(t, wait)
		}
		wait, err := st.ReserveLogin(ctx, now.Add(10*time.Second), account, address)
		require.NoError(t, err)
		assert.Equal(t, 20*time.Second, wait)
		// An hour later the attempts are forgotten.
		wait, err = st.ReserveLogin(ctx, now.Add(time.Hour), account, address)
		require.NoError(t, err)
		assert.Zero(t, wait)
	})
}
