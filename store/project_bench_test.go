package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
)

// BenchmarkProjectLifecycle records a slip (a lead unit alone, as `duban
// bench` issues them) and projects the five actions `duban bench` drives —
// 签收, 进展, 申请办结, 复核通过, 销号 — as the workflow's local activities do:
// the ledger's share of a slip's life, on SQLite (the embedded default) and,
// when DUBAN_TEST_DATABASE_URL names one, PostgreSQL. ns/op is one slip's
// six writes.
func BenchmarkProjectLifecycle(b *testing.B) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		b.Run(string(d), func(b *testing.B) {
			st := benchLedger(b, d)
			issued := time.Date(2026, 10, 9, 9, 0, 0, 0, calendar.Zone)
			actions := []slip.Command{
				{Action: slip.ActionAcknowledge, Actor: "住建局"},
				{Action: slip.ActionProgress, Actor: "住建局", Text: "已完成两个小区的施工招标"},
				{Action: slip.ActionResolve, Actor: "住建局", Summary: "三个小区的电梯均已投用", Evidence: []string{"验收报告"}},
				{Action: slip.ActionPassReview, Actor: "督查室"},
				{Action: slip.ActionSignOff, Actor: "督查室"},
			}
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				i++
				sl := newSlip(fmt.Sprintf("p%07d", i), issued, "zjj")
				sl.Draft.Title, sl.Draft.Content = "老旧小区加装电梯", "三个小区的既有住宅加装电梯，年底前完成"
				sl.Tracks = slip.NewTracks(sl.Draft, issued, calendar.MustParseDate("2026-10-13"))
				sl.StartIssued()
				if _, err := st.RecordIssued(ctx, sl); err != nil {
					b.Fatal(err)
				}
				at := issued
				for _, cmd := range actions {
					at = at.Add(time.Hour)
					ev, err := sl.Apply(cmd, at)
					if err != nil {
						b.Fatal(err)
					}
					if err := st.Project(ctx, sl, ev); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkGetSlip reads one slip with its departments and parts, as every
// action's request does before it goes to the workflow, from a ledger of
// 1,000 slips with a lead and two co-units each. ns/op is one read.
func BenchmarkGetSlip(b *testing.B) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		b.Run(string(d), func(b *testing.B) {
			st := benchLedger(b, d)
			issued := time.Date(2026, 10, 9, 9, 0, 0, 0, calendar.Zone)
			const n = 1000
			for i := range n {
				sl := newSlip(fmt.Sprintf("g%04d", i), issued, "zjj", "fgw", "jtj")
				sl.Tracks = slip.NewTracks(sl.Draft, issued, calendar.MustParseDate("2026-10-13"))
				sl.StartIssued()
				if _, err := st.RecordIssued(ctx, sl); err != nil {
					b.Fatal(err)
				}
			}
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				i++
				sl, err := st.GetSlip(ctx, fmt.Sprintf("g%04d", i%n))
				if err != nil {
					b.Fatal(err)
				}
				if len(sl.Tracks) != 3 || len(sl.Draft.CoDepartments) != 2 {
					b.Fatalf("slip %s: %d parts, co-units %v", sl.ID, len(sl.Tracks), sl.Draft.CoDepartments)
				}
			}
		})
	}
}

// benchLedger opens an empty ledger of dialect d with the departments fgw,
// zjj and jtj.
func benchLedger(b *testing.B, d store.Dialect) *store.Store {
	st := storetest.Open(b, d)
	for _, c := range []string{"fgw", "zjj", "jtj"} {
		if _, err := st.CreateDepartment(ctx, slip.Department{Code: c, Name: "单位" + c}); err != nil {
			b.Fatal(err)
		}
	}
	return st
}
