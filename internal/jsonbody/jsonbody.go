// Package jsonbody decodes request bodies strictly: exactly one JSON value,
// no unknown fields, nothing after it. It is separate from the API so the
// fuzz target that hammers it builds in seconds.
package jsonbody

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// Failures of Decode, to tell apart with errors.Is.
var (
	ErrEmpty    = errors.New("empty body")
	ErrTrailing = errors.New("data after the JSON value")
	ErrTooLarge = errors.New("body too large")
)

// Decode reads exactly one JSON value from r into dst, refusing unknown
// fields and trailing data. An empty body is fine when emptyOK (dst is left
// as it is). A body cut off by http.MaxBytesReader gives ErrTooLarge.
func Decode(r io.Reader, dst any, emptyOK bool) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	switch {
	case errors.Is(err, io.EOF) && emptyOK:
		return nil
	case errors.Is(err, io.EOF):
		return ErrEmpty
	case err != nil:
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return ErrTooLarge
		}
		return fmt.Errorf("malformed JSON: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return ErrTooLarge
		}
		return ErrTrailing
	}
	return nil
}
