package calendar_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/duban-gov/duban/calendar"
)

// TestParseSourceErrors: every mistake an operator can make names the file
// and the line to fix.
func TestParseSourceErrors(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		wantLine int
		wantMsg  string
	}{
		{"no directive", "# 2026\n2026-01-01 off 元旦\n", 2, "missing directive"},
		{"empty file", "# nothing but comments\n\n", 0, "missing directive"},
		{"short date", "year 2026\n2026-1-01 off 元旦\n", 2, "want YYYY-MM-DD"},
		{"no such date", "year 2026\n# 2026 is not a leap year\n2026-02-29 off 春节\n", 3, "no such date"},
		{"unknown kind", "year 2026\n2026-01-01 holiday 元旦\n", 2, `unknown kind "holiday"`},
		{"missing reason", "year 2026\n2026-01-01 off\n", 2, "off|work 事由"},
		{"bad year directive", "year 26\n", 1, `want "year YYYY"`},
		{"year without number", "year\n", 1, `want "year YYYY"`},
		{"override with argument", "override 2026\n", 1, `"override" alone`},
		{"second directive", "year 2026\noverride\n", 2, "second directive"},
		{"directive after dates", "override\n2026-07-08 off 台风停工\nyear 2026\n", 3, "second directive"},
		{"next year's date", "year 2026\n2026-12-31 off 跨年\n2027-01-01 off 元旦\n", 3, "outside year 2026"},
		{"earlier than december", "year 2026\n2025-11-30 off 元旦\n", 2, "outside year 2026"},
		{"conflicting duplicate", "year 2026\n2026-10-08 off 国庆节\n\n2026-10-08 work 国庆节 调休上班\n", 4, "2026-10-08 listed twice: work here, off on line 2"},
		{"same duplicate", "override\n2026-07-08 off 台风停工\n2026-07-08 off 台风停工\n", 3, "listed twice"},
		{"not utf-8", "override\n2026-07-08 off \xcc\xa8\xb7\xe7\n", 2, "not UTF-8"}, // 台风 in GBK
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := calendar.ParseSource("cn-test.txt", []byte(tt.text))
			var pe *calendar.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error = %v, want *ParseError", err)
			}
			if pe.File != "cn-test.txt" || pe.Line != tt.wantLine || !strings.Contains(pe.Msg, tt.wantMsg) {
				t.Errorf("error = %q (line %d), want line %d and %q", err, pe.Line, tt.wantLine, tt.wantMsg)
			}
			prefix := "cn-test.txt: "
			if tt.wantLine > 0 {
				prefix = fmt.Sprintf("cn-test.txt:%d: ", tt.wantLine)
			}
			if !strings.HasPrefix(err.Error(), prefix) {
				t.Errorf("error %q does not start with %q", err, prefix)
			}
		})
	}
}

// TestParseSourceAccepts the forms the format allows beyond the obvious.
func TestParseSourceAccepts(t *testing.T) {
	text := "\uFEFF# saved by Notepad, with a BOM and CRLF\r\n" +
		"year 2026\r\n" +
		"2025-12-31 off 元旦\r\n" + // the previous December is allowed
		"  2026-01-04\twork   元旦 调休上班  \r\n"
	s := source(t, "cn-2026.txt", text)
	if y, ok := s.Year(); !ok || y != 2026 {
		t.Errorf("Year() = %d, %v", y, ok)
	}
	o := source(t, "local.txt", "override\n")
	if _, ok := o.Year(); ok {
		t.Error("an override file reports a year")
	}
}

// TestNewConflicts: files that are fine alone but not together.
func TestNewConflicts(t *testing.T) {
	tests := []struct {
		name    string
		extra   []calendar.Source
		wantErr []string
	}{
		{
			name:    "year declared twice",
			extra:   []calendar.Source{source(t, "my-2026.txt", "year 2026\n")},
			wantErr: []string{"my-2026.txt declares year 2026", "calendar/data/cn-2026.txt"},
		},
		{
			// cn-2019.txt lists 2018-12-31 as off (the 2019 New Year holiday); a
			// 2018 file that says otherwise must not silently win or lose.
			name:    "national files disagree",
			extra:   []calendar.Source{source(t, "cn-2018.txt", "year 2018\n2018-12-31 work 元旦 调休上班\n")},
			wantErr: []string{"cn-2018.txt:2 lists 2018-12-31 as work", "calendar/data/cn-2019.txt:8 lists it as off"},
		},
		{
			name: "override files disagree",
			extra: []calendar.Source{
				source(t, "a.txt", "override\n2026-07-08 off 台风停工\n"),
				source(t, "b.txt", "override\n2026-07-08 work 补班\n"),
			},
			wantErr: []string{"b.txt:2 lists 2026-07-08 as work", "a.txt:2 lists it as off"},
		},
		{
			name:    "zero Source",
			extra:   []calendar.Source{{}},
			wantErr: []string{"zero Source"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := calendar.New(calendar.Options{Extra: tt.extra})
			if err == nil {
				t.Fatal("New succeeded")
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
		})
	}
	// Agreeing with cn-2019.txt is fine, and declares 2018.
	c, err := calendar.New(calendar.Options{Extra: []calendar.Source{source(t, "cn-2018.txt", "year 2018\n2018-12-31 off 元旦\n")}})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Years(); got[0] != 2018 {
		t.Errorf("Years() = %v, want 2018 first", got)
	}
	// Sat 2018-12-29 is a 调休 working day from the 2019 notice.
	if d, err := c.Day(date(t, "2018-12-29")); err != nil || d.Kind != calendar.KindMakeupWorkday {
		t.Errorf("Day(2018-12-29) = %+v, %v", d, err)
	}
	if _, err := calendar.New(calendar.Options{MissingYear: 7}); err == nil {
		t.Error("New accepted an unknown policy")
	}
}
