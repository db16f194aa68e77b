package store

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/slip"
)

// TestDecodeTrackAgreesWithEncodingJSON: a part's detail as jsonText writes
// it (encoding/json) decodes through decodeTrack (goccy/go-json) to exactly
// what encoding/json decodes it to — every field set or left out, text with
// quotes, escapes, emoji and CJK, times with and without fractions and
// zones.
func TestDecodeTrackAgreesWithEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 140))
	texts := []string{"", "职责范围内的整改任务已完成", `引号"与反斜杠\`, "换行\n制表\t", "emoji 🚧 与 <html> & 'x'", "\u2028\u2029"}
	text := func() string { return texts[rng.IntN(len(texts))] }
	instant := func() time.Time {
		at := time.Date(2026, time.Month(1+rng.IntN(12)), 1+rng.IntN(28), rng.IntN(24), rng.IntN(60), rng.IntN(60), rng.IntN(3)*500_000_000, time.UTC)
		if rng.IntN(2) == 0 {
			at = at.In(calendar.Zone)
		}
		return at
	}
	maybe := func() *time.Time {
		if rng.IntN(3) == 0 {
			return nil
		}
		at := instant()
		return &at
	}
	date := func() calendar.Date {
		if rng.IntN(3) == 0 {
			return calendar.Date{}
		}
		return calendar.DateOf(instant())
	}
	for i := range 500 {
		tr := slip.Track{Department: text(), Role: slip.RoleCo, Status: slip.TrackInProgress, Deadline: date(),
			AssignedAt: instant(), RefuseBy: date(), AcknowledgedAt: maybe(), CompletedAt: maybe(),
			Refusals: rng.IntN(3), Waiver: text(), ReplacedBy: text(), Presses: rng.IntN(4),
			EscalationLevel: rng.IntN(3), AckReminded: rng.IntN(2) == 0, LastReminderAt: maybe()}
		if rng.IntN(2) == 0 {
			tr.Report = &slip.Report{Kind: slip.ActionProgress, Achieved: text(), Problems: text(), By: text(), At: instant()}
			for range rng.IntN(3) {
				tr.Report.Figures = append(tr.Report.Figures, slip.Figure{Name: text(), Value: text(), Unit: text()})
				tr.Report.Measures = append(tr.Report.Measures, slip.Measure{Content: text(), Units: []string{text(), text()}, Due: date()})
			}
		}
		if rng.IntN(3) == 0 {
			tr.Refusal = &slip.Refusal{Reason: text(), By: text(), At: instant()}
		}
		detail := []byte(jsonText(tr))
		var want slip.Track
		if err := json.Unmarshal(detail, &want); err != nil {
			t.Fatal(err)
		}
		want.AssignedAt = want.AssignedAt.In(calendar.Zone)
		got, err := decodeTrack(detail)
		if err != nil {
			t.Fatalf("part %d: %v\n%s", i, err, detail)
		}
		if !reflect.DeepEqual(want, got) {
			t.Fatalf("part %d decodes otherwise:\n%s\nencoding/json: %+v\ndecodeTrack:   %+v", i, detail, want, got)
		}
	}
}
