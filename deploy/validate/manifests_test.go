package validate

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// Paths are relative to this package's directory, where `go test` runs.
const (
	repoDir    = "../.."
	deployDir  = ".."
	k8sDir     = "../k8s"
	composeDir = "../compose"
)

const (
	// duban's image everywhere: compose, every Kubernetes workload, the
	// kustomization's images entry.
	wantImage = "ghcr.io/duban-gov/duban:latest"
	// The Kubernetes namespace of everything in deploy/k8s.
	wantNamespace = "duban"
)

// documentedEnv is every environment variable duban reads (cmd/duban/config.go),
// as listed in the configuration table of deploy/README.md.
// TestDocumentedEnvMatchesREADMEAndCode keeps the three in step.
var documentedEnv = []string{
	"DUBAN_DATABASE_URL",
	"DUBAN_TEMPORAL_ADDRESS",
	"DUBAN_TEMPORAL_NAMESPACE",
	"DUBAN_TASK_QUEUE",
	"DUBAN_ADDR",
	"DUBAN_NUMBER_PREFIX",
	"DUBAN_LOG_LEVEL",
	"DUBAN_CALENDAR_FILES",
	"DUBAN_REMINDER_POLICIES",
	"DUBAN_RANKING_WEIGHTS",
	"DUBAN_PUBLIC_URL",
	"DUBAN_METRICS_ADDR",
	"DUBAN_WORKER_POLLERS",
	"DUBAN_WRITES_PER_SECOND",
	"DUBAN_WRITE_BURST",
	"DUBAN_TRUSTED_PROXIES",
	"DUBAN_WEBHOOK_ALLOW",
	"DUBAN_DEADLINE_MAX_YEARS",
	"DUBAN_WORKER_CACHE_SIZE",
	"DUBAN_EVIDENCE_MAX_BYTES",
	"DUBAN_EVIDENCE_DIR",
	"DUBAN_REFUSE_WORKING_DAYS",
}

// wantArgs is the subcommand each Kubernetes workload must run.
var wantArgs = map[string]string{
	"duban-api":     "serve",
	"duban-worker":  "worker",
	"duban-migrate": "migrate",
}

// goRuntimeEnv are the Go runtime's own variables a manifest may set
// (deploy/README.md says why the worker sets GOMEMLIMIT).
var goRuntimeEnv = []string{"GOMEMLIMIT"}

func isDocumented(name string) bool {
	return slices.Contains(documentedEnv, name) || slices.Contains(goRuntimeEnv, name)
}

// ---- YAML access --------------------------------------------------------------

// document is one YAML document of a file.
type document struct {
	file string // base name
	n    int    // position in the file, from 1
	m    map[string]any
}

func (d document) kind() string { return str(d.m, "kind") }
func (d document) name() string { return str(d.m, "metadata", "name") }
func (d document) String() string {
	return fmt.Sprintf("%s#%d (%s %s)", d.file, d.n, d.kind(), d.name())
}

// readDocuments parses every document in a YAML file; empty documents (a
// stray ---) are skipped.
func readDocuments(t *testing.T, path string) []document {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var docs []document
	dec := yaml.NewDecoder(f)
	for n := 1; ; n++ {
		var m map[string]any
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: document %d: %v", path, n, err)
		}
		if m != nil {
			docs = append(docs, document{file: filepath.Base(path), n: n, m: m})
		}
	}
	if len(docs) == 0 {
		t.Fatalf("%s: no YAML documents", path)
	}
	return docs
}

// at walks v along keys; nil when a step is missing or not a mapping.
func at(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func str(v any, keys ...string) string { s, _ := at(v, keys...).(string); return s }

func mapping(v any, keys ...string) map[string]any {
	m, _ := at(v, keys...).(map[string]any)
	return m
}

func list(v any, keys ...string) []any { l, _ := at(v, keys...).([]any); return l }

// strs is a YAML sequence of strings (non-strings are dropped).
func strs(v any, keys ...string) []string {
	var out []string
	for _, e := range list(v, keys...) {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ---- Kubernetes -------------------------------------------------------------

// k8sManifests are the YAML files of deploy/k8s except the kustomization.
func k8sManifests(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(k8sDir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		if filepath.Base(f) != "kustomization.yaml" {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		t.Fatalf("no manifests in %s", k8sDir)
	}
	return out
}

func k8sDocuments(t *testing.T) []document {
	t.Helper()
	var docs []document
	for _, f := range k8sManifests(t) {
		docs = append(docs, readDocuments(t, f)...)
	}
	return docs
}

func findDoc(docs []document, kind, name string) (document, bool) {
	for _, d := range docs {
		if d.kind() == kind && d.name() == name {
			return d, true
		}
	}
	return document{}, false
}

func mustFind(t *testing.T, docs []document, kind, name string) document {
	t.Helper()
	d, ok := findDoc(docs, kind, name)
	if !ok {
		t.Fatalf("no %s %q in %s", kind, name, k8sDir)
	}
	return d
}

// workloads are the Deployments and Jobs: the documents that run duban.
func workloads(docs []document) []document {
	var out []document
	for _, d := range docs {
		if d.kind() == "Deployment" || d.kind() == "Job" {
			out = append(out, d)
		}
	}
	return out
}

func podSpec(d document) map[string]any { return mapping(d.m, "spec", "template", "spec") }

// containers are a pod's containers and init containers.
func containers(pod map[string]any) []map[string]any {
	var out []map[string]any
	for _, key := range []string{"initContainers", "containers"} {
		for _, c := range list(pod, key) {
			if m, ok := c.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

// resolvePort turns a probe's or Service's port (a number or a port name)
// into the container port number.
func resolvePort(c map[string]any, port any) (int, bool) {
	switch p := port.(type) {
	case int:
		return p, true
	case string:
		for _, cp := range list(c, "ports") {
			if str(cp, "name") == p {
				n, ok := at(cp, "containerPort").(int)
				return n, ok
			}
		}
	}
	return 0, false
}

// labelsMatch reports whether every selector label is among labels.
func labelsMatch(selector, labels map[string]any) bool {
	if len(selector) == 0 {
		return false
	}
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func TestK8sDocumentsAreIdentified(t *testing.T) {
	for _, d := range k8sDocuments(t) {
		if str(d.m, "apiVersion") == "" || d.kind() == "" || d.name() == "" {
			t.Errorf("%s: needs apiVersion, kind and metadata.name", d)
			continue
		}
		// Everything but the Namespace itself is namespaced here; naming the
		// namespace in each file keeps plain `kubectl apply -f` right too.
		if d.kind() == "Namespace" {
			if d.name() != wantNamespace {
				t.Errorf("%s: namespace %q, want %q", d, d.name(), wantNamespace)
			}
		} else if ns := str(d.m, "metadata", "namespace"); ns != wantNamespace {
			t.Errorf("%s: metadata.namespace %q, want %q", d, ns, wantNamespace)
		}
	}
}

// isExample reports whether a manifest is a template kept out of the
// kustomization on purpose (secret.example.yaml: applying it would overwrite
// the real Secret with the placeholder).
func isExample(file string) bool { return strings.HasSuffix(file, ".example.yaml") }

func TestKustomizationListsEveryManifest(t *testing.T) {
	k := readDocuments(t, filepath.Join(k8sDir, "kustomization.yaml"))[0]
	if str(k.m, "apiVersion") == "" || k.kind() != "Kustomization" {
		t.Fatalf("%s: want apiVersion and kind Kustomization", k)
	}
	if ns := str(k.m, "namespace"); ns != wantNamespace {
		t.Errorf("kustomization namespace %q, want %q", ns, wantNamespace)
	}
	listed := strs(k.m, "resources")
	var files []string
	for _, f := range k8sManifests(t) {
		files = append(files, filepath.Base(f))
	}
	for _, f := range files {
		if isExample(f) == slices.Contains(listed, f) {
			if isExample(f) {
				t.Errorf("kustomization.yaml lists the template %s; `kubectl apply -k` would overwrite the real object with it", f)
			} else {
				t.Errorf("%s is not in kustomization.yaml resources", f)
			}
		}
	}
	for _, r := range listed {
		if !slices.Contains(files, r) {
			t.Errorf("kustomization.yaml lists %s, which is not a manifest in %s", r, k8sDir)
		}
	}
	repo, _, _ := strings.Cut(wantImage, ":")
	var names []string
	for _, img := range list(k.m, "images") {
		names = append(names, str(img, "name"))
	}
	if !slices.Contains(names, repo) {
		t.Errorf("kustomization images %v: want an entry for %s so overlays can pin a release", names, repo)
	}
}

func TestWorkloadsRunTheImageHardened(t *testing.T) {
	docs := k8sDocuments(t)
	ws := workloads(docs)
	for name := range wantArgs {
		if !slices.ContainsFunc(ws, func(d document) bool { return d.name() == name }) {
			t.Errorf("no Deployment or Job %q", name)
		}
	}
	for _, w := range ws {
		pod := podSpec(w)
		if pod == nil {
			t.Errorf("%s: no spec.template.spec", w)
			continue
		}
		if w.kind() == "Deployment" {
			sel := mapping(w.m, "spec", "selector", "matchLabels")
			if !labelsMatch(sel, mapping(w.m, "spec", "template", "metadata", "labels")) {
				t.Errorf("%s: selector %v does not match the pod template's labels", w, sel)
			}
			if list(pod, "topologySpreadConstraints") == nil && at(pod, "affinity", "podAntiAffinity") == nil {
				t.Errorf("%s: pods should be spread across nodes (topologySpreadConstraints or podAntiAffinity)", w)
			}
		}
		cs := containers(pod)
		if len(cs) == 0 {
			t.Errorf("%s: no containers", w)
		}
		for _, c := range cs {
			checkContainer(t, docs, w, pod, c)
		}
		checkVolumes(t, docs, w, pod)
	}
}

// checkContainer asserts the invariants every duban container shares.
func checkContainer(t *testing.T, docs []document, w document, pod, c map[string]any) {
	t.Helper()
	where := fmt.Sprintf("%s container %q", w, str(c, "name"))
	if img := str(c, "image"); img != wantImage {
		t.Errorf("%s: image %q, want %q", where, img, wantImage)
	}
	if want, ok := wantArgs[w.name()]; ok {
		if args := strs(c, "args"); len(args) == 0 || args[0] != want {
			t.Errorf("%s: args %v, want [%s]", where, args, want)
		}
	}

	// Non-root: runAsNonRoot on the container or the pod, and no runAsUser 0.
	nonRoot := at(c, "securityContext", "runAsNonRoot")
	if nonRoot == nil {
		nonRoot = at(pod, "securityContext", "runAsNonRoot")
	}
	if nonRoot != true {
		t.Errorf("%s: runAsNonRoot must be true (pod or container securityContext)", where)
	}
	for _, sc := range []any{at(pod, "securityContext"), at(c, "securityContext")} {
		if uid, ok := at(sc, "runAsUser").(int); ok && uid == 0 {
			t.Errorf("%s: runAsUser 0", where)
		}
	}
	if at(c, "securityContext", "readOnlyRootFilesystem") != true {
		t.Errorf("%s: readOnlyRootFilesystem must be true", where)
	}
	if at(c, "securityContext", "allowPrivilegeEscalation") != false {
		t.Errorf("%s: allowPrivilegeEscalation must be false", where)
	}
	if !slices.Contains(strs(c, "securityContext", "capabilities", "drop"), "ALL") {
		t.Errorf("%s: capabilities.drop must contain ALL", where)
	}

	for _, kind := range []string{"requests", "limits"} {
		for _, res := range []string{"cpu", "memory"} {
			if at(c, "resources", kind, res) == nil {
				t.Errorf("%s: resources.%s.%s is missing", where, kind, res)
			}
		}
	}

	// References resolve to objects in deploy/k8s.
	for _, ef := range list(c, "envFrom") {
		if n := str(ef, "configMapRef", "name"); n != "" {
			if _, ok := findDoc(docs, "ConfigMap", n); !ok {
				t.Errorf("%s: envFrom ConfigMap %q not found", where, n)
			}
		}
		if n := str(ef, "secretRef", "name"); n != "" {
			if _, ok := findDoc(docs, "Secret", n); !ok {
				t.Errorf("%s: envFrom Secret %q not found", where, n)
			}
		}
	}
	var volumes []string
	for _, v := range list(pod, "volumes") {
		volumes = append(volumes, str(v, "name"))
	}
	for _, vm := range list(c, "volumeMounts") {
		if n := str(vm, "name"); !slices.Contains(volumes, n) {
			t.Errorf("%s: volumeMount %q has no volume", where, n)
		}
	}
}

// checkVolumes asserts that ConfigMap volumes name ConfigMaps (and keys) that exist.
func checkVolumes(t *testing.T, docs []document, w document, pod map[string]any) {
	t.Helper()
	for _, v := range list(pod, "volumes") {
		name := str(v, "configMap", "name")
		if name == "" {
			continue
		}
		cm, ok := findDoc(docs, "ConfigMap", name)
		if !ok {
			t.Errorf("%s: volume %q: ConfigMap %q not found", w, str(v, "name"), name)
			continue
		}
		for _, item := range list(v, "configMap", "items") {
			if key := str(item, "key"); mapping(cm.m, "data")[key] == nil {
				t.Errorf("%s: volume %q: ConfigMap %q has no key %q", w, str(v, "name"), name, key)
			}
		}
	}
}

func TestAPIProbesAndService(t *testing.T) {
	docs := k8sDocuments(t)
	api := mustFind(t, docs, "Deployment", "duban-api")
	if r, _ := at(api.m, "spec", "replicas").(int); r < 2 {
		t.Errorf("%s: replicas %v, want at least 2 (one may die)", api, at(api.m, "spec", "replicas"))
	}
	cs := list(podSpec(api), "containers")
	if len(cs) != 1 {
		t.Fatalf("%s: want one container, have %d", api, len(cs))
	}
	c := cs[0].(map[string]any)

	// The port duban serve listens on, from DUBAN_ADDR in the env ConfigMap.
	listen := 8080 // duban's default
	for _, ef := range list(c, "envFrom") {
		if n := str(ef, "configMapRef", "name"); n != "" {
			cm := mustFind(t, docs, "ConfigMap", n)
			if addr := str(cm.m, "data", "DUBAN_ADDR"); addr != "" {
				_, port, err := net.SplitHostPort(addr)
				if err != nil {
					t.Fatalf("ConfigMap %s: DUBAN_ADDR %q: %v", n, addr, err)
				}
				if listen, err = strconv.Atoi(port); err != nil {
					t.Fatalf("ConfigMap %s: DUBAN_ADDR %q: %v", n, addr, err)
				}
			}
		}
	}
	declared := false
	for _, p := range list(c, "ports") {
		declared = declared || at(p, "containerPort") == listen
	}
	if !declared {
		t.Errorf("%s: no containerPort %d (DUBAN_ADDR)", api, listen)
	}

	for probe, path := range map[string]string{"readinessProbe": "/readyz", "livenessProbe": "/healthz"} {
		get := mapping(c, probe, "httpGet")
		if get == nil {
			t.Errorf("%s: no %s.httpGet", api, probe)
			continue
		}
		if got := str(get, "path"); got != path {
			t.Errorf("%s: %s path %q, want %q", api, probe, got, path)
		}
		if port, ok := resolvePort(c, get["port"]); !ok || port != listen {
			t.Errorf("%s: %s port %v resolves to %d, want %d", api, probe, get["port"], port, listen)
		}
	}

	svc := mustFind(t, docs, "Service", "duban-api")
	if !labelsMatch(mapping(svc.m, "spec", "selector"), mapping(api.m, "spec", "template", "metadata", "labels")) {
		t.Errorf("%s: selector does not match duban-api's pods", svc)
	}
	for _, p := range list(svc.m, "spec", "ports") {
		if port, ok := resolvePort(c, at(p, "targetPort")); !ok || port != listen {
			t.Errorf("%s: targetPort %v resolves to %d, want %d", svc, at(p, "targetPort"), port, listen)
		}
	}
}

func TestWorkerAutoscaling(t *testing.T) {
	docs := k8sDocuments(t)
	var hpas []document
	for _, d := range docs {
		if d.kind() == "HorizontalPodAutoscaler" {
			hpas = append(hpas, d)
		}
	}
	if len(hpas) == 0 {
		t.Fatal("no HorizontalPodAutoscaler")
	}
	scalesWorker := false
	for _, h := range hpas {
		if v := str(h.m, "apiVersion"); v != "autoscaling/v2" {
			t.Errorf("%s: apiVersion %q, want autoscaling/v2", h, v)
		}
		ref := mapping(h.m, "spec", "scaleTargetRef")
		target, ok := findDoc(docs, str(ref, "kind"), str(ref, "name"))
		if !ok {
			t.Errorf("%s: scaleTargetRef %s %q not found", h, str(ref, "kind"), str(ref, "name"))
			continue
		}
		scalesWorker = scalesWorker || target.name() == "duban-worker"
		// The autoscaler owns the count: a replicas field in the target would
		// reset it on every apply.
		if at(target.m, "spec", "replicas") != nil {
			t.Errorf("%s: has spec.replicas but %s scales it; drop the field", target, h)
		}
		if min, _ := at(h.m, "spec", "minReplicas").(int); min < 2 {
			t.Errorf("%s: minReplicas %v, want at least 2 (one worker may die)", h, at(h.m, "spec", "minReplicas"))
		}
		cpu := false
		for _, m := range list(h.m, "spec", "metrics") {
			cpu = cpu || str(m, "resource", "name") == "cpu"
		}
		if !cpu {
			t.Errorf("%s: want a cpu resource metric", h)
		}
	}
	if !scalesWorker {
		t.Error("no HorizontalPodAutoscaler targets Deployment duban-worker")
	}
}

func TestEveryDeploymentHasADisruptionBudget(t *testing.T) {
	docs := k8sDocuments(t)
	for _, d := range docs {
		if d.kind() != "Deployment" {
			continue
		}
		labels := mapping(d.m, "spec", "template", "metadata", "labels")
		covered := false
		for _, p := range docs {
			if p.kind() != "PodDisruptionBudget" || !labelsMatch(mapping(p.m, "spec", "selector", "matchLabels"), labels) {
				continue
			}
			covered = true
			if at(p.m, "spec", "minAvailable") != 1 {
				t.Errorf("%s: minAvailable %v, want 1", p, at(p.m, "spec", "minAvailable"))
			}
		}
		if !covered {
			t.Errorf("%s: no PodDisruptionBudget selects its pods", d)
		}
	}
}

func TestMigrationJob(t *testing.T) {
	job := mustFind(t, k8sDocuments(t), "Job", "duban-migrate")
	if n, ok := at(job.m, "spec", "backoffLimit").(int); !ok || n < 1 {
		t.Errorf("%s: backoffLimit %v, want a positive number (retry while PostgreSQL starts)", job, at(job.m, "spec", "backoffLimit"))
	}
	if _, ok := at(job.m, "spec", "ttlSecondsAfterFinished").(int); !ok {
		t.Errorf("%s: ttlSecondsAfterFinished is missing (the next release's Job needs the name)", job)
	}
	if rp := str(podSpec(job), "restartPolicy"); rp != "Never" && rp != "OnFailure" {
		t.Errorf("%s: restartPolicy %q", job, rp)
	}
}

func TestK8sEnvNamesAreDocumented(t *testing.T) {
	docs := k8sDocuments(t)
	for _, w := range workloads(docs) {
		for _, c := range containers(podSpec(w)) {
			for _, e := range list(c, "env") {
				if n := str(e, "name"); !isDocumented(n) {
					t.Errorf("%s: env %q is not a documented DUBAN_ variable", w, n)
				}
			}
			// Every key of a ConfigMap or Secret loaded whole becomes a variable.
			for _, ef := range list(c, "envFrom") {
				for kind, ref := range map[string]string{"ConfigMap": "configMapRef", "Secret": "secretRef"} {
					d, ok := findDoc(docs, kind, str(ef, ref, "name"))
					if !ok {
						continue
					}
					for _, section := range []string{"data", "stringData"} {
						for _, k := range sortedKeys(mapping(d.m, section)) {
							if !isDocumented(k) {
								t.Errorf("%s: %s.%s key %q (loaded by %s) is not a documented DUBAN_ variable", d, kind, section, k, w)
							}
						}
					}
				}
			}
		}
	}
}

// TestConfigFilesAreMounted follows DUBAN_CALENDAR_FILES and
// DUBAN_REMINDER_POLICIES from the env ConfigMap to a file each pod that
// loads it really has.
func TestConfigFilesAreMounted(t *testing.T) {
	docs := k8sDocuments(t)
	for _, w := range workloads(docs) {
		pod := podSpec(w)
		for _, c := range containers(pod) {
			for _, ef := range list(c, "envFrom") {
				cm, ok := findDoc(docs, "ConfigMap", str(ef, "configMapRef", "name"))
				if !ok {
					continue
				}
				var paths []string
				for _, v := range []string{"DUBAN_CALENDAR_FILES", "DUBAN_REMINDER_POLICIES"} {
					for _, p := range strings.Split(str(cm.m, "data", v), ",") {
						if p = strings.TrimSpace(p); p != "" {
							paths = append(paths, p)
						}
					}
				}
				for _, p := range paths {
					if !mountedFile(docs, pod, c, p) {
						t.Errorf("%s container %q: %s (from ConfigMap %s) is not a key of a ConfigMap mounted there",
							w, str(c, "name"), p, cm.name())
					}
				}
			}
		}
	}
}

// mountedFile reports whether path is a file of a ConfigMap volume mounted in c.
func mountedFile(docs []document, pod, c map[string]any, path string) bool {
	for _, vm := range list(c, "volumeMounts") {
		dir := str(vm, "mountPath")
		if filepath.Dir(path) != filepath.Clean(dir) {
			continue
		}
		for _, v := range list(pod, "volumes") {
			if str(v, "name") != str(vm, "name") {
				continue
			}
			cm, ok := findDoc(docs, "ConfigMap", str(v, "configMap", "name"))
			if ok && mapping(cm.m, "data")[filepath.Base(path)] != nil {
				return true
			}
		}
	}
	return false
}

// TestSecretTemplateHoldsNoSecret keeps real credentials out of the
// repository: Secrets appear only in templates, and every value is still the
// CHANGE-ME placeholder. The template must be the Secret the pods load.
func TestSecretTemplateHoldsNoSecret(t *testing.T) {
	docs := k8sDocuments(t)
	found := false
	for _, d := range docs {
		if d.kind() != "Secret" {
			continue
		}
		found = true
		if !isExample(d.file) {
			t.Errorf("%s: a Secret belongs in a *.example.yaml template, outside the kustomization", d)
		}
		for _, section := range []string{"data", "stringData"} {
			for k, v := range mapping(d.m, section) {
				if s, _ := v.(string); !strings.Contains(s, "CHANGE-ME") {
					t.Errorf("%s: %s.%s does not contain the CHANGE-ME placeholder; keep real secrets out of git", d, section, k)
				}
			}
		}
	}
	if !found {
		t.Error("no Secret template for DUBAN_DATABASE_URL")
	}
	for _, w := range workloads(docs) {
		for _, c := range containers(podSpec(w)) {
			loadsURL := false
			for _, ef := range list(c, "envFrom") {
				if s, ok := findDoc(docs, "Secret", str(ef, "secretRef", "name")); ok {
					_, inString := mapping(s.m, "stringData")["DUBAN_DATABASE_URL"]
					_, inData := mapping(s.m, "data")["DUBAN_DATABASE_URL"]
					loadsURL = loadsURL || inString || inData
				}
			}
			if !loadsURL {
				t.Errorf("%s container %q: DUBAN_DATABASE_URL (required) does not come from the Secret template", w, str(c, "name"))
			}
		}
	}
}

// ---- documentation -----------------------------------------------------------

var (
	envTableRow = regexp.MustCompile("(?m)^\\|\\s*`(DUBAN_[A-Z0-9_]+)`\\s*\\|")
	getenvCall  = regexp.MustCompile(`getenv\("(DUBAN_[A-Z0-9_]+)"`)
	envToken    = regexp.MustCompile(`\bDUBAN_[A-Z0-9_]+\b`)
)

func readText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func uniqueMatches(re *regexp.Regexp, text string) []string {
	var out []string
	for _, m := range re.FindAllStringSubmatch(text, -1) {
		s := m[len(m)-1]
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// TestDocumentedEnvMatchesREADMEAndCode: the list in this file, the table in
// deploy/README.md and the variables cmd/duban/config.go reads are the same
// set, so a new variable cannot ship undocumented or unchecked.
func TestDocumentedEnvMatchesREADMEAndCode(t *testing.T) {
	want := slices.Clone(documentedEnv)
	sort.Strings(want)
	for source, got := range map[string][]string{
		"the deploy/README.md table":          uniqueMatches(envTableRow, readText(t, filepath.Join(deployDir, "README.md"))),
		"getenv calls in cmd/duban/config.go": uniqueMatches(getenvCall, readText(t, filepath.Join(repoDir, "cmd", "duban", "config.go"))),
	} {
		if !slices.Equal(got, want) {
			t.Errorf("%s has %v;\nthe list in deploy/validate has %v", source, got, want)
		}
	}
}

// TestEveryDubanNameUnderDeployIsReal scans every text file under deploy/ —
// manifests, compose, .env.example, scripts, the README — for DUBAN_ names,
// so a typo (DUBAN_TEMPORAL_ADRESS) anywhere fails here, not in production.
func TestEveryDubanNameUnderDeployIsReal(t *testing.T) {
	err := filepath.WalkDir(deployDir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != deployDir && filepath.Base(path) == "validate" {
				return filepath.SkipDir // this package names variables on purpose
			}
			return nil
		}
		for _, n := range uniqueMatches(envToken, readText(t, path)) {
			if !isDocumented(n) {
				t.Errorf("%s: %s is not a variable duban reads", path, n)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
