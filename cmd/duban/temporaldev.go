package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/duban-gov/duban/internal/devserver"
)

// temporalDevCommand runs the in-process Temporal server on its own, the way
// `temporal server start-dev --db-filename` does: a single-node Temporal for
// development and for tests that run duban as separate processes. It is not
// a production cluster (one history shard, SQLite).
func temporalDevCommand() *cobra.Command {
	var (
		dbFile, ip, namespace, logLevel string
		port                            int
	)
	cmd := &cobra.Command{
		Use:   "temporal-dev",
		Short: "Run only the development Temporal server (SQLite file), for separate worker and serve processes",
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			ts, err := devserver.Start(ctx, devserver.Options{DBFile: dbFile, IP: ip, Port: port, Namespace: namespace, LogLevel: logLevel})
			if err != nil {
				return err
			}
			// One line on stdout that scripts can wait for.
			fmt.Printf("temporal dev server ready at %s namespace %s db %s\n", ts.HostPort(), ts.Namespace(), dbFile)
			<-ctx.Done()
			return ts.Stop()
		},
	}
	f := cmd.Flags()
	f.StringVar(&dbFile, "db-file", "data/temporal.db", "SQLite file Temporal persists to (created on first start)")
	f.StringVar(&ip, "ip", "127.0.0.1", "address the frontend listens on")
	f.IntVar(&port, "port", 7233, "port of the frontend (0: any free port)")
	f.StringVar(&namespace, "namespace", "default", "namespace to register")
	f.StringVar(&logLevel, "log-level", "warn", "server log level: debug, info, warn, error")
	return cmd
}
