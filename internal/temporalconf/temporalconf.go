// Package temporalconf holds, in one place, the Temporal server options of
// duban's production shape: `duban temporal` (internal/devserver on
// PostgreSQL) runs with them, the kill test proves them
// (e2e/cluster TestKillProductionShape), and deploy/validate checks that the
// compose file and the Helm values give Temporal's own images the same. It
// imports nothing, so those checks need not build the Temporal server.
package temporalconf

// Plugin is Temporal's SQL persistence plugin for PostgreSQL, for both the
// persistence and the visibility store.
const Plugin = "postgres12"

// Database and VisibilityDatabase are Temporal's two databases.
const (
	Database           = "temporal"
	VisibilityDatabase = "temporal_visibility"
)

// HistoryShards is fixed for the life of the databases. 16 spreads a single
// office's thousands of slips in motion over enough shards for two history
// hosts; it is the count CI exercises.
const HistoryShards = 16

// DynamicConfig is the server's dynamic configuration (key → value, no
// constraints).
//   - One task-queue partition: duban's two to ten workers poll one queue
//     with a handful of pollers each; a queue split in four leaves tasks
//     waiting on partitions no poller is on until they are forwarded
//     (seconds under load, measured on the embedded default).
//   - Ids of at most 255 characters, the width of the SQL schema's id
//     columns, so a longer one is refused up front rather than by the
//     database (duban's are slip-<uuid>).
func DynamicConfig() map[string]any {
	return map[string]any{
		"matching.numTaskqueueReadPartitions":  1,
		"matching.numTaskqueueWritePartitions": 1,
		"limit.maxIDLength":                    255,
	}
}
