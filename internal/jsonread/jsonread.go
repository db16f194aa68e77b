// Package jsonread reads a JSON text in one pass, without reflection and
// without copying it, for hot paths that know the shape of what they read
// and keep a few of its fields: the 台账's export reads the detail of every
// part of a department's slips (230k for 住建局), where goccy/go-json's copy
// of each input and its allocations per field were a fifth of the API's
// CPU.
//
// Strings decode as encoding/json decodes them: escapes, surrogate pairs,
// and invalid UTF-8 or a lone surrogate as U+FFFD. Keys are handed to the
// caller to compare (exactly, where encoding/json also takes a key that
// differs in case). Numbers are skipped, never read.
package jsonread

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// ErrMalformed is the error, wrapped with where, of text that is not JSON.
var ErrMalformed = errors.New("malformed JSON")

// Reader reads one JSON text.
type Reader struct {
	b     []byte
	i     int
	depth int // objects and arrays open
}

// maxDepth is how deep objects and arrays may nest, as in encoding/json: a
// text of ten million [ would otherwise take Skip's recursion past the
// stack's limit, which ends the process.
const maxDepth = 10000

// open enters an object or array.
func (r *Reader) open() error {
	if r.depth++; r.depth > maxDepth {
		return r.fail("nested too deep")
	}
	r.i++
	return nil
}

// NewReader reads b, which must not change while it is read.
func NewReader(b []byte) *Reader { return &Reader{b: b} }

func (r *Reader) fail(what string) error {
	return fmt.Errorf("%w: %s at byte %d", ErrMalformed, what, r.i)
}

// space skips white space.
func (r *Reader) space() {
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
func (r *Reader) peek() byte {
	r.space()
	if r.i == len(r.b) {
		return 0
	}
	return r.b[r.i]
}

// NullNext says whether the next value is null, without reading it.
func (r *Reader) NullNext() bool {
	return r.peek() == 'n' && bytes.HasPrefix(r.b[r.i:], []byte("null"))
}

// Null reads a null if one comes next, and says whether it did.
func (r *Reader) Null() bool {
	if r.NullNext() {
		r.i += 4
		return true
	}
	return false
}

// End fails unless only white space is left.
func (r *Reader) End() error {
	if r.space(); r.i != len(r.b) {
		return r.fail("text after the value")
	}
	return nil
}

// Object reads an object (or null, as none), calling field with each key;
// field must read the key's value. The key's bytes are good until field
// returns.
func (r *Reader) Object(field func(key []byte) error) error {
	if r.Null() {
		return nil
	}
	if r.peek() != '{' {
		return r.fail("not an object")
	}
	if err := r.open(); err != nil {
		return err
	}
	if r.peek() == '}' {
		r.i++
		r.depth--
		return nil
	}
	for {
		if r.peek() != '"' {
			return r.fail("not a key")
		}
		key, err := r.Bytes()
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
			r.depth--
			return nil
		default:
			return r.fail("no comma")
		}
	}
}

// Array reads an array (or null, as none), calling item for each element;
// item must read it.
func (r *Reader) Array(item func() error) error {
	if r.Null() {
		return nil
	}
	if r.peek() != '[' {
		return r.fail("not an array")
	}
	if err := r.open(); err != nil {
		return err
	}
	if r.peek() == ']' {
		r.i++
		r.depth--
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
			r.depth--
			return nil
		default:
			return r.fail("no comma")
		}
	}
}

// Text reads a string (null: "").
func (r *Reader) Text() (string, error) {
	b, err := r.Bytes()
	return string(b), err
}

// OneOf reads a string and returns the one of names it equals, without
// making a new string, or a new string if it is none of them.
func (r *Reader) OneOf(names []string) (string, error) {
	b, err := r.Bytes()
	if err != nil {
		return "", err
	}
	for _, n := range names {
		if string(b) == n {
			return n, nil
		}
	}
	return string(b), nil
}

// Bytes reads a string (null: nil) as its decoded bytes: the text's own
// when it has no escapes and is valid UTF-8 (most strings: no copy), good
// while the text is; a new slice otherwise.
func (r *Reader) Bytes() ([]byte, error) {
	if r.Null() {
		return nil, nil
	}
	if r.peek() != '"' {
		return nil, r.fail("not a string")
	}
	start := r.i + 1
	for j := start; j < len(r.b); j++ {
		c := r.b[j]
		if c == '"' {
			s := r.b[start:j]
			if !utf8.Valid(s) {
				break
			}
			r.i = j + 1
			return s, nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
	}
	return r.decode(start)
}

// decode reads a string with escapes or invalid UTF-8 from just after its
// opening quote.
func (r *Reader) decode(start int) ([]byte, error) {
	out := make([]byte, 0, 64)
	for j := start; j < len(r.b); {
		c := r.b[j]
		switch {
		case c == '"':
			r.i = j + 1
			return out, nil
		case c < 0x20:
			r.i = j
			return nil, r.fail("control character in a string")
		case c == '\\':
			if j+1 >= len(r.b) {
				r.i = j
				return nil, r.fail("unterminated escape")
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
					return nil, r.fail(`bad \u escape`)
				}
				j += 4
				ch := rune(c1)
				if utf16.IsSurrogate(ch) {
					// A pair decodes to one character; half of one, as
					// encoding/json has it, to U+FFFD.
					ch = utf8.RuneError
					if c2, ok := hex4(r.b, j+2); ok && r.b[j] == '\\' && r.b[j+1] == 'u' {
						if pair := utf16.DecodeRune(rune(c1), rune(c2)); pair != utf8.RuneError {
							ch = pair
							j += 6
						}
					}
				}
				out = utf8.AppendRune(out, ch)
			default:
				r.i = j - 1
				return nil, r.fail("bad escape")
			}
		case c < utf8.RuneSelf:
			out = append(out, c)
			j++
		default:
			ch, size := utf8.DecodeRune(r.b[j:])
			out = utf8.AppendRune(out, ch) // U+FFFD for a bad byte, as encoding/json
			j += size
		}
	}
	return nil, r.fail("unterminated string")
}

// hex4 reads four hex digits at b[at:].
func hex4(b []byte, at int) (uint16, bool) {
	if at < 0 || at+4 > len(b) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[at:at+4]), 16, 16)
	return uint16(n), err == nil
}

// skipText reads past a string without decoding it, checking its escapes.
func (r *Reader) skipText() error {
	start := r.i + 1
	for j := start; j < len(r.b); j++ {
		switch c := r.b[j]; {
		case c == '"':
			r.i = j + 1
			return nil
		case c < 0x20:
			r.i = j
			return r.fail("control character in a string")
		case c == '\\':
			if j+1 >= len(r.b) {
				r.i = j
				return r.fail("unterminated escape")
			}
			switch r.b[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j++
			case 'u':
				if _, ok := hex4(r.b, j+2); !ok {
					r.i = j
					return r.fail(`bad \u escape`)
				}
				j += 5
			default:
				r.i = j
				return r.fail("bad escape")
			}
		}
	}
	return r.fail("unterminated string")
}

// Bool reads true or false (null: false).
func (r *Reader) Bool() (bool, error) {
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
		if r.Null() {
			return false, nil
		}
	}
	return false, r.fail("not a boolean")
}

// Skip reads past any one value.
func (r *Reader) Skip() error {
	switch c := r.peek(); {
	case c == '"':
		return r.skipText()
	case c == '{':
		return r.Object(func([]byte) error { return r.Skip() })
	case c == '[':
		return r.Array(r.Skip)
	case c == 't' || c == 'f':
		_, err := r.Bool()
		return err
	case c == 'n':
		if r.Null() {
			return nil
		}
	case c == '-' || (c >= '0' && c <= '9'):
		return r.skipNumber()
	}
	return r.fail("not a value")
}

// skipNumber reads past a number as JSON writes one:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (r *Reader) skipNumber() error {
	digits := func() int {
		n := 0
		for r.i < len(r.b) && r.b[r.i] >= '0' && r.b[r.i] <= '9' {
			r.i++
			n++
		}
		return n
	}
	next := func(set string) bool {
		if r.i < len(r.b) && strings.IndexByte(set, r.b[r.i]) >= 0 {
			r.i++
			return true
		}
		return false
	}
	next("-")
	if !next("0") && (r.i == len(r.b) || r.b[r.i] < '1' || r.b[r.i] > '9' || digits() == 0) {
		return r.fail("bad number")
	}
	if next(".") && digits() == 0 {
		return r.fail("bad number")
	}
	if next("eE") {
		next("+-")
		if digits() == 0 {
			return r.fail("bad number")
		}
	}
	return nil
}
