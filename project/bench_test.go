package project_test

import (
	"testing"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/project"
)

// BenchmarkPlanBackwards plans a four-node template back from 2026-10-16,
// across 国庆 2026 (nodes 20, 10, 5 and 0 working days back).
func BenchmarkPlanBackwards(b *testing.B) {
	cal, err := calendar.Default()
	if err != nil {
		b.Fatal(err)
	}
	c := industrial()
	if err := c.Validate(); err != nil {
		b.Fatal(err)
	}
	end := calendar.MustParseDate("2026-10-16")
	for b.Loop() {
		if _, err := project.PlanBackwards(cal, c, end); err != nil {
			b.Fatal(err)
		}
	}
}
