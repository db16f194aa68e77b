package e2e

import (
	"context"
	"testing"

	"github.com/duban-gov/duban/workflows"
)

// TestDigestScheduleIsCreatedOnce creates the daily digest schedule on a
// real (in-process) Temporal server twice, as two workers starting would,
// and reads it back.
func TestDigestScheduleIsCreatedOnce(t *testing.T) {
	s := start(t)
	ctx := context.Background()
	for range 2 {
		if err := workflows.EnsureDigestSchedule(ctx, s.temporal, workflows.TaskQueue); err != nil {
			t.Fatalf("ensure schedule: %v", err)
		}
	}
	d, err := s.temporal.ScheduleClient().GetHandle(ctx, workflows.DigestScheduleID).Describe(ctx)
	if err != nil {
		t.Fatalf("describe schedule: %v", err)
	}
	spec := d.Schedule.Spec
	if spec.TimeZoneName != "Asia/Shanghai" || len(spec.Calendars) != 1 ||
		spec.Calendars[0].Hour[0].Start != 8 || spec.Calendars[0].Minute[0].Start != 30 {
		t.Fatalf("schedule spec: %+v", spec)
	}
	if len(d.Info.NextActionTimes) == 0 {
		t.Fatal("schedule has no next run")
	}
	next := d.Info.NextActionTimes[0].UTC()
	if next.Hour() != 0 || next.Minute() != 30 { // 08:30 in Beijing
		t.Fatalf("next run at %s, want 00:30 UTC", next)
	}
}
