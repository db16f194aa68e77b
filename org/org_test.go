package org

import (
	"slices"
	"testing"
)

// tree: a city with a county and two towns, a city 专班 with a county 专班
// beneath it.
func tree() Tree {
	return NewTree([]Node{
		{Code: "city"},
		{Code: "xa", Parent: "city"},
		{Code: "zA", Parent: "xa"}, {Code: "zB", Parent: "xa"},
		{Code: "vA1", Parent: "zA"}, {Code: "vB1", Parent: "zB"},
		{Code: "zjj"}, {Code: "fgw"}, {Code: "jtj"},
		{Code: "belt", Kind: KindTaskforce, Members: []string{"zjj", "fgw"}},
		{Code: "belt-xa", Kind: KindTaskforce, Parent: "belt", Members: []string{"jtj"}},
		{Code: "other", Kind: KindTaskforce, Members: []string{"jtj"}},
	})
}

func TestSubtree(t *testing.T) {
	tr := tree()
	for _, c := range []struct {
		code string
		want []string
	}{
		{"xa", []string{"vA1", "vB1", "xa", "zA", "zB"}},
		{"zA", []string{"vA1", "zA"}},
		{"vB1", []string{"vB1"}},
		{"belt", []string{"belt", "belt-xa"}},
		{"nowhere", []string{}},
	} {
		if got := tr.Subtree(c.code); !slices.Equal(got, c.want) {
			t.Errorf("Subtree(%s) = %v, want %v", c.code, got, c.want)
		}
	}
	if !tr.Within("vA1", "xa") || tr.Within("vA1", "zB") || !tr.Within("xa", "xa") {
		t.Error("Within")
	}
	if got := tr.Ancestors("vA1"); !slices.Equal(got, []string{"zA", "xa", "city"}) {
		t.Errorf("Ancestors = %v", got)
	}
}

// A member of the city 专班 sees the county 专班 beneath it; a member of
// the county 专班 does not see the city's.
func TestTeamsOf(t *testing.T) {
	tr := tree()
	for unit, want := range map[string][]string{
		"fgw": {"belt", "belt-xa"},
		"zjj": {"belt", "belt-xa"},
		"jtj": {"belt-xa", "other"},
		"vA1": nil,
	} {
		if got := tr.TeamsOf(unit); !slices.Equal(got, want) {
			t.Errorf("TeamsOf(%s) = %v, want %v", unit, got, want)
		}
	}
}

// A parent cycle (the store does not allow one) cannot loop the tree.
func TestCycleTerminates(t *testing.T) {
	tr := NewTree([]Node{{Code: "a", Parent: "b"}, {Code: "b", Parent: "a"}})
	if got := tr.Subtree("a"); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("Subtree = %v", got)
	}
	if tr.Within("a", "c") {
		t.Error("Within over a cycle")
	}
	_ = tr.Ancestors("a")
}

func TestTaskforceNormalize(t *testing.T) {
	tf := Taskforce{Code: " belt ", Name: " 专班 ", LeadUnit: "zjj", Members: []string{"fgw", "zjj", "fgw", ""}}
	tf.Normalize()
	if tf.Code != "belt" || tf.Name != "专班" || !slices.Equal(tf.Members, []string{"fgw", "zjj"}) {
		t.Errorf("normalized: %+v", tf)
	}
	if err := tf.Validate(); err != nil {
		t.Errorf("valid 专班: %v", err)
	}
	for _, bad := range []Taskforce{
		{Code: "belt", Name: "专班"},
		{Code: "belt", Name: "专班", LeadUnit: "belt", Members: []string{"belt"}},
		{Code: "", Name: "专班", LeadUnit: "zjj", Members: []string{"zjj"}},
	} {
		if bad.Validate() == nil {
			t.Errorf("accepted %+v", bad)
		}
	}
}
