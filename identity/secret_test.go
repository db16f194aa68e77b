package identity_test

import (
	"strings"
	"testing"

	"github.com/duban-gov/duban/identity"
)

// TestNewTokenAndSession: what is stored is the hash of what the user holds,
// never the secret itself, and every secret is new.
func TestNewTokenAndSession(t *testing.T) {
	plain, hash, err := identity.NewToken()
	if err != nil || !strings.HasPrefix(plain, identity.TokenPrefix) || hash != identity.HashSecret(plain) || hash == plain {
		t.Fatalf("NewToken = %q, %q, %v", plain, hash, err)
	}
	cookie, chash, csrf, err := identity.NewSession()
	if err != nil || chash != identity.HashSecret(cookie) || csrf == "" || csrf == cookie {
		t.Fatalf("NewSession = %q, %q, %q, %v", cookie, chash, csrf, err)
	}
	again, _, _ := identity.NewToken()
	if again == plain {
		t.Fatal("two tokens alike")
	}
}
