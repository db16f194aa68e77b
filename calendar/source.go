package calendar

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"time"
	"unicode/utf8"
)

// Source is one parsed calendar file: a year file (the national arrangement
// for one year, declared by "year YYYY") or an override file (local changes,
// declared by "override"). Only ParseSource and LoadFile make Sources, so a
// Source has always passed the checks in the package documentation.
type Source struct {
	name    string
	year    int // the declared year; 0 for an override file
	entries []entry
	parsed  bool // false for a zero Source, which New refuses
}

// entry is one dated line of a Source.
type entry struct {
	date    Date
	working bool
	reason  string
	line    int
}

// Name is the file name the Source was parsed from; errors cite it.
func (s Source) Name() string { return s.name }

// Year is the year a year file declares; ok is false for an override file,
// which never makes a year known.
func (s Source) Year() (year int, ok bool) { return s.year, s.year != 0 }

// ParseError reports a bad line in a calendar file, with the position an
// operator needs to fix it.
type ParseError struct {
	File string
	Line int // 1-based; 0 when the problem is the file as a whole
	Msg  string
}

// Error formats the error as file:line: message.
func (e *ParseError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// LoadFile reads and parses a calendar file from disk, for data added by an
// operator without a rebuild: next year's arrangement or local closures.
func LoadFile(path string) (Source, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Source{}, fmt.Errorf("load calendar file: %w", err)
	}
	return ParseSource(path, data)
}

// The words of the file format; see the package documentation.
const (
	directiveYear     = "year"
	directiveOverride = "override"
	kindOff           = "off"
	kindWork          = "work"
)

// ParseSource parses a calendar file's contents; name is used in errors.
func ParseSource(name string, data []byte) (Source, error) {
	p := parser{src: Source{name: name}, seen: map[Date]entry{}}
	data = bytes.TrimPrefix(data, []byte("\uFEFF")) // editors on Windows add a BOM
	for i, raw := range strings.Split(string(data), "\n") {
		if err := p.line(i+1, raw); err != nil {
			return Source{}, err
		}
	}
	if p.directiveLine == 0 {
		return Source{}, &ParseError{File: name, Msg: missingDirective}
	}
	p.src.parsed = true
	return p.src, nil
}

const missingDirective = `missing directive: start with "year YYYY" (one year's national arrangement) or "override" (local changes)`

// parser holds the state of one ParseSource call.
type parser struct {
	src           Source
	directiveLine int // 0 until "year" or "override" is seen
	seen          map[Date]entry
}

func (p *parser) line(n int, raw string) error {
	fail := func(format string, args ...any) error {
		return &ParseError{File: p.src.name, Line: n, Msg: fmt.Sprintf(format, args...)}
	}
	line := strings.TrimSpace(raw)
	if line == "" || strings.HasPrefix(line, "#") {
		return nil
	}
	if !utf8.ValidString(line) {
		return fail("not UTF-8: save the file as UTF-8")
	}
	fields := strings.Fields(line)
	switch fields[0] {
	case directiveYear, directiveOverride:
		if p.directiveLine != 0 {
			return fail("second directive %q: the file was already declared on line %d", line, p.directiveLine)
		}
		if len(p.src.entries) > 0 {
			return fail("directive %q must come before the first date", line)
		}
		if fields[0] == directiveOverride {
			if len(fields) != 1 {
				return fail(`want "override" alone on the line, got %q`, line)
			}
		} else {
			year, ok := 0, len(fields) == 2 && len(fields[1]) == 4
			if ok {
				year, ok = digits(fields[1])
			}
			if !ok || year < 1 {
				return fail(`want "year YYYY", got %q`, line)
			}
			p.src.year = year
		}
		p.directiveLine = n
		return nil
	}
	if p.directiveLine == 0 {
		return fail(missingDirective)
	}
	if len(fields) < 3 {
		return fail(`want "YYYY-MM-DD off|work 事由", got %q`, line)
	}
	date, err := ParseDate(fields[0])
	if err != nil {
		return fail("%v", err)
	}
	var working bool
	switch fields[1] {
	case kindOff:
	case kindWork:
		working = true
	default:
		return fail("unknown kind %q for %s: want %q or %q", fields[1], date, kindOff, kindWork)
	}
	reason := strings.TrimSpace(line[len(fields[0]):])
	reason = strings.TrimSpace(reason[len(fields[1]):])
	if y := p.src.year; y != 0 && !inYearFile(y, date) {
		return fail("date %s is outside year %d (a year file lists dates of its year, or of December %d when the New Year holiday starts early)", date, y, y-1)
	}
	e := entry{date: date, working: working, reason: reason, line: n}
	if first, dup := p.seen[date]; dup {
		return fail("%s listed twice: %s here, %s on line %d", date, e.kindWord(), first.kindWord(), first.line)
	}
	p.seen[date] = e
	p.src.entries = append(p.src.entries, e)
	return nil
}

// inYearFile reports whether a year file for year may list date. Notices
// sometimes start the New Year holiday in the previous December (the 2019
// notice begins on 2018-12-29, the 2023 notice on 2022-12-31), so that month
// belongs to the next year's file too.
func inYearFile(year int, date Date) bool {
	return date.Year == year || (date.Year == year-1 && date.Month == time.December)
}

func (e entry) kindWord() string {
	if e.working {
		return kindWork
	}
	return kindOff
}
