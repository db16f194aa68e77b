package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
	"go.temporal.io/server/common/log"

	"github.com/duban-gov/duban/internal/devserver"
	"github.com/duban-gov/duban/internal/temporalconf"
)

// temporalCommand runs the Temporal server the project depends on
// (go.temporal.io/server, the same version as the embedded default) with
// PostgreSQL persistence and visibility: the production shape the kill test
// proves, one process holding all four Temporal services. Before serving it
// creates or upgrades the schema of both databases with temporal-sql-tool's
// own code and the schema files embedded in the module, so no separate tool
// or download is needed; --schema-only does just that and exits (a deploy's
// schema step).
func temporalCommand() *cobra.Command {
	var (
		pg                      devserver.Postgres
		ip, namespace, logLevel string
		port, shards            int
		retention               time.Duration
		schemaOnly              bool
	)
	cmd := &cobra.Command{
		Use:   "temporal",
		Short: "Run the Temporal server on PostgreSQL (schema created or upgraded first), for a production-shaped installation",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if pg.URL == "" {
				return fmt.Errorf("no PostgreSQL: set DUBAN_TEMPORAL_DATABASE_URL or --postgres")
			}
			if schemaOnly {
				logger := log.NewZapLogger(log.BuildZapLogger(log.Config{Stdout: true, Level: logLevel, Format: "json"}))
				if err := devserver.SetupPostgresSchema(pg, logger); err != nil {
					return err
				}
				fmt.Printf("temporal schema up to date in %s and %s\n", pg.Database, pg.VisibilityDatabase)
				return nil
			}
			ctx := cmd.Context()
			ts, err := devserver.Start(ctx, devserver.Options{
				IP: ip, Port: port, Namespace: namespace, LogLevel: logLevel,
				Postgres: &pg, HistoryShards: shards, Retention: retention,
			})
			if err != nil {
				return err
			}
			// One line on stdout that scripts can wait for.
			fmt.Printf("temporal server ready at %s namespace %s postgres databases %s, %s\n",
				ts.HostPort(), ts.Namespace(), pg.Database, pg.VisibilityDatabase)
			<-ctx.Done()
			return ts.Stop()
		},
	}
	f := cmd.Flags()
	f.StringVar(&pg.URL, "postgres", os.Getenv("DUBAN_TEMPORAL_DATABASE_URL"),
		"PostgreSQL URL whose user, password, address and parameters Temporal uses (default $DUBAN_TEMPORAL_DATABASE_URL; its database is only used to create the two below)")
	f.StringVar(&pg.Database, "db", temporalconf.Database, "database for Temporal's persistence (created if missing)")
	f.StringVar(&pg.VisibilityDatabase, "visibility-db", temporalconf.VisibilityDatabase, "database for Temporal's visibility (created if missing)")
	f.IntVar(&pg.MaxConns, "max-conns", 20, "connections per database")
	f.IntVar(&shards, "shards", temporalconf.HistoryShards, "history shards: fixed for the life of the databases")
	f.StringVar(&ip, "ip", "127.0.0.1", "address the frontend listens on")
	f.IntVar(&port, "port", 7233, "port of the frontend; the other services take Temporal's default layout around it (port-300…port+6), all below 32768")
	f.StringVar(&namespace, "namespace", "default", "namespace to register if missing")
	f.DurationVar(&retention, "retention", 30*24*time.Hour, "how long closed workflows are kept, for a namespace this registers")
	f.StringVar(&logLevel, "log-level", "warn", "server log level: debug, info, warn, error")
	f.BoolVar(&schemaOnly, "schema-only", false, "create or upgrade the schema, then exit")
	return cmd
}
