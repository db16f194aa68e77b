package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/internal/seed"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
)

// BenchmarkRecordIssued issues slips to a lead and two co-units into a fresh
// PostgreSQL ledger: the row, its departments, first event, statistics and
// parts in one transaction. The row goes in with its units, so migration
// 0100's trigger, which keeps them at commit, finds nothing to write (it
// used to write the row a second time).
func BenchmarkRecordIssued(b *testing.B) {
	st := storetest.Open(b, store.Postgres)
	for _, c := range []string{"fgw", "zjj", "jtj"} {
		if _, err := st.CreateDepartment(ctx, slip.Department{Code: c, Name: "单位" + c}); err != nil {
			b.Fatal(err)
		}
	}
	issued := time.Date(2026, 10, 9, 9, 0, 0, 0, calendar.Zone)
	i := 0
	for b.Loop() {
		i++
		sl := newSlip(fmt.Sprintf("s%07d", i), issued, "zjj", "fgw", "jtj")
		sl.Draft.Title, sl.Draft.Content = "老旧小区加装电梯", "三个小区的既有住宅加装电梯，年底前完成"
		sl.Tracks = slip.NewTracks(sl.Draft, issued, calendar.MustParseDate("2026-10-13"))
		sl.StartIssued()
		if _, err := st.RecordIssued(ctx, sl); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSeedImport writes 2,000 seeded slips per op (their rows,
// departments, timelines and statistics, in transactions of 1,000, as `duban
// seed` does) into a PostgreSQL ledger: what 0100's trigger costs the bulk
// import, which fires it once per department row.
func BenchmarkSeedImport(b *testing.B) {
	st := storetest.Open(b, store.Postgres)
	i := int64(0)
	for b.Loop() {
		i++
		o := seed.Options{Slips: 2000, Departments: 50, Year: 2026, Seed: i, Now: seedNow, Batch: 1000, Append: true}
		if _, err := seed.Run(ctx, st, o); err != nil {
			b.Fatal(err)
		}
	}
}
