// Command duban is the supervision engine in one binary:
//
//	duban dev           everything in one process on SQLite (a newcomer's start)
//	duban serve         the HTTP API           (production: scale out behind a proxy)
//	duban worker        the Temporal worker    (production: scale out)
//	duban migrate       bring the ledger schema up to date
//	duban user          add users, issue and revoke their API tokens
//	duban seed          write realistic test data straight to the ledger (benchmarks)
//	duban bench         drive slips through their whole life and measure
//	duban temporal-dev  only the development Temporal server (SQLite file)
//	duban temporal      the Temporal server on PostgreSQL (production shape; schema by its own tool)
//	duban reconcile     compare the ledger with the workflows; repair or rebuild it
//
// Production processes are configured by environment variables; see config.go.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/gin-gonic/gin"
	"github.com/spf13/cobra"
)

func main() {
	gin.SetMode(gin.ReleaseMode)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	root := &cobra.Command{
		Use:           "duban",
		Short:         "督办: assignment slips from hand-off to sign-off, on Temporal",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(devCommand(), temporalDevCommand(), temporalCommand(), serveCommand(), workerCommand(), migrateCommand(), userCommand(), seedCommand(), benchCommand(), reconcileCommand())
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "duban:", err)
		os.Exit(1)
	}
}
