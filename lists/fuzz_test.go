package lists_test

import (
	"bytes"
	"math"
	"testing"

	"github.com/duban-gov/duban/internal/jsonbody"
	"github.com/duban-gov/duban/lists"
)

// FuzzListDefinition feeds arbitrary bodies through what POST /lists does:
// strict decoding, then validation; whatever passes has weights summing to
// 100 and no member twice, and computes without panicking, every member
// placed exactly once with ranks that never decrease.
func FuzzListDefinition(f *testing.F) {
	for _, seed := range []string{
		`{"code":"p","name":"省考排行榜","member_kind":"district","board_size":2,"members":[{"code":"a","name":"甲","group":""},{"code":"b","name":"乙","group":""}],"components":[{"kind":"indicator","indicator_code":"gdp","name":"GDP","weight":60},{"kind":"indicator","indicator_code":"inv","name":"投资","weight":40}]}`,
		`{"code":"c","name":"市考","member_kind":"department","board_size":0,"members":[{"code":"zjj","name":"住建局","group":"x"},{"code":"zjj","name":"住建局","group":"y"}],"components":[{"kind":"slips","name":"督办","weight":100}]}`,
		`{"code":"c","name":"n","member_kind":"village","members":[{"code":"a","name":"甲"}],"components":[{"kind":"review","name":"回头看","weight":33.3},{"kind":"review","name":"x","weight":66.7}]}`,
		`{"code":"c","name":"n","member_kind":"team","members":[],"components":[{"kind":"indicator","indicator_code":"i","weight":1e308}]}`,
		`{}`, `null`, `[]`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var l lists.List
		if jsonbody.Decode(bytes.NewReader(body), &l, false) != nil || l.Validate() != nil {
			return
		}
		sum := 0.0
		seen := map[string]bool{}
		for _, c := range l.Components {
			sum += c.Weight
		}
		for _, m := range l.Members {
			if seen[m.Code] {
				t.Fatalf("member %s twice passed validation", m.Code)
			}
			seen[m.Code] = true
		}
		if math.Abs(sum-100) > 1e-6 {
			t.Fatalf("weights summing to %v passed validation", sum)
		}
		sc := lists.Scores{}
		for i, c := range l.Components {
			sc[c.Key()] = map[string]float64{}
			for j, m := range l.Members {
				if (i+j)%3 != 0 {
					sc[c.Key()][m.Code] = float64((i*31+j*17)%101) + 0.5
				}
			}
		}
		st := lists.Compute(l, "2026-11", sc, nil)
		placed := 0
		for _, g := range st.Groups {
			prev := 0
			for _, e := range g.Entries {
				placed++
				if !e.NoData && e.Rank < prev {
					t.Fatalf("ranks decrease in %+v", g.Entries)
				}
				if !e.NoData {
					prev = e.Rank
				}
			}
			if len(g.RedList)+len(g.BlackList) > len(g.Entries) {
				t.Fatalf("a member on both lists: %+v", g)
			}
		}
		if placed != len(l.Members) {
			t.Fatalf("%d members, %d placed", len(l.Members), placed)
		}
	})
}
