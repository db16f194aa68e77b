// Package validate holds no code, only tests: structural checks of the
// deployment files under deploy/ (the Dockerfile, the compose stack, the
// Kubernetes manifests and the Temporal Helm values).
//
// The project's CI has no Docker engine and no cluster, so nothing there can
// build the image or apply a manifest. These tests catch what can be caught
// without one — a manifest missing from the kustomization, an API probe on the
// wrong path or port, a container that may run as root, an environment
// variable duban does not read, the compose API starting before the schema is
// migrated — and they run with everything else under `go test ./...`.
package validate
