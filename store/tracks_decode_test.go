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

// ledgerView is what decodeLedgerTrack keeps of a part t.
func ledgerView(t slip.Track) slip.Track {
	v := slip.Track{Department: t.Department, Role: t.Role, Status: t.Status, Deadline: t.Deadline,
		AckReminded: t.AckReminded, Waiver: t.Waiver, ReplacedBy: t.ReplacedBy}
	if r := t.Report; r != nil {
		v.Report = &slip.Report{Achieved: r.Achieved, Figures: r.Figures, Problems: r.Problems, Measures: r.Measures}
	}
	if t.Refusal != nil {
		v.Refusal = &slip.Refusal{Reason: t.Refusal.Reason}
	}
	return v
}

// checkLedgerDecode fails t unless decodeLedgerTrack reads detail as
// encoding/json does, less the fields it leaves out.
func checkLedgerDecode(t *testing.T, detail []byte) {
	t.Helper()
	var whole slip.Track
	if err := json.Unmarshal(detail, &whole); err != nil {
		t.Fatalf("encoding/json: %v\n%s", err, detail)
	}
	want := ledgerView(whole)
	got, err := decodeLedgerTrack(detail)
	if err != nil {
		t.Fatalf("decodeLedgerTrack: %v\n%s", err, detail)
	}
	if !reflect.DeepEqual(want, got) {
		t.Fatalf("decodes otherwise:\n%s\nencoding/json: %#v\nreport %#v\ndecodeLedgerTrack: %#v\nreport %#v", detail, want, want.Report, got, got.Report)
	}
}

// TestDecodeLedgerTrackAgreesWithEncodingJSON: the export's hand-written
// reading of a part gives what encoding/json gives, less the fields the
// export does not read — for parts as jsonText writes them (random, as
// TestDecodeTrackAgreesWithEncodingJSON's) and for JSON it never writes
// but another writer might: escapes of every kind, surrogate pairs and lone
// halves, white space, nulls, empty lists and unknown keys of every type.
func TestDecodeLedgerTrackAgreesWithEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 141))
	texts := []string{"", "职责范围内的整改任务已完成", `引号"与反斜杠\`, "换行\n制表\t", "emoji 🚧 与 <html> & 'x'", "\u2028\u2029", "bad \xff utf-8", "\x00\x1f"}
	text := func() string { return texts[rng.IntN(len(texts))] }
	date := func() calendar.Date {
		if rng.IntN(3) == 0 {
			return calendar.Date{}
		}
		return calendar.DateOf(time.Date(2026, time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 12, 0, 0, 0, calendar.Zone))
	}
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, calendar.Zone)
	for range 2000 {
		tr := slip.Track{Department: text(), Role: slip.TrackRole(text()), Status: slip.TrackStatus(text()), Deadline: date(),
			AssignedAt: at, RefuseBy: date(), AcknowledgedAt: &at, Refusals: rng.IntN(3), Waiver: text(), ReplacedBy: text(),
			Presses: rng.IntN(4), EscalationLevel: rng.IntN(3), AckReminded: rng.IntN(2) == 0}
		if rng.IntN(4) != 0 {
			tr.Report = &slip.Report{Kind: slip.ActionProgress, Achieved: text(), Problems: text(), By: text(), At: at}
			for range rng.IntN(3) {
				tr.Report.Figures = append(tr.Report.Figures, slip.Figure{Name: text(), Value: text(), Unit: text()})
			}
			for range rng.IntN(3) {
				m := slip.Measure{Content: text(), Due: date()}
				switch rng.IntN(3) {
				case 0:
					m.Units = []string{}
				case 1:
					m.Units = []string{text(), text()}
				}
				tr.Report.Measures = append(tr.Report.Measures, m)
			}
		}
		if rng.IntN(3) == 0 {
			tr.Refusal = &slip.Refusal{Reason: text(), By: text(), At: at}
		}
		checkLedgerDecode(t, []byte(jsonText(tr)))
	}
	for _, detail := range []string{
		`{}`, `null`, ` { "department" : "zjj" , "role":"lead" } `,
		`{"department":"\u4f4f\u5efa\u5c40","waiver":"\"\\\/\b\f\n\r\t","replaced_by":"\ud83d\ude80"}`,
		`{"waiver":"lone \ud800 high","replaced_by":"lone \udc00 low","department":"\ud800\u0041 high then letter"}`,
		`{"department":"zjj","extra":{"a":[1,-2.5e3,true,false,null,{"b":"c"}],"d":"e"},"refusals":12,"assigned_at":"2026-01-01T00:00:00Z"}`,
		`{"report":null,"refusal":null,"deadline":null,"ack_reminded":null,"department":null}`,
		`{"report":{"kind":"resolve","achieved":"完成","figures":[],"measures":[]}}`,
		`{"report":{"figures":null,"measures":null}}`,
		`{"report":{"figures":[null,{"name":"n","value":"1","unit":"个","x":0}],"measures":[null,{"content":"c","units":null,"due":""},{"units":["a",null],"due":"2026-05-06"}]}}`,
		`{"report":{"achieved":"first","achieved":"second"},"refusal":{"by":"x","reason":"不属于本单位职责"}}`,
		`{"ack_reminded":true,"deadline":"2026-12-31","status":"in_progress"}`,
		`{"deadline":" 2026-12-31 "}`,
		`{"deadline":"2026\u002d12\u002d31","status":"in\u005fprogress","role":"co\u0000","note":"\"\u00e9\ud83d\ude80"}`,
		`{"status":"cancelled","role":"lead"}`,
	} {
		checkLedgerDecode(t, []byte(detail))
	}
}

// TestDecodeLedgerTrackRefusesWhatIsNotAPart: a detail that is not one JSON
// object of a part fails rather than passing for an empty part.
func TestDecodeLedgerTrackRefusesWhatIsNotAPart(t *testing.T) {
	for _, detail := range []string{
		``, `[]`, `"zjj"`, `{`, `{"department":"zjj"`, `{"department":"zjj",}`, `{"department" "zjj"}`,
		`{"department":zjj}`, `{"department":"zjj"} x`, `{"department":"zj` + "\n" + `j"}`, `{"department":"\x"}`,
		`{"department":"\u12"}`, `{"ack_reminded":"yes"}`, `{"deadline":"2026-13-01"}`, `{"report":[]}`,
		`{"report":{"figures":{}}}`, `{"x":-}`, `{"x":nul}`, `{"x":[1,]}`, `{"x":"\q"}`, `{"x":"\u00g0"}`,
		`{"x":"a` + "\t" + `b"}`, `{"deadline":"2026\u002d1"}`, `{"status":"in_progress`,
	} {
		if _, err := decodeLedgerTrack([]byte(detail)); err == nil {
			t.Errorf("decodeLedgerTrack(%q) succeeded", detail)
		}
	}
}

// FuzzDecodeLedgerTrack: whatever the text of a part's fields, the export
// reads the part as jsonText wrote it as encoding/json does; and no detail
// at all makes it panic.
func FuzzDecodeLedgerTrack(f *testing.F) {
	f.Add("zjj", "完成\n90%", "\"\\/<>&\u2028", "\xff\xfe", "2026-01-02", true)
	f.Add("", "", "", "", "", false)
	f.Fuzz(func(t *testing.T, a, b, c, d, due string, reminded bool) {
		day, err := calendar.ParseDate(due)
		if err != nil {
			day = calendar.Date{}
		}
		tr := slip.Track{Department: a, Role: slip.TrackRole(b), Status: slip.TrackStatus(c), Deadline: day, AckReminded: reminded,
			Waiver: d, ReplacedBy: a + d, Refusal: &slip.Refusal{Reason: b + c},
			Report: &slip.Report{Achieved: c, Problems: d, Figures: []slip.Figure{{Name: a, Value: b, Unit: c}},
				Measures: []slip.Measure{{Content: d, Units: []string{a, b}, Due: day}}}}
		checkLedgerDecode(t, []byte(jsonText(tr)))
		for _, raw := range []string{a, b, c, d, `{"department":"` + a + `"}`, `{"report":{"achieved":` + b + `}}`} {
			_, _ = decodeLedgerTrack([]byte(raw)) // must not panic
		}
	})
}
