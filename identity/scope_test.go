package identity

import (
	"slices"
	"testing"

	"github.com/duban-gov/duban/org"
	"github.com/duban-gov/duban/slip"
)

func TestConfine(t *testing.T) {
	tr := org.NewTree([]org.Node{
		{Code: "xa"}, {Code: "zA", Parent: "xa"}, {Code: "zB", Parent: "xa"},
		{Code: "vA1", Parent: "zA"}, {Code: "vB1", Parent: "zB"}, {Code: "fgw"},
		{Code: "belt", Kind: org.KindTaskforce, Members: []string{"fgw"}},
	})
	on := func(lead string, co ...string) slip.Slip {
		return slip.Slip{Draft: slip.Draft{LeadDepartment: lead, CoDepartments: co}}
	}
	town := User{Role: slip.RoleOffice, Scope: "zA"}.Confine(tr)
	county := User{Role: slip.RoleOffice, Scope: "xa"}.Confine(tr)
	city := User{Role: slip.RoleOffice}.Confine(tr)
	fgw := User{Role: slip.RoleDepartment, Department: "fgw"}.Confine(tr)
	gone := User{Role: slip.RoleOffice, Scope: "gone"}.Confine(tr)
	unconfinedTown := User{Role: slip.RoleOffice, Scope: "zA"}
	for _, c := range []struct {
		name string
		u    User
		s    slip.Slip
		want bool
	}{
		{"town, own village", town, on("vA1"), true},
		{"town, other town's village", town, on("vB1"), false},
		{"town, co-unit in its village", town, on("vB1", "vA1"), true},
		{"town, the county itself", town, on("xa"), false},
		{"county, both towns", county, on("vB1"), true},
		{"city", city, on("vB1"), true},
		{"member, its 专班", fgw, on("belt"), true},
		{"member, its own", fgw, on("fgw"), true},
		{"member, another's", fgw, on("vA1"), false},
		{"scope gone from the tree", gone, on("vA1"), false},
		{"scoped but not confined", unconfinedTown, on("vA1"), false},
	} {
		if got := c.u.CanSee(c.s); got != c.want {
			t.Errorf("%s: CanSee = %v, want %v", c.name, got, c.want)
		}
	}
	if all, units := town.Visible(); all || !slices.Equal(units, []string{"vA1", "zA"}) {
		t.Errorf("town Visible = %v %v", all, units)
	}
	if all, units := gone.Visible(); all || units == nil || len(units) != 0 {
		t.Errorf("gone Visible = %v %#v", all, units)
	}
	if all, _ := city.Visible(); !all {
		t.Error("city sees all")
	}
	if err := town.MayIssueTo("lead_department", "vA1", "zA"); err != nil {
		t.Errorf("town to its village: %v", err)
	}
	if err := town.MayIssueTo("lead_department", "vA1", "vB1"); err == nil || slip.AsError(err).Code != org.CodeOutsideScope {
		t.Errorf("town to another town: %v", err)
	}
	if err := city.MayIssueTo("lead_department", "vB1"); err != nil {
		t.Errorf("city: %v", err)
	}
	if err := unconfinedTown.MayIssueTo("lead_department", "vA1"); err == nil {
		t.Error("an unconfined scoped office issued")
	}
	if (User{Login: "dept", Name: "x", Role: slip.RoleDepartment, Department: "fgw", Scope: "xa"}).Validate() == nil {
		t.Error("a department user with a scope is valid")
	}
}
