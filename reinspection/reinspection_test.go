package reinspection_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/duban-gov/duban/reinspection"
	"github.com/duban-gov/duban/slip"
)

func TestSampleIsReproducible(t *testing.T) {
	var ids []string
	for i := range 40 {
		ids = append(ids, fmt.Sprintf("slip-%02d", i))
	}
	a := reinspection.Sample(ids, 25, 20260301)
	if len(a) != 10 {
		t.Fatalf("25%% of 40 drew %d", len(a))
	}
	reversed := slices.Clone(ids)
	slices.Reverse(reversed)
	if b := reinspection.Sample(reversed, 25, 20260301); !slices.Equal(a, b) {
		t.Fatalf("same seed, ids in another order: %v != %v", b, a)
	}
	if c := reinspection.Sample(ids, 25, 20260302); slices.Equal(a, c) {
		t.Fatalf("another seed drew the same sample %v", c)
	}
	if got := reinspection.Sample(ids[:3], 10, 1); len(got) != 1 {
		t.Errorf("10%% of 3 drew %d, want 1 (rounded up)", len(got))
	}
	if got := reinspection.Sample(ids, 100, 7); !slices.Equal(got, ids) {
		t.Errorf("100%% drew %d of %d", len(got), len(ids))
	}
	if got := reinspection.Sample(nil, 50, 7); got != nil {
		t.Errorf("an empty batch drew %v", got)
	}
	// A pinned draw: changing the algorithm would make recorded seeds lie.
	if got := reinspection.Sample(ids, 10, 42); !slices.Equal(got, pinned) {
		t.Errorf("seed 42 drew %q, recorded draws expect %q", got, pinned)
	}
}

var pinned = []string{"slip-07", "slip-20", "slip-25", "slip-34"}

func TestValidate(t *testing.T) {
	yes, no := true, false
	r := reinspection.Reinspection{ID: "r1", InspectorID: 7, Status: reinspection.StatusAssigned}
	cases := []struct {
		name string
		r    reinspection.Reinspection
		rec  reinspection.Record
		kind slip.Kind
	}{
		{"passed", r, reinspection.Record{Passed: &yes, InspectorID: 7}, ""},
		{"failed without notes", r, reinspection.Record{Passed: &no, Notes: " ", InspectorID: 7}, slip.KindInvalid},
		{"no verdict", r, reinspection.Record{InspectorID: 7}, slip.KindInvalid},
		{"someone else", r, reinspection.Record{Passed: &yes, InspectorID: 8}, slip.KindNotFound},
		{"before its start", reinspection.Reinspection{ID: "r1", InspectorID: 7, Status: reinspection.StatusScheduled}, reinspection.Record{Passed: &yes, InspectorID: 7}, slip.KindConflict},
		{"twice", reinspection.Reinspection{ID: "r1", InspectorID: 7, Status: reinspection.StatusPassed}, reinspection.Record{Passed: &yes, InspectorID: 7}, slip.KindConflict},
	}
	for _, c := range cases {
		err := c.r.Validate(c.rec)
		if c.kind == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if de := slip.AsError(err); de == nil || de.Kind != c.kind {
			t.Errorf("%s: %v, want kind %s", c.name, err, c.kind)
		}
	}
}
