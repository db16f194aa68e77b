package validate

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/duban-gov/duban/internal/temporalconf"
)

// TestTemporalServerOptionsAreTheProvenOnes: compose and the Helm values run
// Temporal with the options the kill test proves (`duban temporal`, from
// internal/temporalconf): the server version duban is built against, the
// PostgreSQL plugin for persistence and visibility, the history shard
// count, and exactly the same dynamic configuration.
func TestTemporalServerOptionsAreTheProvenOnes(t *testing.T) {
	gomod := readText(t, filepath.Join(deployDir, "..", "go.mod"))
	m := regexp.MustCompile(`(?m)^\s*go\.temporal\.io/server v(\S+)`).FindStringSubmatch(gomod)
	if m == nil {
		t.Fatal("go.mod: no go.temporal.io/server requirement")
	}
	if v := readEnvFile(t, filepath.Join(composeDir, ".env.example"))["TEMPORAL_VERSION"]; v != m[1] {
		t.Errorf(".env.example TEMPORAL_VERSION %q; duban is built and tested with go.temporal.io/server v%s", v, m[1])
	}
	svcs := composeServices(t)
	for _, svc := range []string{"temporal", "temporal-schema"} {
		if img := mustService(t, svcs, svc).image(); !strings.Contains(img, ":-"+m[1]+"}") {
			t.Errorf("service %s: image %q, want the default tag %s", svc, img, m[1])
		}
	}

	// compose
	env := mustService(t, svcs, "temporal").env()
	if env["DB"] != temporalconf.Plugin {
		t.Errorf("service temporal: DB %q, want %q", env["DB"], temporalconf.Plugin)
	}
	if env["NUM_HISTORY_SHARDS"] != strconv.Itoa(temporalconf.HistoryShards) {
		t.Errorf("service temporal: NUM_HISTORY_SHARDS %q, want %d", env["NUM_HISTORY_SHARDS"], temporalconf.HistoryShards)
	}
	if p := mustService(t, svcs, "temporal-schema").env()["SQL_PLUGIN"]; p != temporalconf.Plugin {
		t.Errorf("service temporal-schema: SQL_PLUGIN %q, want %q", p, temporalconf.Plugin)
	}
	dc := readDocuments(t, filepath.Join(composeDir, "temporal", "dynamicconfig.yaml"))[0].m
	checkDynamicConfig(t, "compose/temporal/dynamicconfig.yaml", dc)

	// Helm
	helm := readDocuments(t, filepath.Join(deployDir, "helm", "temporal-values.yaml"))[0].m
	if got := fmt.Sprint(at(helm, "server", "config", "persistence", "numHistoryShards")); got != strconv.Itoa(temporalconf.HistoryShards) {
		t.Errorf("temporal-values.yaml numHistoryShards %s, want %d", got, temporalconf.HistoryShards)
	}
	for _, store := range []string{"default", "visibility"} {
		sql := mapping(helm, "server", "config", "persistence", "datastores", store, "sql")
		if str(sql, "pluginName") != temporalconf.Plugin || str(sql, "driverName") != temporalconf.Plugin {
			t.Errorf("temporal-values.yaml datastore %s: plugin %q driver %q, want %q", store, str(sql, "pluginName"), str(sql, "driverName"), temporalconf.Plugin)
		}
	}
	checkDynamicConfig(t, "helm/temporal-values.yaml server.dynamicConfig", mapping(helm, "server", "dynamicConfig"))
}

// checkDynamicConfig: exactly temporalconf.DynamicConfig, each key one
// unconstrained value.
func checkDynamicConfig(t *testing.T, where string, got map[string]any) {
	t.Helper()
	want := temporalconf.DynamicConfig()
	for k, v := range want {
		values := list(got, k)
		if len(values) != 1 {
			t.Errorf("%s: %s has %d values, want one: %v", where, k, len(values), v)
			continue
		}
		if c := mapping(values[0], "constraints"); len(c) != 0 {
			t.Errorf("%s: %s has constraints %v; the proven configuration has none", where, k, c)
		}
		if g := fmt.Sprint(at(values[0], "value")); g != fmt.Sprint(v) {
			t.Errorf("%s: %s = %s, want %v", where, k, g, v)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: %s is not in the configuration the kill test proves (internal/temporalconf)", where, k)
		}
	}
}
