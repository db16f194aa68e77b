package lists_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/indicator"
	"github.com/duban-gov/duban/lists"
	"github.com/duban-gov/duban/store/storetest"
)

// BenchmarkBuildList computes a month's list live the way GET
// /lists/{code}/{month} does, at the scale of the issue: 161 indicators
// with year targets, 50 units each reporting every indicator monthly for
// eleven months (88,550 values), and a list of the 50 units on 20 of the
// indicators.
func BenchmarkBuildList(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run(string(d), func(b *testing.B) {
			st := storetest.Open(b, d)
			at := time.Date(2026, 12, 1, 9, 0, 0, 0, calendar.Zone)
			var units []string
			var members []lists.Member
			for u := range 50 {
				units = append(units, fmt.Sprintf("u%02d", u))
				members = append(members, lists.Member{Code: units[u], Name: "单位" + units[u], Group: []string{"甲", "乙"}[u%2]})
			}
			var comps []lists.Component
			for i := range 161 {
				code := fmt.Sprintf("ind%03d", i)
				storetest.Must(b, st.PutIndicator(ctx, indicator.Indicator{Code: code, Name: "指标" + code, Direction: indicator.Higher,
					Departments: units, Cumulative: i%2 == 0}, at))
				storetest.Must(b, st.SetTarget(ctx, indicator.Target{Indicator: code, Period: "2026", Value: 100}))
				if i < 20 {
					comps = append(comps, lists.Component{Kind: lists.FromIndicator, Indicator: code, Name: code, Weight: 5})
				}
			}
			for m := 1; m <= 11; m++ {
				month := fmt.Sprintf("2026-%02d", m)
				var vs []indicator.Value
				for i := range 161 {
					for j, u := range units {
						vs = append(vs, indicator.Value{Indicator: fmt.Sprintf("ind%03d", i), Unit: u, Value: float64((i*7+j*13+m)%120 + 1), ReportedBy: "bench", ReportedAt: at})
					}
				}
				_, err := st.ReportValues(ctx, month, vs)
				storetest.Must(b, err)
			}
			l := lists.List{Code: "bench", Name: "基准榜", MemberKind: lists.Districts, Members: members, Components: comps}
			storetest.Must(b, l.Validate())
			storetest.Must(b, st.PutList(ctx, l, at))
			b.ResetTimer()
			for b.Loop() {
				p, err := lists.Get(ctx, st, nil, "bench", "2026-11")
				if err != nil || len(p.Groups) != 2 {
					b.Fatalf("%v %+v", err, p.Groups)
				}
			}
		})
	}
}
