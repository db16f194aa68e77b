package store_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
)

// The store keeps tokens and sessions by the hash of their secret
// (identity makes and hashes secrets); these tests hand it hashes.

// TestAuthenticateRecordsUseOncePerMinute: a token's last use is written on
// the first request and then at most once a minute, not on every request;
// revoked tokens and disabled users are still refused.
func TestAuthenticateRecordsUseOncePerMinute(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		u, err := st.CreateUser(ctx, identity.User{Login: "office", Name: "督查室", Role: slip.RoleOffice}, "")
		require.NoError(t, err)
		plain := "hash-of-test"
		tok, err := st.CreateToken(ctx, u.ID, "test", plain, 0)
		require.NoError(t, err)
		require.Nil(t, store.TokenLastUsed(t, st, tok.ID))

		t0 := time.Now().UTC().Truncate(time.Second)
		got, err := st.Authenticate(ctx, plain, t0)
		require.NoError(t, err)
		assert.Equal(t, u.ID, got.ID)
		assert.Equal(t, slip.RoleOffice, got.Role)
		assert.Equal(t, "office", got.Login)
		first := store.TokenLastUsed(t, st, tok.ID)
		require.NotNil(t, first)
		assert.True(t, first.Equal(t0), "last used %v, want %v", first, t0)

		// Within the minute: no write.
		_, err = st.Authenticate(ctx, plain, t0.Add(59*time.Second))
		require.NoError(t, err)
		assert.True(t, store.TokenLastUsed(t, st, tok.ID).Equal(t0))

		// A minute on: recorded again.
		_, err = st.Authenticate(ctx, plain, t0.Add(61*time.Second))
		require.NoError(t, err)
		assert.True(t, store.TokenLastUsed(t, st, tok.ID).Equal(t0.Add(61*time.Second)))

		// Unknown, expired, revoked and disabled are all the same 401.
		_, err = st.Authenticate(ctx, plain+"x", t0)
		assert.Equal(t, slip.KindUnauthorized, kindOf(err))
		short := "hash-of-short"
		_, err = st.CreateToken(ctx, u.ID, "short", short, time.Minute)
		require.NoError(t, err)
		_, err = st.Authenticate(ctx, short, time.Now().Add(2*time.Minute))
		assert.Equal(t, slip.KindUnauthorized, kindOf(err))
		require.NoError(t, st.RevokeToken(ctx, tok.ID))
		_, err = st.Authenticate(ctx, plain, t0.Add(2*time.Minute))
		assert.Equal(t, slip.KindUnauthorized, kindOf(err))
		other := "hash-of-other"
		_, err = st.CreateToken(ctx, u.ID, "other", other, 0)
		require.NoError(t, err)
		_, err = st.Authenticate(ctx, other, t0)
		require.NoError(t, err)
		require.NoError(t, st.DisableUser(ctx, "office"))
		_, err = st.Authenticate(ctx, other, t0)
		assert.Equal(t, slip.KindUnauthorized, kindOf(err))
	})
}

// TestSessionUser: a live session gives its user and CSRF token in one read;
// an unknown or expired session, or a disabled user's, is refused.
func TestSessionUser(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		dept := "zjj"
		_, err := st.CreateDepartment(ctx, slip.Department{Code: dept, Name: "住建局"})
		require.NoError(t, err)
		u, err := st.CreateUser(ctx, identity.User{Login: "zjj", Name: "住建局", Role: slip.RoleDepartment, Department: dept}, "")
		require.NoError(t, err)
		cookie, csrf := "hash-of-cookie", "csrf"
		require.NoError(t, st.CreateSession(ctx, u.ID, cookie, csrf, time.Hour))
		got, gotCSRF, err := st.SessionUser(ctx, cookie, time.Now())
		require.NoError(t, err)
		assert.Equal(t, csrf, gotCSRF)
		assert.Equal(t, u.ID, got.ID)
		assert.Equal(t, dept, got.Department)
		assert.Equal(t, slip.RoleDepartment, got.Role)

		_, _, err = st.SessionUser(ctx, cookie+"x", time.Now())
		assert.Equal(t, slip.KindUnauthorized, kindOf(err))
		_, _, err = st.SessionUser(ctx, cookie, time.Now().Add(2*time.Hour))
		assert.Equal(t, slip.KindUnauthorized, kindOf(err))
		require.NoError(t, st.DisableUser(ctx, "zjj"))
		_, _, err = st.SessionUser(ctx, cookie, time.Now())
		assert.Equal(t, slip.KindUnauthorized, kindOf(err))
	})
}

func kindOf(err error) slip.Kind {
	if e := slip.AsError(err); e != nil {
		return e.Kind
	}
	return ""
}

// BenchmarkAuthenticate is the cost of checking a bearer token on the
// embedded default's SQLite ledger, as every API request does.
func BenchmarkAuthenticate(b *testing.B) {
	st := storetest.Open(b, store.SQLite)
	u, err := st.CreateUser(ctx, identity.User{Login: "office", Name: "督查室", Role: slip.RoleOffice}, "")
	if err != nil {
		b.Fatal(err)
	}
	plain := "hash-of-bench"
	if _, err := st.CreateToken(ctx, u.ID, "bench", plain, 0); err != nil {
		b.Fatal(err)
	}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := st.Authenticate(ctx, plain, time.Now()); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// TestPostgresJITIsOff: the ledger's PostgreSQL connections run without JIT
// compilation (store.Open sets jit=off unless the URL says otherwise).
func TestPostgresJITIsOff(t *testing.T) {
	st := storetest.Open(t, store.Postgres)
	assert.Equal(t, "off", store.Setting(t, st, "jit"))
}
