// Package seed fills a ledger with realistic demo slips for demonstrations
// and load tests (`duban seed`): departments with Chinese names, and slips
// issued over a year in meeting batches and day-to-day sources, each with a
// whole timeline — acknowledgements, progress, extensions, reminders and
// escalations, resolutions, send-backs, reviews, sign-offs and some
// cancellations — as of a given moment.
//
// The people's actions are drawn here; everything else is the real domain
// code: each action goes through the slip's state machine (slip.Slip.Apply)
// and the reminders in between come from the reminder planner, fired by a
// reminder.Course with the workflow's rules. The store only writes the
// result (store.ImportSlips).
package seed

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/reminder"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
)

// ErrLedgerNotEmpty is returned by Run when the ledger already has slips and
// Options.Append is not set: seed data must never mix into real work by
// accident.
var ErrLedgerNotEmpty = errors.New("seed: the ledger already has slips (set Append to add to it)")

// MaxDepartments is how many distinct departments Run can name: 50
// municipal bureaus, 10 districts and counties, and 24 street offices or
// towns in each.
const MaxDepartments = 300

// Options say what Run writes.
type Options struct {
	// Slips is how many slips to issue.
	Slips int
	// Departments is how many departments to spread them over (0: 200, at
	// most MaxDepartments): municipal bureaus first, then districts and
	// counties, then their street offices and towns. Those already on the
	// ledger are kept as they are.
	Departments int
	// Year is the year every slip is issued in (0: the year of Now in Beijing
	// time). It must have begun by Now.
	Year int
	// Seed makes the ledger reproducible: the same Seed, Year, Now and
	// Departments on an empty ledger write the same slips, numbers, titles
	// and timelines.
	Seed int64
	// Now is the moment the ledger is seeded as of: slips are issued up to
	// it and nothing happens after it, so recent slips are still open and old
	// ones mostly signed off. Zero means time.Now().
	Now time.Time
	// Append lets Run add slips to a ledger that already has some; their
	// numbers continue the year's sequence.
	Append bool
	// Calendar places actions on working days and plans reminders exactly as
	// the workflows do (nil: the shipped holiday data, weekends only for
	// years without data).
	Calendar *calendar.Calendar
	// Policies are the reminder policies slips are issued with (nil: the
	// defaults).
	Policies *reminder.Policies
	// Batch is how many slips one transaction writes (0: 1000).
	Batch int
	// Progress, when set, is called after each committed batch with the
	// number of slips written so far.
	Progress func(done int)
}

// Report says what Run wrote.
type Report struct {
	Departments        int // departments the slips were spread over
	CreatedDepartments int // of those, the ones Run created
	Slips              int
	SlipDepartments    int64 // lead and co-department assignments
	Parts              int64 // the units' parts (one per assignment, as at issue)
	Events             int64 // timeline events
	FirstNumber        string
	LastNumber         string
	Statuses           map[slip.Status]int // slips per status as of Now
}

const (
	defaultBatch  = 1000
	pipelineDepth = 2 // batches drawn ahead of the writers
	defaultDepts  = 200
)

// Run writes a realistic ledger straight to st, without workflows.
//
// It is for demonstrations and load tests, on a database of their own: the
// slips have no workflows, so acting on an open one through the API is
// refused (409 workflow_not_running).
// Numbers continue the year's sequence in slip_counters, which each
// transaction moves past its slips as it commits, so slips issued afterwards
// continue it; nobody should issue slips while Run runs (a real slip could
// take a number Run has planned, and one of the two inserts would fail). On
// error, the batches already committed stay.
//
// Batches of o.Batch slips are drawn in one goroutine and written with
// multi-row inserts in concurrent transactions (one at a time on SQLite).
func Run(ctx context.Context, st *store.Store, o Options) (Report, error) {
	o, err := o.withDefaults()
	if err != nil {
		return Report{}, err
	}
	has, err := st.HasSlips(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("seed: %w", err)
	}
	if has && !o.Append {
		return Report{}, ErrLedgerNotEmpty
	}

	depts := departmentList(o.Departments)
	rep := Report{Departments: len(depts), Statuses: map[slip.Status]int{}}
	plain := make([]slip.Department, len(depts))
	for i, d := range depts {
		plain[i] = d.Department
	}
	if rep.CreatedDepartments, err = st.EnsureDepartments(ctx, plain, o.Now); err != nil {
		return rep, fmt.Errorf("seed: %w", err)
	}
	if o.Slips == 0 {
		return rep, nil
	}
	// Keying each slip's randomness by its place in the year's sequence makes
	// a second, appended run draw different ids and titles.
	offset, err := st.LastSerial(ctx, o.Year)
	if err != nil {
		return rep, fmt.Errorf("seed: %w", err)
	}
	g := newGenerator(o, depts, offset)
	if err := write(ctx, st, g, o, &rep); err != nil {
		return rep, err
	}
	rep.FirstNumber, rep.LastNumber = st.SlipNumber(o.Year, g.serial(0)), st.SlipNumber(o.Year, g.serial(len(g.schedule)-1))
	return rep, nil
}

func (o Options) withDefaults() (Options, error) {
	if o.Slips < 0 {
		return o, fmt.Errorf("seed: %d slips", o.Slips)
	}
	if o.Departments == 0 {
		o.Departments = defaultDepts
	}
	if o.Batch <= 0 {
		o.Batch = defaultBatch
	}
	if o.Departments < 1 || o.Departments > MaxDepartments {
		return o, fmt.Errorf("seed: departments must be between 1 and %d, got %d", MaxDepartments, o.Departments)
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	o.Now = o.Now.In(calendar.Zone)
	if o.Year == 0 {
		o.Year = o.Now.Year()
	}
	if start := time.Date(o.Year, 1, 1, 9, 0, 0, 0, calendar.Zone); o.Now.Before(start) {
		return o, fmt.Errorf("seed: year %d has not begun by %s", o.Year, o.Now.Format(time.DateTime))
	}
	if o.Calendar == nil {
		cal, err := calendar.New(calendar.Options{MissingYear: calendar.WeekendsOnly, Log: slog.New(slog.DiscardHandler)})
		if err != nil {
			return o, fmt.Errorf("seed: %w", err)
		}
		o.Calendar = cal
	}
	if o.Policies == nil {
		p := reminder.DefaultPolicies()
		o.Policies = &p
	}
	return o, nil
}

// batch is the slips of one transaction, or why they could not be drawn.
type batch struct {
	slips []store.ImportedSlip
	err   error
}

// writers is how many transactions write at once: PostgreSQL spreads them
// over its cores; SQLite has one writer anyway.
func writers(st *store.Store) int {
	if st.Dialect() == store.Postgres {
		return max(2, min(runtime.NumCPU(), 4))
	}
	return 1
}

// write draws batches in one goroutine and writes them in several. Numbers
// are fixed when a slip is drawn (the year's serial before the run plus its
// place in the schedule), so batches may commit in any order; each moves
// the year's counter up to its last serial as it commits.
func write(ctx context.Context, st *store.Store, g *generator, o Options, rep *Report) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	batches := make(chan batch, pipelineDepth)
	go func() {
		defer close(batches)
		for from := 0; from < len(g.schedule); from += o.Batch {
			slips, err := g.batch(from, min(from+o.Batch, len(g.schedule)))
			select {
			case batches <- batch{slips, err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	for range writers(st) {
		wg.Go(func() {
			for b := range batches {
				err := b.err
				if err == nil {
					err = st.ImportSlips(ctx, o.Year, o.Calendar, b.slips)
				}
				if err != nil {
					cancel(err)
					return
				}
				mu.Lock()
				for _, in := range b.slips {
					rep.Statuses[in.Slip.Status]++
					rep.SlipDepartments += int64(len(in.Slip.Draft.Departments()))
					rep.Parts += int64(len(in.Slip.Tracks))
					rep.Events += int64(len(in.Events))
				}
				rep.Slips += len(b.slips)
				if o.Progress != nil {
					o.Progress(rep.Slips)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return context.Cause(ctx)
}
