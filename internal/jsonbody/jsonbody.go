// Package jsonbody decodes request bodies strictly: exactly one JSON value
// in valid UTF-8, no unknown fields, field names exactly as declared (no
// case-insensitive match), no key twice in an object, nothing after the
// value. It is separate from the API so the fuzz target that hammers it
// builds in seconds.
//
// encoding/json alone is lenient in three ways that let two readers of one
// body disagree: it replaces invalid UTF-8 with U+FFFD, matches "TITLE" to a
// field tagged "title", and lets the last of duplicate keys win. A proxy or
// audit log reading the body differently from us is how requests get
// smuggled past checks, so each is refused here.
package jsonbody

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"
)

// Failures of Decode, to tell apart with errors.Is.
var (
	ErrEmpty       = errors.New("empty body")
	ErrTrailing    = errors.New("data after the JSON value")
	ErrTooLarge    = errors.New("body too large")
	ErrInvalidUTF8 = errors.New("body is not valid UTF-8")
)

// Decode reads exactly one JSON value from r into dst, refusing invalid
// UTF-8, unknown or differently cased field names, duplicate keys and
// trailing data. An empty body is fine when emptyOK (dst is left as it is).
// A body cut off by http.MaxBytesReader gives ErrTooLarge. On an error dst
// may be partly written; callers discard it.
func Decode(r io.Reader, dst any, emptyOK bool) error {
	body, err := io.ReadAll(r)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return ErrTooLarge
		}
		return fmt.Errorf("read body: %w", err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		if emptyOK {
			return nil
		}
		return ErrEmpty
	}
	if !utf8.Valid(body) {
		return ErrInvalidUTF8
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return fmt.Errorf("malformed JSON: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return ErrTrailing
	}
	// The value is well formed and fits dst; now the names, exactly.
	names := json.NewDecoder(bytes.NewReader(body))
	if err := checkNames(names, reflect.TypeOf(dst), ""); err != nil {
		return fmt.Errorf("malformed JSON: %w", err)
	}
	return nil
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// checkNames reads one value from dec, the JSON shape of a Go value of type
// t (nil: any), refusing duplicate keys in every object and, in an object
// decoded into a struct, keys that are not exactly one of its JSON names.
// path names the value in errors ("co_departments[2]").
func checkNames(dec *json.Decoder, t reflect.Type, path string) error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t != nil && (reflect.PointerTo(t).Implements(unmarshalerType) || t.Implements(unmarshalerType)) {
		t = nil // its own decoding: only duplicates are ours to refuse
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('{'):
		var fields map[string]reflect.Type
		var elem reflect.Type
		if t != nil {
			switch t.Kind() {
			case reflect.Struct:
				fields = jsonFields(t)
			case reflect.Map:
				elem = t.Elem()
			}
		}
		seen := map[string]bool{}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return err
			}
			key := tok.(string)
			if seen[key] {
				return fmt.Errorf("duplicate key %q in %s", key, orTop(path))
			}
			seen[key] = true
			next := elem
			if fields != nil {
				ft, ok := fields[key]
				if !ok {
					return unknownField(fields, key, path)
				}
				next = ft
			}
			if err := checkNames(dec, next, join(path, key)); err != nil {
				return err
			}
		}
		_, err = dec.Token() // '}'
		return err
	case json.Delim('['):
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i := 0; dec.More(); i++ {
			if err := checkNames(dec, elem, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		_, err = dec.Token() // ']'
		return err
	}
	return nil // a scalar
}

// unknownField explains a key that is not a field, naming the field it
// differs from only in case, if there is one.
func unknownField(fields map[string]reflect.Type, key, path string) error {
	for name := range fields {
		if strings.EqualFold(name, key) {
			return fmt.Errorf("unknown field %q in %s (names are case-sensitive: %q)", key, orTop(path), name)
		}
	}
	return fmt.Errorf("unknown field %q in %s", key, orTop(path))
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func orTop(path string) string {
	if path == "" {
		return "the body"
	}
	return path
}

var fieldCache sync.Map // reflect.Type → map[string]reflect.Type

// jsonFields maps the JSON names of struct type t to their types, as
// encoding/json sees them: exported fields by tag or Go name, "-" skipped,
// fields of embedded structs promoted unless a shallower field has the name.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	if f, ok := fieldCache.Load(t); ok {
		return f.(map[string]reflect.Type)
	}
	out := map[string]reflect.Type{}
	depthOf := map[string]int{}
	var visit func(t reflect.Type, depth int)
	visit = func(t reflect.Type, depth int) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			ft := f.Type
			if f.Anonymous && name == "" {
				for ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					visit(ft, depth+1)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if d, ok := depthOf[name]; ok && d <= depth {
				continue
			}
			out[name], depthOf[name] = f.Type, depth
		}
	}
	visit(t, 0)
	fieldCache.Store(t, out)
	return out
}
