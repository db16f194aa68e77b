package payload_test

import (
	"reflect"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"

	"github.com/duban-gov/duban/activities"
	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/internal/payload"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/workflows"
)

// walked is a slip with co-units taken from issue to sign-off through an
// extension, structured reports and a send-back: most of what a slip can
// hold, as the workflow holds it.
func walked(t *testing.T) (slip.Slip, []slip.Event) {
	t.Helper()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, calendar.Zone)
	s := slip.Slip{ID: "s1", Draft: slip.Draft{
		Title: "老旧小区加装电梯", Content: "年底前完成 30 部", Source: "2026新春第一会", Batch: "2026新春第一会",
		Category: "民生实事", Priority: slip.PriorityUrgent, LeadDepartment: "zjj", CoDepartments: []string{"fgw"},
		Leader: "王副市长", Deadline: calendar.MustParseDate("2026-11-30"),
	}, IssuedAt: at, IssuedBy: "督查室"}
	s.Tracks = slip.NewTracks(s.Draft, at, calendar.MustParseDate("2026-03-05"))
	s.StartIssued()
	yes := true
	measures := []slip.Measure{{Content: "倒排工期", Units: []string{"zjj", "fgw"}, Due: calendar.MustParseDate("2026-06-30")}}
	figures := []slip.Figure{{Name: "已完成", Value: "12", Unit: "部"}}
	var events []slip.Event
	for i, c := range []slip.Command{
		{Action: slip.ActionAcknowledge},
		{Action: slip.ActionCoAcknowledge, TrackFields: slip.TrackFields{Department: "fgw"}},
		{Action: slip.ActionProgress, Text: "完成 12 部", TrackFields: slip.TrackFields{Problems: "资金未到位", Measures: measures, Figures: figures}},
		{Action: slip.ActionRequestExtension, Reason: "汛期停工", Deadline: calendar.MustParseDate("2026-12-31")},
		{Action: slip.ActionDecideExtension, Approved: &yes},
		{Action: slip.ActionCompletePart, Text: "配合完成", TrackFields: slip.TrackFields{Department: "fgw"}},
		{Action: slip.ActionResolve, Summary: "全部完成", Evidence: []string{"验收单.pdf", "照片"}},
		{Action: slip.ActionSendBack, Comment: "佐证不足"},
		{Action: slip.ActionResolve, Summary: "补齐佐证", Evidence: []string{"验收单.pdf"}},
		{Action: slip.ActionPassReview, Comment: "通过"},
		{Action: slip.ActionSignOff, Comment: "同意销号", Grade: slip.GradeSatisfied},
	} {
		c.Actor, c.ActorID, c.ActorRole, c.RequestID = "张敏", 7, slip.RoleOffice, "req-1"
		ev, err := s.Apply(c, at.Add(time.Duration(i+1)*time.Hour))
		if err != nil {
			t.Fatalf("%s: %v", c.Action, err)
		}
		events = append(events, ev)
	}
	if s.Status != slip.StatusClosed {
		t.Fatalf("walked to %s", s.Status)
	}
	return s, events
}

// TestReadsAsTheSDKDoes: what the SDK's default converter writes, this one
// writes byte for byte, and what either wrote this one reads into the same
// value as the default: a history is the same history under both.
func TestReadsAsTheSDKDoes(t *testing.T) {
	s, events := walked(t)
	values := map[string]any{
		"slip":       s,
		"projection": activities.Projection{Slip: s, Event: events[len(events)-1]},
		"input":      workflows.Input{Slip: s, Applied: []string{"a", "b"}},
		"events":     events,
		"command":    slip.Command{Action: slip.ActionProgress, Text: "进展", TrackFields: slip.TrackFields{Measures: []slip.Measure{{Content: "x"}}}},
		"number":     "督〔2026〕17号",
		"map":        map[string]any{"n": 1.5, "s": "字", "l": []any{true, nil}},
		"nil slice":  []slip.Reminder(nil),
	}
	std := converter.GetDefaultDataConverter()
	for name, v := range values {
		want, err := std.ToPayload(v)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := payload.Converter.ToPayload(v)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if string(got.Data) != string(want.Data) || string(got.Metadata[converter.MetadataEncoding]) != string(want.Metadata[converter.MetadataEncoding]) {
			t.Errorf("%s written differently:\n%s\n%s", name, got, want)
		}
		typ := reflect.TypeOf(v)
		byStd, byOurs := reflect.New(typ), reflect.New(typ)
		if err := std.FromPayload(want, byStd.Interface()); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := payload.Converter.FromPayload(want, byOurs.Interface()); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(byOurs.Elem().Interface(), byStd.Elem().Interface()) {
			t.Errorf("%s read differently:\n%#v\n%#v", name, byOurs.Elem().Interface(), byStd.Elem().Interface())
		}
	}
}
