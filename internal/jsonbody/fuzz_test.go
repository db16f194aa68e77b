package jsonbody_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/internal/jsonbody"
	"github.com/duban-gov/duban/notify"
	"github.com/duban-gov/duban/slip"
)

// FuzzDecodeRequests feeds arbitrary bodies through what every write
// endpoint does with its body: strict decoding into the request types, then
// the domain's validation, then (for commands that pass) applying them to a
// slip. Nothing may panic, and whatever passes validation respects the
// limits. CI runs it for a fixed short time (see README); the seed corpus
// is in testdata/fuzz/FuzzDecodeRequests.
func FuzzDecodeRequests(f *testing.F) {
	for _, seed := range []string{
		`{"title":"推进老旧小区改造","lead_department":"zjj","co_departments":["fgw"],"deadline":"2026-12-31"}`,
		`{"title":"t","lead_department":"zjj","deadline_working_days":5,"reminder_policy":{"ack_after":1,"before_due":[3,1,0],"urge":1,"supervise":3,"public_notice":5,"repeat_every":5,"fire_at":"09:00"}}`,
		`{"action":"resolve","summary":"完成","evidence":["照片","<script>"]}`,
		`{"action":"send_back","comment":"退回","deadline":"2026-13-40"}`,
		`{"action":"request_extension","reason":"延期","deadline":"2027-01-01"}`,
		`{"action":"decide_extension","approved":true}`,
		`{"channel":"dingtalk","url":"https://oapi.dingtalk.com/robot/send?access_token=x","secret":"SEC1"}`,
		`{"Channel":"dingtalk"}`, `{"title":"a","title":"b"}`, "{\"title\":\"\xff\"}",
		`{"title":"\u0000"}`, `[]`, `null`, `{"title":1e999}`, `{}{}`, "",
	} {
		f.Add([]byte(seed))
	}
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, calendar.Zone)
	f.Fuzz(func(t *testing.T, body []byte) {
		var d slip.Draft
		if jsonbody.Decode(bytes.NewReader(body), &d, false) == nil {
			if !utf8.Valid(body) {
				t.Fatalf("invalid UTF-8 accepted: %q", body)
			}
			d.Normalize()
			if d.Validate() == nil {
				if d.Title == "" || utf8.RuneCountInString(d.Title) > slip.MaxTitle || len(d.CoDepartments) > slip.MaxCoDepartment {
					t.Fatalf("draft passed validation beyond the limits: %+v", d)
				}
				if d.Deadline.IsZero() == (d.DeadlineWorkingDays == 0) {
					t.Fatalf("draft passed with deadline %q and %d working days", d.Deadline, d.DeadlineWorkingDays)
				}
			}
		}
		var cmd slip.Command
		if jsonbody.Decode(bytes.NewReader(body), &cmd, true) == nil {
			cmd.Actor = "模糊测试"
			if cmd.Validate() == nil {
				for _, st := range slip.Statuses {
					s := slip.Slip{ID: "f", Status: st, Seq: 1, Deadline: calendar.MustParseDate("2026-12-31"),
						Draft: slip.Draft{LeadDepartment: "zjj", Deadline: calendar.MustParseDate("2026-12-31")}}
					before := s
					if _, err := s.Apply(cmd, at); err != nil && (s.Status != before.Status || s.Seq != before.Seq) {
						t.Fatalf("refused %s changed the slip", cmd.Action)
					}
				}
			}
		}
		var e notify.Endpoint
		if jsonbody.Decode(bytes.NewReader(body), &e, false) == nil {
			_ = e.Validate()
		}
	})
}

func TestDecode(t *testing.T) {
	var v struct{ A int }
	for body, want := range map[string]error{`{"A":1}`: nil, ``: jsonbody.ErrEmpty, `{"A":1} x`: jsonbody.ErrTrailing} {
		if err := jsonbody.Decode(bytes.NewReader([]byte(body)), &v, false); err != want {
			t.Errorf("%q: %v, want %v", body, err, want)
		}
	}
	if err := jsonbody.Decode(bytes.NewReader([]byte(`{"B":1}`)), &v, false); err == nil {
		t.Error("unknown field accepted")
	}
	if err := jsonbody.Decode(bytes.NewReader(nil), &v, true); err != nil {
		t.Errorf("empty body with emptyOK: %v", err)
	}
}

// TestDecodeRefusesWhatEncodingJSONForgives: invalid UTF-8 (which
// encoding/json turns into U+FFFD), a field name in another case (which it
// matches anyway) and a repeated key (whose last value it keeps) are each
// refused, at any depth; the same bodies spelled properly pass.
func TestDecodeRefusesWhatEncodingJSONForgives(t *testing.T) {
	type inner struct {
		Name string `json:"name"`
	}
	type Embedded struct {
		Note string `json:"note"`
	}
	type body struct {
		Embedded
		Title  string            `json:"title"`
		Items  []inner           `json:"items"`
		Labels map[string]string `json:"labels"`
		Plain  int
		Skip   int `json:"-"`
		Any    any `json:"any"`
	}
	for _, tc := range []struct {
		body string
		ok   bool
	}{
		{`{"title":"整治","items":[{"name":"a"}],"labels":{"k":"v"},"Plain":1,"note":"n","any":{"x":1}}`, true},
		{"{\"title\":\"\xff\"}", false},                // invalid UTF-8 inside a string
		{"{\"title\":\"\xe6\x95\"}", false},            // a cut-off character
		{`{"title":"\ud800"}`, true},                   // an escape is valid UTF-8 text; encoding/json decides what it means
		{`{"Title":"整治"}`, false},                      // case-insensitive match
		{`{"TITLE":"整治"}`, false},                      //
		{`{"plain":1}`, false},                         // an untagged field's Go name, in another case
		{`{"items":[{"NAME":"a"}]}`, false},            // in a nested struct
		{`{"Note":"n"}`, false},                        // in an embedded struct
		{`{"Skip":1}`, false},                          // a field json ignores
		{`{"title":"a","title":"b"}`, false},           // duplicate key
		{`{"items":[{"name":"a","name":"b"}]}`, false}, // in a nested object
		{`{"labels":{"k":"v","k":"w"}}`, false},        // in a map
		{`{"any":{"x":1,"x":2}}`, false},               // in an untyped value
		{`{"labels":{"K":"v","k":"w"}}`, true},         // map keys are data: case matters, both stay
	} {
		var v body
		err := jsonbody.Decode(strings.NewReader(tc.body), &v, false)
		if (err == nil) != tc.ok {
			t.Errorf("%q: error %v, want ok=%v", tc.body, err, tc.ok)
		}
	}
	var v body
	if err := jsonbody.Decode(strings.NewReader("{\"title\":\"\xff\"}"), &v, false); !errors.Is(err, jsonbody.ErrInvalidUTF8) {
		t.Errorf("invalid UTF-8: %v, want ErrInvalidUTF8", err)
	}
}
