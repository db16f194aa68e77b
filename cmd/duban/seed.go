package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/internal/seed"
	"github.com/duban-gov/duban/slip"
)

// seedProgressEvery is how often, in slips, seed reports progress.
const seedProgressEvery = 100_000

// seedCommand fills the ledger named by DUBAN_DATABASE_URL with realistic
// slips for demonstrations and load tests (package seed).
func seedCommand() *cobra.Command {
	var (
		slips, departments, year int
		rngSeed                  int64
		asOf                     string
		appendSlips              bool
	)
	cmd := &cobra.Command{
		Use:   "seed",
		Short: "Fill the ledger with realistic demo slips (no workflows; for demos and load tests)",
		Long: `seed writes departments and slips with whole timelines straight to the ledger, as of
now (or --as-of): old slips mostly signed off, recent ones open, some overdue and escalated.
The slips have no workflows, so they cannot be acted on; use a database of their own.
It refuses a ledger that already has slips unless --append is given.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			out := cmd.OutOrStdout()
			cfg, err := configFromEnv(true)
			if err != nil {
				return err
			}
			now := time.Now()
			if asOf != "" {
				if now, err = time.ParseInLocation("2006-01-02 15:04", asOf, calendar.Zone); err != nil {
					return fmt.Errorf("--as-of: want YYYY-MM-DD HH:MM (Beijing time): %w", err)
				}
			}
			r, err := cfg.rules(newLogger(cfg.LogLevel, false))
			if err != nil {
				return err
			}
			st, err := cfg.openMigratedStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close()

			began := time.Now()
			next := seedProgressEvery
			rep, err := seed.Run(ctx, st, seed.Options{
				Slips: slips, Departments: departments, Year: year, Seed: rngSeed, Now: now, Append: appendSlips,
				Calendar: r.Lenient, Policies: &r.Policies,
				Progress: func(done int) {
					if done >= next {
						elapsed := time.Since(began)
						fmt.Fprintf(out, "%d slips in %s (%.0f slips/s)\n", done, elapsed.Round(time.Second), float64(done)/elapsed.Seconds())
						next += seedProgressEvery
					}
				},
			})
			if errors.Is(err, seed.ErrLedgerNotEmpty) {
				return fmt.Errorf("the ledger at DUBAN_DATABASE_URL already has slips; pass --append to add to them")
			}
			if err != nil {
				return err
			}
			elapsed := time.Since(began)
			rows := int64(rep.Slips) + rep.SlipDepartments + rep.Parts + rep.Events
			fmt.Fprintf(out, "seeded %d departments (%d new) and %d slips %s … %s as of %s\n",
				rep.Departments, rep.CreatedDepartments, rep.Slips, rep.FirstNumber, rep.LastNumber, now.In(calendar.Zone).Format("2006-01-02 15:04"))
			fmt.Fprintf(out, "%d events, %d department assignments, %d parts; statuses:", rep.Events, rep.SlipDepartments, rep.Parts)
			for _, s := range slip.Statuses {
				fmt.Fprintf(out, " %s %d", s.Label(), rep.Statuses[s])
			}
			fmt.Fprintf(out, "\n%d rows in %s: %.0f rows/s, %.0f slips/s\n",
				rows, elapsed.Round(time.Millisecond), float64(rows)/elapsed.Seconds(), float64(rep.Slips)/elapsed.Seconds())
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&slips, "slips", 10_000, "slips to issue")
	f.IntVar(&departments, "departments", 200, fmt.Sprintf("departments to spread them over (at most %d)", seed.MaxDepartments))
	f.IntVar(&year, "year", 0, "year the slips are issued in (default: the year of --as-of)")
	f.Int64Var(&rngSeed, "seed", 1, "random seed: the same seed and --as-of give the same ledger")
	f.StringVar(&asOf, "as-of", "", `the moment the ledger is seeded as of, "YYYY-MM-DD HH:MM" Beijing time (default: now)`)
	f.BoolVar(&appendSlips, "append", false, "add to a ledger that already has slips")
	return cmd
}
