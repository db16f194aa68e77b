package store

import (
	"context"
	"testing"
	"time"

	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/slip"
)

// TestRolesMigrationKeepsUsersOnSQLite runs migration 0053, which remakes
// SQLite's users table to admit the 回头看 roles, over a ledger that has
// users, a department user's department, tokens and sessions: every user
// keeps its id and fields, every token and session still signs in, and
// foreign keys still hold afterwards.
func TestRolesMigrationKeepsUsersOnSQLite(t *testing.T) {
	ctx := context.Background()
	st := openSQLite(t, true)
	if _, err := st.CreateDepartment(ctx, slip.Department{Code: "zjj", Name: "住建局"}); err != nil {
		t.Fatal(err)
	}
	users := []identity.User{
		{Login: "office", Name: "督查室张敏", Role: slip.RoleOffice},
		{Login: "zjj", Name: "住建局李强", Role: slip.RoleDepartment, Department: "zjj"},
	}
	tokens := map[string]string{}
	for i, u := range users {
		created, err := st.CreateUser(ctx, u, "")
		if err != nil {
			t.Fatal(err)
		}
		users[i] = created
		_, hash, err := identity.NewToken()
		if err != nil {
			t.Fatal(err)
		}
		if _, err = st.CreateToken(ctx, created.ID, "t", hash, 0); err != nil {
			t.Fatal(err)
		}
		tokens[u.Login] = hash
	}
	_, cookie, csrf, err := identity.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateSession(ctx, users[1].ID, cookie, csrf, time.Hour); err != nil {
		t.Fatal(err)
	}

	// Run 0053 again, as on a ledger made before it (and 0081, which adds
	// a column to the users 0053 remakes, after it).
	if err := st.db.Exec(`DELETE FROM schema_migrations WHERE version IN ('0053_inspector_roles', '0081_user_scope')`).Error; err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		t.Fatalf("migrate over existing users: %v", err)
	}

	for _, u := range users {
		got, err := st.Authenticate(ctx, tokens[u.Login], time.Now())
		if err != nil || got != u {
			t.Errorf("token of %s after the migration: %+v, %v; want %+v", u.Login, got, err, u)
		}
	}
	if got, _, err := st.SessionUser(ctx, cookie, time.Now()); err != nil || got.ID != users[1].ID {
		t.Errorf("session after the migration: %+v, %v", got, err)
	}
	if _, err := st.CreateUser(ctx, identity.User{Login: "citizen", Name: "市民监督员刘", Role: slip.RoleCitizen}, ""); err != nil {
		t.Errorf("a citizen supervisor after the migration: %v", err)
	}
	var problems []map[string]any
	if err := st.db.Raw(`PRAGMA foreign_key_check`).Scan(&problems).Error; err != nil || len(problems) > 0 {
		t.Errorf("foreign key check: %v %v", problems, err)
	}
	if err := st.db.Exec(`INSERT INTO api_tokens (user_id, token_hash, created_at) VALUES (999, 'x', ?)`, time.Now()).Error; err == nil {
		t.Error("a token of a user that does not exist was accepted: foreign keys are off")
	}
}
