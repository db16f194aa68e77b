package store_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
)

// TestConcurrentProjectionsDoNotDeadlock moves slips that share rollup rows
// in opposite directions at once on PostgreSQL: half are resolved (办理中 →
// 待复核), half sent back (待复核 → 办理中). Each projection takes the
// slip_stats rows of both statuses for both departments; taken in the order
// the change lists them, the two kinds lock the same rows in opposite orders
// and PostgreSQL aborts one with a deadlock. Taken in one sorted order, every
// projection succeeds and the rollup still counts what the slips say.
func TestConcurrentProjectionsDoNotDeadlock(t *testing.T) {
	st := storetest.Open(t, store.Postgres)
	seedDepartments(t, st, "fgw", "zjj", "jtj")
	t0 := time.Date(2026, 4, 1, 9, 0, 0, 0, calendar.Zone)
	const pairs = 40
	var resolving, sendingBack []*slip.Slip
	for i := range 2 * pairs {
		// Both orders of the same departments, so every projection touches
		// the rows of fgw and zjj as lead and as co-unit.
		sl := newSlip(fmt.Sprintf("r%03d", i), t0, "fgw", "zjj", "jtj")
		if i%4 >= 2 {
			sl = newSlip(fmt.Sprintf("r%03d", i), t0, "zjj", "fgw", "jtj")
		}
		_, err := st.RecordIssued(ctx, sl)
		require.NoError(t, err)
		apply(t, st, &sl, slip.Command{Action: slip.ActionAcknowledge, Actor: "牵头单位"}, t0.Add(time.Hour))
		if i%2 == 0 {
			resolving = append(resolving, &sl)
			continue
		}
		apply(t, st, &sl, slip.Command{Action: slip.ActionResolve, Actor: "牵头单位", Summary: "完成"}, t0.Add(2*time.Hour))
		sendingBack = append(sendingBack, &sl)
	}

	type job struct {
		sl *slip.Slip
		ev slip.Event
	}
	var jobs []job
	at := t0.Add(3 * time.Hour)
	for i := range pairs {
		r, b := resolving[i], sendingBack[i]
		ev, err := r.Apply(slip.Command{Action: slip.ActionResolve, Actor: "牵头单位", Summary: "完成"}, at)
		require.NoError(t, err)
		jobs = append(jobs, job{r, ev})
		ev, err = b.Apply(slip.Command{Action: slip.ActionSendBack, Actor: "督查室", Comment: "未完成"}, at)
		require.NoError(t, err)
		jobs = append(jobs, job{b, ev})
	}

	// Several rounds, each starting all projections at once, to make the
	// interleaving that deadlocks likely on the old code.
	for round := range 3 {
		var (
			wg    sync.WaitGroup
			start = make(chan struct{})
			errs  = make(chan error, len(jobs))
		)
		for _, j := range jobs {
			wg.Go(func() {
				<-start
				if err := st.Project(ctx, *j.sl, j.ev); err != nil {
					errs <- err
				}
			})
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("round %d: %v", round, err)
		}
		if t.Failed() {
			return
		}
		// Next round: the opposite moves, from where the slips are now.
		at = at.Add(time.Hour)
		for i := range jobs {
			cmd := slip.Command{Action: slip.ActionResolve, Actor: "牵头单位", Summary: "完成"}
			if jobs[i].sl.Status == slip.StatusPendingReview {
				cmd = slip.Command{Action: slip.ActionSendBack, Actor: "督查室", Comment: "未完成"}
			}
			ev, err := jobs[i].sl.Apply(cmd, at)
			require.NoError(t, err)
			jobs[i].ev = ev
		}
	}
	assertRollupAgrees(t, st, rollupQueries("fgw", "zjj"))
}
