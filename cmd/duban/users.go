package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/internal/app"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
)

// userCommand manages users from the command line (against DUBAN_DATABASE_URL).
func userCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "user", Short: "Manage users and their API tokens"}

	var login, name, role, department, scope, password string
	var expires time.Duration
	add := &cobra.Command{
		Use:   "add",
		Short: "Add a user and print their first API token (shown once)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd.Context(), func(ctx context.Context, st *store.Store) error {
				var hash string
				if password != "" {
					var err error
					if hash, err = identity.HashPassword(password); err != nil {
						return err
					}
				}
				u, err := st.CreateUser(ctx, identity.User{Login: login, Name: name, Role: slip.Role(role), Department: department, Scope: scope}, hash)
				if err != nil {
					return err
				}
				token, _, err := app.IssueToken(ctx, st, u.ID, "duban user add", expires)
				if err != nil {
					return err
				}
				fmt.Printf("user %s (%s, %s) created\ntoken: %s\n(store it now: it is not shown again)\n", u.Login, u.Name, u.Role, token)
				return nil
			})
		},
	}
	add.Flags().StringVar(&login, "login", "", "login name (required)")
	add.Flags().StringVar(&name, "name", "", "full name, as it appears on the timeline (required)")
	add.Flags().StringVar(&role, "role", "", "office, department, leader, admin, inspector (督查员) or citizen (市民监督员) (required)")
	add.Flags().StringVar(&department, "department", "", "department code (department users only)")
	add.Flags().StringVar(&scope, "scope", "", "department code whose subtree an office, leader or inspector works in (a town's own office); empty: the whole government")
	add.Flags().StringVar(&password, "password", "", "password for the web login (optional; 10–72 characters)")
	add.Flags().DurationVar(&expires, "expires", 0, "token lifetime, e.g. 720h (0: no expiry)")

	var tokenLogin, label string
	var tokenExpires time.Duration
	token := &cobra.Command{
		Use:   "token",
		Short: "Issue another API token for a user (shown once)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd.Context(), func(ctx context.Context, st *store.Store) error {
				u, _, err := st.UserByLogin(ctx, tokenLogin)
				if err != nil {
					return err
				}
				plain, info, err := app.IssueToken(ctx, st, u.ID, label, tokenExpires)
				if err != nil {
					return err
				}
				fmt.Printf("token %d for %s: %s\n(store it now: it is not shown again)\n", info.ID, u.Login, plain)
				return nil
			})
		},
	}
	token.Flags().StringVar(&tokenLogin, "login", "", "login name (required)")
	token.Flags().StringVar(&label, "label", "", "what the token is for")
	token.Flags().DurationVar(&tokenExpires, "expires", 0, "token lifetime, e.g. 720h (0: no expiry)")

	var disableLogin string
	disable := &cobra.Command{
		Use:   "disable",
		Short: "Disable a user: sign-in and every token stop working",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd.Context(), func(ctx context.Context, st *store.Store) error {
				if err := st.DisableUser(ctx, disableLogin); err != nil {
					return err
				}
				fmt.Printf("user %s disabled\n", disableLogin)
				return nil
			})
		},
	}
	disable.Flags().StringVar(&disableLogin, "login", "", "login name (required)")
	for _, c := range []*cobra.Command{add, token, disable} {
		_ = c.MarkFlagRequired("login")
	}
	for _, f := range []string{"name", "role"} {
		_ = add.MarkFlagRequired(f)
	}
	cmd.AddCommand(add, token, disable)
	return cmd
}

// withStore opens and migrates the store named by DUBAN_DATABASE_URL.
func withStore(ctx context.Context, fn func(ctx context.Context, st *store.Store) error) error {
	cfg, err := configFromEnv(true)
	if err != nil {
		return err
	}
	st, err := cfg.openMigratedStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(ctx, st)
}

// demoUsers are created on the first dev start, one per role.
var demoUsers = []identity.User{
	{Login: "office", Name: "督查室张敏", Role: slip.RoleOffice},
	{Login: "zjj", Name: "住建局李强", Role: slip.RoleDepartment, Department: "zjj"},
	{Login: "fgw", Name: "发改委王芳", Role: slip.RoleDepartment, Department: "fgw"},
	{Login: "leader", Name: "王副市长", Role: slip.RoleLeader},
	{Login: "admin", Name: "系统管理员", Role: slip.RoleAdmin},
	{Login: "inspector", Name: "督查员周明", Role: slip.RoleInspector},
	{Login: "citizen", Name: "市民监督员刘芳", Role: slip.RoleCitizen},
}

// seedDemoUsers creates the demo users when there are none, with the
// password "duban-demo-2026" and a token each, printed once and written to
// demo-tokens.txt (mode 0600) in the data directory.
func seedDemoUsers(ctx context.Context, st *store.Store, dataDir string) error {
	existing, err := st.ListUsers(ctx)
	if err != nil || len(existing) > 0 {
		return err
	}
	hash, err := identity.HashPassword(demoPassword)
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# duban dev demo accounts (password for the web login: %s)\n", demoPassword)
	for _, u := range demoUsers {
		created, err := st.CreateUser(ctx, u, hash)
		if err != nil {
			return fmt.Errorf("create demo user %s: %w", u.Login, err)
		}
		token, _, err := app.IssueToken(ctx, st, created.ID, "duban dev demo", 0)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%-8s %-10s %-12s %s\n", u.Login, u.Role, u.Name, token)
	}
	path := filepath.Join(dataDir, "demo-tokens.txt")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	fmt.Printf("\nDemo accounts (also in %s):\n%s\n", path, b.String())
	return nil
}

const demoPassword = "duban-demo-2026"
