package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/duban-gov/duban/org"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
)

// openTwice opens two stores on one new, migrated ledger of dialect d: two
// processes sharing it (one API and another, or the API and `duban user`).
func openTwice(t *testing.T, d store.Dialect) (a, b *store.Store, url string) {
	t.Helper()
	url = storetest.URL(t, d)
	return storetest.OpenURL(t, url), storetest.OpenURL(t, url), url
}

// TestOrgTreeFollowsEveryChange: a store keeps the unit tree it read, and
// still sees at once every change another process makes to departments and
// 专班 members, through the store or in plain SQL.
func TestOrgTreeFollowsEveryChange(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			a, b, url := openTwice(t, d)
			tree := func() org.Tree {
				t.Helper()
				tr, err := a.OrgTree(ctx)
				if err != nil {
					t.Fatal(err)
				}
				return tr
			}
			if tree().Has("city") {
				t.Fatal("empty ledger has a unit")
			}
			_, err := a.CreateDepartment(ctx, slip.Department{Code: "city", Name: "市直"})
			storetest.Must(t, err)
			if !tree().Has("city") {
				t.Fatal("own new unit not in the tree")
			}
			tree() // kept now

			_, err = b.CreateDepartment(ctx, slip.Department{Code: "zjj", Name: "住建局", ParentCode: "city"})
			storetest.Must(t, err)
			if n, ok := tree().Node("zjj"); !ok || n.Parent != "city" {
				t.Fatalf("another process's new unit: %+v %v", n, ok)
			}
			_, err = b.CreateDepartment(ctx, slip.Department{Code: "sw", Name: "水务局"})
			storetest.Must(t, err)
			_, err = b.CreateTaskforce(ctx, org.Taskforce{Code: "tf", Name: "专班", LeadUnit: "zjj", Members: []string{"sw"}})
			storetest.Must(t, err)
			if got := tree().TeamsOf("sw"); !slices.Equal(got, []string{"tf"}) {
				t.Fatalf("sw's 专班 after it joined = %v", got)
			}
			_, err = b.UpdateTaskforce(ctx, org.Taskforce{Code: "tf", Name: "专班", LeadUnit: "zjj", Members: []string{}})
			storetest.Must(t, err)
			if got := tree().TeamsOf("sw"); len(got) != 0 {
				t.Fatalf("sw's 专班 after it left = %v", got)
			}
			raw := storetest.OpenRaw(t, url)
			if _, err := raw.ExecContext(ctx, "INSERT INTO departments (code, name, parent_code, created_at) VALUES ('jtj', '交通局', 'city', CURRENT_TIMESTAMP)"); err != nil {
				t.Fatal(err)
			}
			if n, _ := tree().Node("jtj"); n.Parent != "city" {
				t.Fatalf("jtj's parent after plain SQL added it = %q", n.Parent)
			}
			// A unit keeps its parent (migration 0160: the rollup counts
			// slips for the units above theirs), even in plain SQL.
			if _, err := raw.ExecContext(ctx, "UPDATE departments SET parent_code = NULL WHERE code = 'zjj'"); err == nil {
				t.Fatal("plain SQL moved zjj out from under city")
			}
			if _, err := raw.ExecContext(ctx, "UPDATE departments SET name = '市住建局' WHERE code = 'zjj'"); err != nil {
				t.Fatalf("renaming a unit: %v", err)
			}
			if n, _ := tree().Node("zjj"); n.Parent != "city" {
				t.Fatalf("zjj's parent after the refused move = %q", n.Parent)
			}
			if _, err := raw.ExecContext(ctx, "INSERT INTO taskforce_members (taskforce_code, unit_code) VALUES ('tf', 'sw')"); err != nil {
				t.Fatal(err)
			}
			if got := tree().TeamsOf("sw"); !slices.Equal(got, []string{"tf"}) {
				t.Fatalf("sw's 专班 after plain SQL added it = %v", got)
			}
		})
	}
}

// TestOrgTreeIsKeptWhileItsVersionStands: the tree is read again only when
// org_version moved. A change made with the triggers switched off (possible
// only to the database's owner, on purpose) is not seen until the next
// bump — which shows the tree was kept, not read again.
func TestOrgTreeIsKeptWhileItsVersionStands(t *testing.T) {
	ctx := context.Background()
	a, b, url := openTwice(t, store.Postgres)
	_, err := b.CreateDepartment(ctx, slip.Department{Code: "city", Name: "市直"})
	storetest.Must(t, err)
	_, err = b.CreateDepartment(ctx, slip.Department{Code: "zjj", Name: "住建局", ParentCode: "city"})
	storetest.Must(t, err)
	if tr, err := a.OrgTree(ctx); err != nil || !tr.Has("zjj") {
		t.Fatalf("tree: %v", err)
	}

	conn, err := storetest.OpenRaw(t, url).Conn(ctx)
	storetest.Must(t, err)
	defer conn.Close()
	for _, q := range []string{`SET session_replication_role = replica`, `UPDATE departments SET parent_code = NULL WHERE code = 'zjj'`} {
		_, err := conn.ExecContext(ctx, q)
		storetest.Must(t, err)
	}
	tr, err := a.OrgTree(ctx)
	storetest.Must(t, err)
	if n, _ := tr.Node("zjj"); n.Parent != "city" {
		t.Fatalf("tree read again without a version bump: zjj's parent = %q", n.Parent)
	}

	_, err = b.CreateDepartment(ctx, slip.Department{Code: "sw", Name: "水务局"}) // bumps
	storetest.Must(t, err)
	tr, err = a.OrgTree(ctx)
	storetest.Must(t, err)
	if n, _ := tr.Node("zjj"); n.Parent != "" || !tr.Has("sw") {
		t.Fatalf("after a bump the tree is read again: zjj's parent = %q, sw there: %v", n.Parent, tr.Has("sw"))
	}
}

// BenchmarkOrgTree: the tree a department user's every request needs, in a
// county of 200 units and 10 专班 of 8 members each.
func BenchmarkOrgTree(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run(string(d), func(b *testing.B) {
			ctx := context.Background()
			st := storetest.Open(b, d)
			for i := range 200 {
				_, err := st.CreateDepartment(ctx, slip.Department{Code: fmt.Sprintf("u%03d", i), Name: fmt.Sprintf("单位%d", i)})
				storetest.Must(b, err)
			}
			for i := range 10 {
				members := make([]string, 8)
				for j := range members {
					members[j] = fmt.Sprintf("u%03d", (i*8+j)%200)
				}
				_, err := st.CreateTaskforce(ctx, org.Taskforce{Code: fmt.Sprintf("tf%02d", i), Name: "专班", LeadUnit: members[0], Members: members})
				storetest.Must(b, err)
			}
			for b.Loop() {
				if _, err := st.OrgTree(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
