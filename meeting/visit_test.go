package meeting

import (
	"testing"

	"github.com/duban-gov/duban/calendar"
)

func TestClashesAndMerge(t *testing.T) {
	d := calendar.MustParseDate
	planned := []Visit{
		{ID: "a", Department: "zjj", Date: d("2026-03-05"), Team: "第一督查组", Matters: []string{"老旧小区改造"}, Status: VisitPlanned},
		{ID: "b", Department: "zjj", Date: d("2026-04-02"), Team: "第二督查组", Matters: []string{"老旧小区改造"}, Status: VisitPlanned},
		{ID: "c", Department: "fgw", Date: d("2026-03-06"), Team: "第一督查组", Matters: []string{"老旧小区改造"}, Status: VisitPlanned},
		{ID: "d", Department: "zjj", Date: d("2026-03-20"), Team: "第三督查组", Matters: []string{"安全生产"}, Status: VisitPlanned},
		{ID: "e", Department: "zjj", Date: d("2026-03-21"), Team: "第三督查组", Status: VisitMerged},
	}
	v := Visit{ID: "new", Department: "zjj", Date: d("2026-03-25"), Team: "第四督查组", Matters: []string{"老旧小区改造", "燃气管网"}, Status: VisitPlanned}
	got := Clashes(planned, v, Window{})
	if len(got) != 1 || got[0].ID != "a" {
		t.Fatalf("same month: %+v", got)
	}
	if got := Clashes(planned, v, Window{Days: 7}); len(got) != 0 {
		t.Fatalf("7 days either side: %+v", got)
	}
	if got := Clashes(planned, v, Window{Days: 8}); len(got) != 1 || got[0].ID != "b" {
		t.Fatalf("8 days either side reaches 2 April: %+v", got)
	}
	if got := Clashes(planned, v, Window{Days: 20}); len(got) != 2 {
		t.Fatalf("20 days: %+v", got)
	}
	everything := Visit{ID: "x", Department: "zjj", Date: d("2026-03-01"), Team: "综合组", Status: VisitPlanned}
	if got := Clashes(planned, everything, Window{}); len(got) != 2 {
		t.Fatalf("a visit on everything clashes with both March visits: %+v", got)
	}
	merged, into, err := Merge(v, planned[0])
	if err != nil {
		t.Fatal(err)
	}
	if merged.Status != VisitMerged || merged.MergedInto != "a" || into.Date != d("2026-03-05") ||
		len(into.Matters) != 2 || into.Team != "第一督查组、第四督查组" {
		t.Fatalf("merge: %+v into %+v", merged, into)
	}
	if _, _, err := Merge(v, planned[2]); err == nil {
		t.Fatal("merged visits to two units")
	}
}
