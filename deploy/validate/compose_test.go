package validate

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// wantServices are the compose services deploy/README.md describes.
var wantServices = []string{
	"postgres", "temporal-schema", "temporal", "temporal-namespace", "temporal-ui",
	"migrate", "api1", "api2", "worker1", "worker2", "proxy",
}

// wantDatabases maps each database the stack needs to its owning role.
var wantDatabases = map[string]string{
	"temporal":            "temporal",
	"temporal_visibility": "temporal",
	"duban":               "duban",
}

type service struct {
	name string
	m    map[string]any
}

func (s service) image() string     { return str(s.m, "image") }
func (s service) command() []string { return strs(s.m, "command") }

// role is the duban subcommand the service runs, "" for other images.
func (s service) role() string {
	if s.image() != wantImage || len(s.command()) == 0 {
		return ""
	}
	return s.command()[0]
}

// env is the service's environment in either compose syntax (map or KEY=value list).
func (s service) env() map[string]string {
	out := map[string]string{}
	switch e := at(s.m, "environment").(type) {
	case map[string]any:
		for k, v := range e {
			out[k] = fmt.Sprint(v)
		}
	case []any:
		for _, kv := range e {
			k, v, _ := strings.Cut(fmt.Sprint(kv), "=")
			out[k] = v
		}
	}
	return out
}

// dependsOn maps each dependency to its condition (the short list form
// means service_started).
func (s service) dependsOn() map[string]string {
	out := map[string]string{}
	switch d := at(s.m, "depends_on").(type) {
	case []any:
		for _, n := range d {
			out[fmt.Sprint(n)] = "service_started"
		}
	case map[string]any:
		for n, v := range d {
			c := str(v, "condition")
			if c == "" {
				c = "service_started"
			}
			out[n] = c
		}
	}
	return out
}

// binds are the service's bind mounts as host path (relative to the compose
// directory, as written) → container path.
func (s service) binds() map[string]string {
	out := map[string]string{}
	for _, v := range list(s.m, "volumes") {
		spec, ok := v.(string)
		if !ok {
			if str(v, "type") == "bind" {
				out[str(v, "source")] = str(v, "target")
			}
			continue
		}
		parts := strings.Split(spec, ":")
		if len(parts) >= 2 && (strings.HasPrefix(parts[0], ".") || strings.HasPrefix(parts[0], "/")) {
			out[parts[0]] = parts[1]
		}
	}
	return out
}

func composeServices(t *testing.T) map[string]service {
	t.Helper()
	doc := readDocuments(t, filepath.Join(composeDir, "compose.yaml"))[0]
	out := map[string]service{}
	for name, v := range mapping(doc.m, "services") {
		m, _ := v.(map[string]any)
		out[name] = service{name: name, m: m}
	}
	if len(out) == 0 {
		t.Fatal("compose.yaml has no services")
	}
	return out
}

func mustService(t *testing.T, svcs map[string]service, name string) service {
	t.Helper()
	s, ok := svcs[name]
	if !ok {
		t.Fatalf("compose.yaml has no service %q", name)
	}
	return s
}

// servicesWithRole are the duban services running one subcommand, sorted.
func servicesWithRole(svcs map[string]service, role string) []string {
	var out []string
	for _, n := range sortedKeys(svcs) {
		if svcs[n].role() == role {
			out = append(out, n)
		}
	}
	return out
}

func TestComposeHasTheDescribedServices(t *testing.T) {
	svcs := composeServices(t)
	for _, n := range wantServices {
		if _, ok := svcs[n]; !ok {
			t.Errorf("compose.yaml: no service %q", n)
		}
	}
	for role, want := range map[string][]string{
		"migrate": {"migrate"},
		"serve":   {"api1", "api2"},
		"worker":  {"worker1", "worker2"},
	} {
		if got := servicesWithRole(svcs, role); !slices.Equal(got, want) {
			t.Errorf("services running `duban %s`: %v, want %v", role, got, want)
		}
	}
	for _, n := range []string{"migrate", "api1", "api2", "worker1", "worker2"} {
		if img := svcs[n].image(); img != wantImage {
			t.Errorf("service %s: image %q, want %q", n, img, wantImage)
		}
	}
	if img := mustService(t, svcs, "postgres").image(); !strings.HasPrefix(img, "postgres:16") {
		t.Errorf("service postgres: image %q, want postgres:16", img)
	}
	for svc, prefix := range map[string]string{
		"temporal":           "temporalio/server:",
		"temporal-schema":    "temporalio/admin-tools:",
		"temporal-namespace": "temporalio/admin-tools:",
		"temporal-ui":        "temporalio/ui:",
	} {
		if img := mustService(t, svcs, svc).image(); !strings.HasPrefix(img, prefix) {
			t.Errorf("service %s: image %q, want %s…", svc, img, prefix)
		}
	}
}

func TestComposeStartupOrder(t *testing.T) {
	svcs := composeServices(t)
	want := map[string]map[string]string{
		"migrate":            {"postgres": "service_healthy"},
		"temporal-schema":    {"postgres": "service_healthy"},
		"temporal":           {"temporal-schema": "service_completed_successfully"},
		"temporal-namespace": {"temporal": "service_healthy"},
	}
	for _, n := range append(servicesWithRole(svcs, "serve"), servicesWithRole(svcs, "worker")...) {
		want[n] = map[string]string{
			"migrate":            "service_completed_successfully",
			"temporal":           "service_healthy",
			"temporal-namespace": "service_completed_successfully",
		}
	}
	for svc, deps := range want {
		got := mustService(t, svcs, svc).dependsOn()
		for dep, cond := range deps {
			if got[dep] != cond {
				t.Errorf("service %s: depends_on %s condition %q, want %q", svc, dep, got[dep], cond)
			}
		}
	}

	// Every condition can be met by its target.
	for _, n := range sortedKeys(svcs) {
		for dep, cond := range svcs[n].dependsOn() {
			target, ok := svcs[dep]
			if !ok {
				t.Errorf("service %s: depends_on unknown service %q", n, dep)
				continue
			}
			switch cond {
			case "service_started":
			case "service_healthy":
				if at(target.m, "healthcheck", "test") == nil {
					t.Errorf("service %s waits for %s to be healthy, which has no healthcheck", n, dep)
				}
			case "service_completed_successfully":
				// A one-shot that compose restarts never settles as "completed".
				if r := str(target.m, "restart"); r != "no" {
					t.Errorf("service %s waits for %s to complete, whose restart is %q, want \"no\"", n, dep, r)
				}
			default:
				t.Errorf("service %s: depends_on %s: unknown condition %q", n, dep, cond)
			}
		}
	}
	for _, n := range []string{"postgres", "temporal"} {
		if at(mustService(t, svcs, n).m, "healthcheck", "test") == nil {
			t.Errorf("service %s: no healthcheck", n)
		}
	}
}

func TestComposeBindMountsExist(t *testing.T) {
	svcs := composeServices(t)
	for _, n := range sortedKeys(svcs) {
		for src := range svcs[n].binds() {
			if _, err := os.Stat(filepath.Join(composeDir, src)); err != nil {
				t.Errorf("service %s mounts %s: %v", n, src, err)
			}
		}
		if b := mapping(svcs[n].m, "build"); b != nil {
			ctx := filepath.Join(composeDir, str(b, "context"))
			if _, err := os.Stat(filepath.Join(ctx, "go.mod")); err != nil {
				t.Errorf("service %s: build context %s is not the repository root: %v", n, str(b, "context"), err)
			}
			if _, err := os.Stat(filepath.Join(ctx, str(b, "dockerfile"))); err != nil {
				t.Errorf("service %s: dockerfile: %v", n, err)
			}
		}
	}
}

var createDatabase = regexp.MustCompile(`(?i)CREATE\s+DATABASE\s+(\w+)\s+OWNER\s+(\w+)`)

// TestComposeDatabasesLineUp: the init script creates each database with its
// own owner, and the Temporal server and duban log in as those owners.
func TestComposeDatabasesLineUp(t *testing.T) {
	svcs := composeServices(t)
	var initDir string
	for src, dst := range mustService(t, svcs, "postgres").binds() {
		if dst == "/docker-entrypoint-initdb.d" {
			initDir = filepath.Join(composeDir, src)
		}
	}
	if initDir == "" {
		t.Fatal("service postgres: nothing mounted at /docker-entrypoint-initdb.d")
	}
	scripts, err := filepath.Glob(filepath.Join(initDir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	created := map[string]string{}
	for _, s := range scripts {
		for _, m := range createDatabase.FindAllStringSubmatch(readText(t, s), -1) {
			created[m[1]] = m[2]
		}
	}
	for db, owner := range wantDatabases {
		if created[db] != owner {
			t.Errorf("postgres init: database %s owned by %q, want %q", db, created[db], owner)
		}
	}

	temporal := mustService(t, svcs, "temporal").env()
	for key, db := range map[string]string{"DBNAME": "temporal", "VISIBILITY_DBNAME": "temporal_visibility"} {
		if temporal[key] != db {
			t.Errorf("service temporal: %s %q, want %q", key, temporal[key], db)
		}
		if temporal["POSTGRES_USER"] != wantDatabases[db] {
			t.Errorf("service temporal: POSTGRES_USER %q, but %s is owned by %q", temporal["POSTGRES_USER"], db, wantDatabases[db])
		}
	}
	if u := mustService(t, svcs, "temporal-schema").env()["SQL_USER"]; u != wantDatabases["temporal"] {
		t.Errorf("service temporal-schema: SQL_USER %q, want %q", u, wantDatabases["temporal"])
	}

	for _, n := range []string{"migrate", "api1", "api2", "worker1", "worker2"} {
		raw := mustService(t, svcs, n).env()["DUBAN_DATABASE_URL"]
		u, err := url.Parse(interpolation.ReplaceAllString(raw, "x"))
		if err != nil {
			t.Errorf("service %s: DUBAN_DATABASE_URL: %v", n, err)
			continue
		}
		db := strings.TrimPrefix(u.Path, "/")
		if u.Scheme != "postgres" || u.Hostname() != "postgres" || wantDatabases[db] == "" || u.User.Username() != wantDatabases[db] {
			t.Errorf("service %s: DUBAN_DATABASE_URL %q: want postgres://<owner of %s>@postgres/…", n, raw, db)
		}
	}
}

func TestComposeProxyBalancesEveryAPI(t *testing.T) {
	svcs := composeServices(t)
	proxy := mustService(t, svcs, "proxy")
	if !slices.ContainsFunc(strs(proxy.m, "ports"), func(p string) bool { return strings.HasSuffix(p, ":8080") }) {
		t.Errorf("service proxy: ports %v, want 8080 published", strs(proxy.m, "ports"))
	}
	var caddyfile string
	for src, dst := range proxy.binds() {
		if dst == "/etc/caddy/Caddyfile" {
			caddyfile = filepath.Join(composeDir, src)
		}
	}
	if caddyfile == "" {
		t.Fatal("service proxy: no Caddyfile mounted at /etc/caddy/Caddyfile")
	}
	text := readText(t, caddyfile)

	var upstreams []string
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) > 1 && f[0] == "reverse_proxy" {
			for _, u := range f[1:] {
				if u != "{" {
					upstreams = append(upstreams, u)
				}
			}
		}
	}
	var want []string
	for _, n := range servicesWithRole(svcs, "serve") {
		_, port, err := net.SplitHostPort(svcs[n].env()["DUBAN_ADDR"])
		if err != nil {
			port = "8080" // duban's default
		}
		want = append(want, n+":"+port)
	}
	slices.Sort(upstreams)
	if !slices.Equal(upstreams, want) {
		t.Errorf("Caddyfile reverse_proxy upstreams %v, want every API service %v", upstreams, want)
	}
	if !regexp.MustCompile(`(?m)^\s*health_uri\s+/readyz\s*$`).MatchString(text) {
		t.Error("Caddyfile: the API health check must be `health_uri /readyz`")
	}
}

func TestComposeEnvNamesAreDocumented(t *testing.T) {
	svcs := composeServices(t)
	for _, n := range sortedKeys(svcs) {
		for k := range svcs[n].env() {
			if strings.HasPrefix(k, "DUBAN_") && !isDocumented(k) {
				t.Errorf("service %s: %s is not a documented DUBAN_ variable", n, k)
			}
			if svcs[n].image() == wantImage && !strings.HasPrefix(k, "DUBAN_") {
				t.Errorf("service %s: duban reads only DUBAN_ variables, not %s", n, k)
			}
		}
	}
}

// interpolation matches compose's ${NAME}, ${NAME:-default} and ${NAME:?error}.
var interpolation = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}`)

// readEnvFile reads KEY=value lines, skipping comments and blank lines.
func readEnvFile(t *testing.T, path string) map[string]string {
	t.Helper()
	out := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(readText(t, path)))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.TrimSpace(k) != k {
			t.Errorf("%s:%d: want KEY=value, have %q", path, n, line)
			continue
		}
		out[k] = v
	}
	return out
}

// TestComposeEnvExampleCoversCompose: every ${VAR} compose.yaml reads is
// explained in .env.example, every key there is used, and the defaults in
// compose.yaml equal the example values — so the stack behaves the same with
// or without a .env.
func TestComposeEnvExampleCoversCompose(t *testing.T) {
	example := readEnvFile(t, filepath.Join(composeDir, ".env.example"))
	used := map[string]bool{}
	for _, m := range interpolation.FindAllStringSubmatch(readText(t, filepath.Join(composeDir, "compose.yaml")), -1) {
		name, op, arg := m[1], m[2], m[3]
		used[name] = true
		v, ok := example[name]
		if !ok {
			t.Errorf("compose.yaml reads ${%s}, which .env.example does not explain", name)
			continue
		}
		if strings.HasSuffix(op, "-") && v != arg {
			t.Errorf("compose.yaml defaults %s to %q, .env.example sets %q", name, arg, v)
		}
	}
	for _, k := range sortedKeys(example) {
		if !used[k] {
			t.Errorf(".env.example sets %s, which compose.yaml never reads", k)
		}
	}
}

// TestComposeConfigFilesAreMounted: the calendar and policy paths given to
// duban are files in the directory mounted at their location.
func TestComposeConfigFilesAreMounted(t *testing.T) {
	svcs := composeServices(t)
	example := readEnvFile(t, filepath.Join(composeDir, ".env.example"))
	for _, n := range []string{"api1", "worker1"} {
		binds := svcs[n].binds()
		for _, v := range []string{"DUBAN_CALENDAR_FILES", "DUBAN_REMINDER_POLICIES"} {
			for _, p := range strings.Split(example[v], ",") {
				if p = strings.TrimSpace(p); p == "" {
					continue
				}
				found := false
				for src, dst := range binds {
					if filepath.Dir(p) == filepath.Clean(dst) {
						_, err := os.Stat(filepath.Join(composeDir, src, filepath.Base(p)))
						found = found || err == nil
					}
				}
				if !found {
					t.Errorf("service %s: %s=%s is not a file in a directory mounted there", n, v, p)
				}
			}
		}
	}
}

// TestConfigFilesMatchBetweenComposeAndK8s: deploy/compose/etc and the
// duban-files ConfigMap hold the same files, and each is well formed.
func TestConfigFilesMatchBetweenComposeAndK8s(t *testing.T) {
	cm := mustFind(t, k8sDocuments(t), "ConfigMap", "duban-files")
	data := mapping(cm.m, "data")
	entries, err := os.ReadDir(filepath.Join(composeDir, "etc"))
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, e := range entries {
		files = append(files, e.Name())
		content := readText(t, filepath.Join(composeDir, "etc", e.Name()))
		if got, _ := data[e.Name()].(string); got != content {
			t.Errorf("ConfigMap duban-files key %q differs from deploy/compose/etc/%s", e.Name(), e.Name())
		}
		switch {
		case strings.HasSuffix(e.Name(), ".json"):
			checkPolicies(t, e.Name(), content)
		case strings.HasSuffix(e.Name(), ".txt"):
			checkCalendar(t, e.Name(), content)
		}
	}
	for _, k := range sortedKeys(data) {
		if !slices.Contains(files, k) {
			t.Errorf("ConfigMap duban-files key %q has no deploy/compose/etc/%s", k, k)
		}
	}
}

// checkPolicies: JSON shaped like reminder.Policies ({"default", "categories"}).
func checkPolicies(t *testing.T, name, content string) {
	t.Helper()
	var p map[string]json.RawMessage
	if err := json.Unmarshal([]byte(content), &p); err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}
	for k := range p {
		if k != "default" && k != "categories" {
			t.Errorf("%s: unknown key %q (want default, categories)", name, k)
		}
	}
}

var calendarDirective = regexp.MustCompile(`^(override|year \d{4})$`)

// checkCalendar: the first line that is not blank or a comment is the
// calendar file's directive ("override" or "year YYYY").
func checkCalendar(t *testing.T, name, content string) {
	t.Helper()
	for _, line := range strings.Split(content, "\n") {
		if line = strings.TrimSpace(line); line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !calendarDirective.MatchString(line) {
			t.Errorf("%s: first line %q, want `override` or `year YYYY`", name, line)
		}
		return
	}
	t.Errorf("%s: no directive", name)
}

// TestTemporalSettingsAgree: compose and the Helm values run the same Temporal
// server version against PostgreSQL, and create the namespace duban uses.
func TestTemporalSettingsAgree(t *testing.T) {
	example := readEnvFile(t, filepath.Join(composeDir, ".env.example"))
	helm := readDocuments(t, filepath.Join(deployDir, "helm", "temporal-values.yaml"))[0].m
	version := example["TEMPORAL_VERSION"]
	for _, path := range [][]string{{"server", "image", "tag"}, {"admintools", "image", "tag"}} {
		if got := fmt.Sprint(at(helm, path...)); got != version {
			t.Errorf("temporal-values.yaml %s = %q; .env.example TEMPORAL_VERSION = %q", strings.Join(path, "."), got, version)
		}
	}

	for store, db := range map[string]string{"default": "temporal", "visibility": "temporal_visibility"} {
		sql := mapping(helm, "server", "config", "persistence", "datastores", store, "sql")
		if !strings.HasPrefix(str(sql, "pluginName"), "postgres") || str(sql, "databaseName") != db {
			t.Errorf("temporal-values.yaml datastore %s: want PostgreSQL database %s, have plugin %q database %q",
				store, db, str(sql, "pluginName"), str(sql, "databaseName"))
		}
		if str(sql, "user") != wantDatabases[db] {
			t.Errorf("temporal-values.yaml datastore %s: user %q, want the owner %q", store, str(sql, "user"), wantDatabases[db])
		}
	}

	ns := example["DUBAN_TEMPORAL_NAMESPACE"]
	cm := mustFind(t, k8sDocuments(t), "ConfigMap", "duban-env")
	if got := str(cm.m, "data", "DUBAN_TEMPORAL_NAMESPACE"); got != ns {
		t.Errorf("ConfigMap duban-env DUBAN_TEMPORAL_NAMESPACE %q, compose %q", got, ns)
	}
	created := false
	for _, n := range list(helm, "server", "config", "namespaces", "namespace") {
		created = created || str(n, "name") == ns
	}
	if at(helm, "server", "config", "namespaces", "create") != true || !created {
		t.Errorf("temporal-values.yaml: the chart must create namespace %q (server.config.namespaces)", ns)
	}
}

// ---- Dockerfile ---------------------------------------------------------------

// dockerInstructions reads a Dockerfile as (instruction, arguments) pairs,
// joining continuation lines.
func dockerInstructions(t *testing.T, path string) [][2]string {
	t.Helper()
	var out [][2]string
	var cur string
	for _, line := range strings.Split(readText(t, path), "\n") {
		trimmed := strings.TrimSpace(line)
		if cur == "" && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		if strings.HasSuffix(trimmed, "\\") {
			cur += strings.TrimSuffix(trimmed, "\\") + " "
			continue
		}
		cur += trimmed
		instr, args, _ := strings.Cut(cur, " ")
		out = append(out, [2]string{strings.ToUpper(instr), strings.TrimSpace(args)})
		cur = ""
	}
	return out
}

var goDirective = regexp.MustCompile(`(?m)^go (\d+\.\d+)`)

func TestDockerfile(t *testing.T) {
	instrs := dockerInstructions(t, filepath.Join(deployDir, "Dockerfile"))
	var froms []int
	for i, in := range instrs {
		if in[0] == "FROM" {
			froms = append(froms, i)
		}
	}
	if len(froms) < 2 {
		t.Fatalf("want a multi-stage build, have %d FROM", len(froms))
	}

	m := goDirective.FindStringSubmatch(readText(t, filepath.Join(repoDir, "go.mod")))
	if m == nil {
		t.Fatal("go.mod: no go directive")
	}
	if builder := instrs[froms[0]][1]; !strings.HasPrefix(builder, "golang:"+m[1]+" ") && !strings.HasPrefix(builder, "golang:"+m[1]+".") {
		t.Errorf("builder %q: want golang:%s (go.mod says go %s)", builder, m[1], m[1])
	}
	var build strings.Builder
	for _, in := range instrs[:froms[len(froms)-1]] {
		build.WriteString(in[0] + " " + in[1] + "\n")
	}
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", `-ldflags "-s -w"`, "./cmd/duban", "type=cache"} {
		if !strings.Contains(build.String(), want) {
			t.Errorf("build stage: no %s", want)
		}
	}

	final := instrs[froms[len(froms)-1]:]
	if strings.HasPrefix(final[0][1], "golang") {
		t.Errorf("final stage %q: want a small runtime image", final[0][1])
	}
	last := map[string]string{}
	for _, in := range final {
		last[in[0]] = in[1]
	}
	uid, _, _ := strings.Cut(last["USER"], ":")
	if n, err := strconv.Atoi(uid); err != nil || n == 0 {
		t.Errorf("final stage USER %q: want a numeric non-root uid", last["USER"])
	}
	if last["ENTRYPOINT"] != `["/duban"]` {
		t.Errorf(`final stage ENTRYPOINT %s, want ["/duban"]`, last["ENTRYPOINT"])
	}
	if last["EXPOSE"] != "8080" {
		t.Errorf("final stage EXPOSE %q, want 8080 (DUBAN_ADDR's default)", last["EXPOSE"])
	}
	if _, ok := last["HEALTHCHECK"]; ok {
		t.Error("HEALTHCHECK cannot run in a distroless image (no shell, no curl)")
	}
}
