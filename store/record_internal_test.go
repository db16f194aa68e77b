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
	st := openSQLite(t, false)
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
	got, err := before.changedColumns(context.Background(), st.db, cols)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"close_working_days", "effective_deadline", "last_seq", "resolved_at", "reviewed"}
	if keys := slices.Sorted(maps.Keys(got)); !slices.Equal(keys, want) {
		t.Fatalf("changed columns %v, want %v", keys, want)
	}
	if _, err := before.changedColumns(context.Background(), st.db, map[string]any{"no_such": 1}); err == nil {
		t.Fatal("an unknown column passed")
	}
}

func ptr[T any](v T) *T { return &v }
