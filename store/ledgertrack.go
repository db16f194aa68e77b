package store

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/slip"
)

// decodeLedgerTrack is decodeTrack for the 台账's export: what the export
// colours a part by (unit, role, status, deadline, acknowledgement
// reminder) and what its cells show (the report's 实现情况, figures, 存在问题
// and 具体措施, a refusal's reason, a waiver, the unit a 改派 gave it to),
// every other field zero. The part's times are left out: parsing them was
// a third of decoding a part. It reads the JSON by hand, in one pass
// over the detail without copying it: through goccy/go-json, which copies
// its input and allocates per field, decoding the parts was a fifth of the
// API's CPU in a department's export (住建局's 230k parts). Keys match
// exactly, as jsonText writes them; any other key's value is skipped.
// TestDecodeLedgerTrackAgreesWithEncodingJSON holds it equal to
// encoding/json's reading of the same detail.
func decodeLedgerTrack(detail []byte) (slip.Track, error) {
	var t slip.Track
	r := jsonReader{b: detail}
	err := r.object(func(key []byte) error {
		var err error
		switch string(key) {
		case "department":
			t.Department, err = r.str()
		case "role":
			var s string
			s, err = r.known(roleNames)
			t.Role = slip.TrackRole(s)
		case "status":
			var s string
			s, err = r.known(statusNames)
			t.Status = slip.TrackStatus(s)
		case "deadline":
			t.Deadline, err = r.date()
		case "ack_reminded":
			t.AckReminded, err = r.boolean()
		case "waiver":
			t.Waiver, err = r.str()
		case "replaced_by":
			t.ReplacedBy, err = r.str()
		case "refusal":
			t.Refusal, err = r.refusal()
		case "report":
			t.Report, err = r.report()
		default:
			err = r.skip()
		}
		return err
	})
	if err == nil {
		r.space()
		if r.i != len(r.b) {
			err = r.fail("text after the part")
		}
	}
	if err != nil {
		return slip.Track{}, err
	}
	return t, nil
}

// report reads a part's report (null: none): what the 台账 shows of it.
func (r *jsonReader) report() (*slip.Report, error) {
	if r.null() {
		return nil, nil
	}
	var rep slip.Report
	err := r.object(func(key []byte) error {
		var err error
		switch string(key) {
		case "achieved":
			rep.Achieved, err = r.str()
		case "problems":
			rep.Problems, err = r.str()
		case "figures":
			rep.Figures = emptyUnlessNull(r, rep.Figures)
			err = r.array(func() error {
				var f slip.Figure
				err := r.object(func(key []byte) error {
					var err error
					switch string(key) {
					case "name":
						f.Name, err = r.str()
					case "value":
						f.Value, err = r.str()
					case "unit":
						f.Unit, err = r.str()
					default:
						err = r.skip()
					}
					return err
				})
				rep.Figures = append(rep.Figures, f)
				return err
			})
		case "measures":
			rep.Measures = emptyUnlessNull(r, rep.Measures)
			err = r.array(func() error {
				var m slip.Measure
				err := r.object(func(key []byte) error {
					var err error
					switch string(key) {
					case "content":
						m.Content, err = r.str()
					case "due":
						m.Due, err = r.date()
					case "units":
						m.Units = emptyUnlessNull(r, m.Units)
						err = r.array(func() error {
							u, err := r.str()
							m.Units = append(m.Units, u)
							return err
						})
					default:
						err = r.skip()
					}
					return err
				})
				rep.Measures = append(rep.Measures, m)
				return err
			})
		default:
			err = r.skip()
		}
		return err
	})
	return &rep, err
}

// emptyUnlessNull is what encoding/json makes of a list before reading its
// elements into it: nothing if the list is null (read next as none), else
// an empty list, which keeps an empty array's [] apart from null's nil.
func emptyUnlessNull[T any](r *jsonReader, _ []T) []T {
	if r.peek() == 'n' {
		return nil
	}
	return []T{}
}

// refusal reads a part's refusal (null: none): its reason.
func (r *jsonReader) refusal() (*slip.Refusal, error) {
	if r.null() {
		return nil, nil
	}
	var ref slip.Refusal
	err := r.object(func(key []byte) error {
		if string(key) == "reason" {
			var err error
			ref.Reason, err = r.str()
			return err
		}
		return r.skip()
	})
	return &ref, err
}

// roleNames and statusNames are the words a part's role and status are
// written with: known reads them without making a string of each.
var (
	roleNames   = []string{string(slip.RoleLead), string(slip.RoleCo)}
	statusNames = []string{string(slip.TrackIssued), string(slip.TrackInProgress), string(slip.TrackCompleted),
		string(slip.TrackRefused), string(slip.TrackReplaced), string(slip.TrackWaived), string(slip.TrackCancelled)}
)

// known reads a string, returning the one of names it equals without
// copying it, or a new string if it is none of them.
func (r *jsonReader) known(names []string) (string, error) {
	if r.peek() == '"' {
		at := r.i
		raw, err := r.rawStr()
		if err != nil {
			return "", err
		}
		for _, n := range names {
			if string(raw) == n {
				return n, nil
			}
		}
		r.i = at
	}
	return r.str()
}

// jsonReader reads one JSON text from b, from position i on.
type jsonReader struct {
	b []byte
	i int
	// key holds an object's key when it has escapes.
	key []byte
}

var errBadJSON = errors.New("malformed part")

func (r *jsonReader) fail(what string) error {
	return fmt.Errorf("%w: %s at byte %d", errBadJSON, what, r.i)
}

// space skips white space.
func (r *jsonReader) space() {
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

// peek returns the next byte after white space, or 0 at the end.
func (r *jsonReader) peek() byte {
	r.space()
	if r.i == len(r.b) {
		return 0
	}
	return r.b[r.i]
}

// null consumes a null if one comes next.
func (r *jsonReader) null() bool {
	if r.peek() == 'n' && bytes.HasPrefix(r.b[r.i:], []byte("null")) {
		r.i += 4
		return true
	}
	return false
}

// object reads an object (or null, as none), calling field with each key;
// field must read the key's value.
func (r *jsonReader) object(field func(key []byte) error) error {
	if r.null() {
		return nil
	}
	if r.peek() != '{' {
		return r.fail("not an object")
	}
	r.i++
	if r.peek() == '}' {
		r.i++
		return nil
	}
	for {
		if r.peek() != '"' {
			return r.fail("not a key")
		}
		key, err := r.keyBytes()
		if err != nil {
			return err
		}
		if r.peek() != ':' {
			return r.fail("no colon")
		}
		r.i++
		if err := field(key); err != nil {
			return err
		}
		switch r.peek() {
		case ',':
			r.i++
		case '}':
			r.i++
			return nil
		default:
			return r.fail("no comma")
		}
	}
}

// array reads an array (or null, as none), calling item for each element;
// item must read it.
func (r *jsonReader) array(item func() error) error {
	if r.null() {
		return nil
	}
	if r.peek() != '[' {
		return r.fail("not an array")
	}
	r.i++
	if r.peek() == ']' {
		r.i++
		return nil
	}
	for {
		if err := item(); err != nil {
			return err
		}
		switch r.peek() {
		case ',':
			r.i++
		case ']':
			r.i++
			return nil
		default:
			return r.fail("no comma")
		}
	}
}

// keyBytes reads a key: the detail's own bytes unless it has escapes.
func (r *jsonReader) keyBytes() ([]byte, error) {
	start := r.i + 1
	for j := start; j < len(r.b); j++ {
		switch c := r.b[j]; {
		case c == '"':
			r.i = j + 1
			return r.b[start:j], nil
		case c == '\\' || c < 0x20 || c >= utf8.RuneSelf:
			s, err := r.str()
			r.key = append(r.key[:0], s...)
			return r.key, err
		}
	}
	return nil, r.fail("unterminated key")
}

// str reads a string (null: ""), as encoding/json does: escapes decoded,
// invalid UTF-8 and lone surrogates as U+FFFD.
func (r *jsonReader) str() (string, error) {
	if r.null() {
		return "", nil
	}
	if r.peek() != '"' {
		return "", r.fail("not a string")
	}
	start := r.i + 1
	// Most strings have no escape and are valid UTF-8: one copy.
	for j := start; j < len(r.b); j++ {
		c := r.b[j]
		if c == '"' {
			s := r.b[start:j]
			if !utf8.Valid(s) {
				break
			}
			r.i = j + 1
			return string(s), nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
	}
	return r.slowStr(start)
}

// slowStr reads a string with escapes or invalid UTF-8 from just after its
// opening quote.
func (r *jsonReader) slowStr(start int) (string, error) {
	out := make([]byte, 0, 64)
	for j := start; j < len(r.b); {
		c := r.b[j]
		switch {
		case c == '"':
			r.i = j + 1
			return string(out), nil
		case c < 0x20:
			r.i = j
			return "", r.fail("control character in a string")
		case c == '\\':
			if j+1 >= len(r.b) {
				r.i = j
				return "", r.fail("unterminated escape")
			}
			esc := r.b[j+1]
			j += 2
			switch esc {
			case '"', '\\', '/':
				out = append(out, esc)
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				c1, ok := hex4(r.b, j)
				if !ok {
					r.i = j
					return "", r.fail("bad \\u escape")
				}
				j += 4
				ch := rune(c1)
				if utf16.IsSurrogate(ch) {
					ch = utf8.RuneError
					if c2, ok := hex4(r.b, j+2); ok && j+1 < len(r.b) && r.b[j] == '\\' && r.b[j+1] == 'u' {
						if pair := utf16.DecodeRune(rune(c1), rune(c2)); pair != utf8.RuneError {
							ch = pair
							j += 6
						}
					}
				}
				out = utf8.AppendRune(out, ch)
			default:
				r.i = j - 1
				return "", r.fail("bad escape")
			}
		case c < utf8.RuneSelf:
			out = append(out, c)
			j++
		default:
			ch, size := utf8.DecodeRune(r.b[j:])
			out = utf8.AppendRune(out, ch) // RuneError for a bad byte, as encoding/json
			j += size
		}
	}
	return "", r.fail("unterminated string")
}

// hex4 reads four hex digits at b[at:].
func hex4(b []byte, at int) (uint16, bool) {
	if at+4 > len(b) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[at:at+4]), 16, 16)
	return uint16(n), err == nil
}

// date reads a date as calendar.Date's UnmarshalText does (null: zero).
func (r *jsonReader) date() (calendar.Date, error) {
	var d calendar.Date
	if r.null() {
		return d, nil
	}
	raw, err := r.rawStr()
	if err != nil {
		return d, err
	}
	if bytes.IndexByte(raw, '\\') >= 0 { // a date written with escapes
		r.i -= len(raw) + 2
		s, err := r.str()
		if err != nil {
			return d, err
		}
		raw = []byte(s)
	}
	err = d.UnmarshalText(raw)
	return d, err
}

// rawStr reads past a string and returns its bytes between the quotes as
// they are, escapes undecoded; escapes are checked as str would.
func (r *jsonReader) rawStr() ([]byte, error) {
	if r.peek() != '"' {
		return nil, r.fail("not a string")
	}
	start := r.i + 1
	for j := start; j < len(r.b); j++ {
		switch c := r.b[j]; {
		case c == '"':
			r.i = j + 1
			return r.b[start:j], nil
		case c < 0x20:
			r.i = j
			return nil, r.fail("control character in a string")
		case c == '\\':
			if j+1 >= len(r.b) {
				r.i = j
				return nil, r.fail("unterminated escape")
			}
			switch r.b[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j++
			case 'u':
				if _, ok := hex4(r.b, j+2); !ok {
					r.i = j
					return nil, r.fail("bad \\u escape")
				}
				j += 5
			default:
				r.i = j
				return nil, r.fail("bad escape")
			}
		}
	}
	return nil, r.fail("unterminated string")
}

// boolean reads true or false (null: false).
func (r *jsonReader) boolean() (bool, error) {
	switch r.peek() {
	case 't':
		if bytes.HasPrefix(r.b[r.i:], []byte("true")) {
			r.i += 4
			return true, nil
		}
	case 'f':
		if bytes.HasPrefix(r.b[r.i:], []byte("false")) {
			r.i += 5
			return false, nil
		}
	case 'n':
		if r.null() {
			return false, nil
		}
	}
	return false, r.fail("not a boolean")
}

// skip reads past any one value.
func (r *jsonReader) skip() error {
	switch c := r.peek(); {
	case c == '"':
		_, err := r.rawStr()
		return err
	case c == '{':
		return r.object(func([]byte) error { return r.skip() })
	case c == '[':
		return r.array(r.skip)
	case c == 't' || c == 'f':
		_, err := r.boolean()
		return err
	case c == 'n':
		if r.null() {
			return nil
		}
	case c == '-' || (c >= '0' && c <= '9'):
		start := r.i
		for r.i < len(r.b) && strings.IndexByte("+-.0123456789eE", r.b[r.i]) >= 0 {
			r.i++
		}
		if _, err := strconv.ParseFloat(string(r.b[start:r.i]), 64); err != nil {
			return r.fail("bad number")
		}
		return nil
	}
	return r.fail("not a value")
}
