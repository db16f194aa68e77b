package devserver

import (
	"fmt"
	"os"
	"testing"
	"time"

	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/log"
	v12 "go.temporal.io/server/schema/postgresql/v12"
	sqltool "go.temporal.io/server/tools/sql"

	"github.com/duban-gov/duban/internal/temporalconf"
)

// The production shape's dynamic configuration names real server settings:
// a misspelt key would be ignored by the server without a word.
func TestDynamicConfigKeysAreServerSettings(t *testing.T) {
	known := map[string]bool{
		dynamicconfig.MatchingNumTaskqueueReadPartitions.Key().String():  true,
		dynamicconfig.MatchingNumTaskqueueWritePartitions.Key().String(): true,
		dynamicconfig.MaxIDLengthLimit.Key().String():                    true,
	}
	for k := range temporalconf.DynamicConfig() {
		// Keys are case-insensitive; the server lower-cases them.
		if !known[dynamicconfig.MakeKey(k).String()] {
			t.Errorf("temporalconf.DynamicConfig key %q is not one of the server settings this test knows", k)
		}
	}
	if len(staticDynamicConfig(false)) != len(temporalconf.DynamicConfig()) {
		t.Errorf("on PostgreSQL the server runs with more than temporalconf.DynamicConfig: %v", staticDynamicConfig(false))
	}
}

// SetupPostgresSchema creates both databases at the module's schema
// versions, and a second run changes nothing.
func TestSetupPostgresSchema(t *testing.T) {
	url := os.Getenv("DUBAN_TEST_DATABASE_URL")
	if url == "" {
		if os.Getenv("DUBAN_REQUIRE_POSTGRES") == "1" {
			t.Fatal("DUBAN_TEST_DATABASE_URL is not set but DUBAN_REQUIRE_POSTGRES=1")
		}
		t.Skip("DUBAN_TEST_DATABASE_URL not set: PostgreSQL schema test skipped")
	}
	suffix := fmt.Sprintf("%d", time.Now().UnixNano())
	p := Postgres{URL: url, Database: "temporal_t" + suffix, VisibilityDatabase: "temporal_vis_t" + suffix}.withDefaults()
	logger := log.NewNoopLogger()
	t.Cleanup(func() {
		for _, db := range []string{p.Database, p.VisibilityDatabase} {
			cfg, _ := p.sqlConfig(db)
			_ = sqltool.DoDropDatabase(cfg, p.adminDatabase(), logger)
		}
	})
	for run := 1; run <= 2; run++ {
		if err := SetupPostgresSchema(p, logger); err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		for db, want := range map[string]string{p.Database: v12.Version, p.VisibilityDatabase: v12.VisibilityVersion} {
			cfg, err := p.sqlConfig(db)
			if err != nil {
				t.Fatal(err)
			}
			conn, err := sqltool.NewConnection(cfg, logger)
			if err != nil {
				t.Fatal(err)
			}
			got, err := conn.ReadSchemaVersion()
			conn.Close()
			if err != nil || got != want {
				t.Errorf("run %d: %s schema version %q (%v), want %q", run, db, got, err, want)
			}
		}
	}
}
