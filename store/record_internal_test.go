package store

import (
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/duban-gov/duban/calendar"
)

// TestChangedColumns: a projection sets only the columns whose value the
// row does not hold already; times compare by instant, pointers by what
// they point to, and nil only equals nil.
func TestChangedColumns(t *testing.T) {
	acked := time.Date(2026, 12, 1, 2, 3, 4, 5, time.UTC)
	deadline := "2026-12-20"
	before := slipRow{
		ID: "s1", Status: "in_progress", LastSeq: 3, EffectiveDeadline: "2026-12-10",
		AcknowledgedAt: &acked, PendingExtension: &deadline,
	}
	same, days := deadline, 4
	cols := map[string]any{
		"status":             "in_progress",
		"last_seq":           int64(4),
		"effective_deadline": "2026-12-11",
		"acknowledged_at":    ptr(acked.In(calendar.Zone)), // the same instant, another zone
		"pending_extension":  &same,
		"closed_at":          (*time.Time)(nil),
		"resolved_at":        &acked,
		"grade":              "",
		"close_working_days": &days,
		"reviewed":           true,
	}
	got, err := before.changedColumns(context.Background(), cols)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"close_working_days", "effective_deadline", "last_seq", "resolved_at", "reviewed"}
	if keys := slices.Sorted(maps.Keys(got)); !slices.Equal(keys, want) {
		t.Fatalf("changed columns %v, want %v", keys, want)
	}
	if _, err := before.changedColumns(context.Background(), map[string]any{"no_such": 1}); err == nil {
		t.Fatal("an unknown column passed")
	}
}

func ptr[T any](v T) *T { return &v }

// TestParseTextArray reads PostgreSQL's text form of text[] as the driver
// hands slips.units over, and refuses what is not a plain list of strings.
func TestParseTextArray(t *testing.T) {
	for in, want := range map[string][]string{
		`{}`:                          {},
		`{zjj}`:                       {"zjj"},
		`{zjj,ljq-14,ctjt}`:           {"zjj", "ljq-14", "ctjt"},
		`{"a b","c\"d","e,f","g\\h"}`: {"a b", `c"d`, "e,f", `g\h`},
		`{"NULL",住建局}`:                {"NULL", "住建局"},
		`{""}`:                        {""},
	} {
		got, ok := parseTextArray(in)
		if !ok || !slices.Equal(got, want) {
			t.Errorf("parseTextArray(%s) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{``, `{`, `zjj`, `{a,}`, `{,a}`, `{NULL}`, `{"a}`, `{{a},{b}}`, `{a"b}`, `{"a"b}`} {
		if got, ok := parseTextArray(in); ok {
			t.Errorf("parseTextArray(%s) = %q, want refused", in, got)
		}
	}
}

// TestTextArrayValue: a text array as a parameter is PostgreSQL's text
// form, every element quoted, and reads back as itself.
func TestTextArrayValue(t *testing.T) {
	for _, a := range [][]string{{}, {"zjj"}, {"zjj", "ljq-14"}, {"a b", `c"d`, "e,f", `g\h`, "NULL", "住建局", ""}} {
		v, err := textArray(a).Value()
		if err != nil {
			t.Fatal(err)
		}
		got, ok := parseTextArray(v.(string))
		if !ok || !slices.Equal(got, a) {
			t.Errorf("%q written as %s reads back as %q, %v", a, v, got, ok)
		}
	}
}
