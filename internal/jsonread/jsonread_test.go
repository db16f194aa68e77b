package jsonread_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/duban-gov/duban/internal/jsonread"
)

// skipAll reads b as one value and nothing after it.
func skipAll(b []byte) error {
	r := jsonread.NewReader(b)
	if err := r.Skip(); err != nil {
		return err
	}
	return r.End()
}

// TestSkipTakesWhatEncodingJSONTakes: a text is one value to Skip and End
// exactly when encoding/json says it is valid JSON.
func TestSkipTakesWhatEncodingJSONTakes(t *testing.T) {
	for _, text := range []string{
		`{}`, `[]`, `null`, `true`, `false`, `0`, `-0`, `12`, `-1.5e+3`, `1E-2`, `0.25`, ` "x" `,
		`{"a":[1,{"b":null}],"c":"\u00e9\ud83d\ude80\"\\\/\b\f\n\r\t"}`, "\"bad \xff utf-8\"", `"\ud800"`,
		``, ` `, `{`, `}`, `[1,]`, `[,1]`, `{"a":1,}`, `{"a" 1}`, `{a:1}`, `{"a":1 "b":2}`, `nul`, `tru`, `falsey`,
		`01`, `+1`, `1.`, `.5`, `-`, `1e`, `1e+`, `0x10`, `"\q"`, `"\u12"`, `"\u00g0"`, "\"a\tb\"", `"open`, `[1] [2]`,
		`{"a":1}x`, `NaN`, `Infinity`, `--1`, `[1 2]`,
	} {
		got, want := skipAll([]byte(text)) == nil, json.Valid([]byte(text))
		if got != want {
			t.Errorf("%q: Skip and End took it: %v, encoding/json: valid %v", text, got, want)
		}
	}
}

func TestMalformedTextWrapsErrMalformed(t *testing.T) {
	if err := skipAll([]byte(`{"a":}`)); !errors.Is(err, jsonread.ErrMalformed) {
		t.Fatalf("error %v does not wrap ErrMalformed", err)
	}
}

// checkText fails t unless Text reads the string at the start of b as
// encoding/json does, or both refuse it.
func checkText(t *testing.T, b []byte) {
	t.Helper()
	var want string
	wantErr := json.Unmarshal(b, &want)
	r := jsonread.NewReader(b)
	got, err := r.Text()
	if err == nil {
		err = r.End()
	}
	if (err != nil) != (wantErr != nil) || got != want && err == nil {
		t.Fatalf("%q: Text %q, %v; encoding/json %q, %v", b, got, err, want, wantErr)
	}
}

// FuzzText: every string encoding/json writes, and every text at all, reads
// as encoding/json reads it; and Skip takes exactly the valid texts.
func FuzzText(f *testing.F) {
	for _, s := range []string{"", "住建局", "\"\\/\b\f\n\r\t", "\xff\xfe", "\u2028<>&", "🚀", `\ud800`, `"\ud83d\ude80"`, `"\ud800\u0041"`, `1e5`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		written, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		checkText(t, written)
		if s != "" && s[0] == '"' {
			checkText(t, []byte(s))
		}
		if got, want := skipAll([]byte(s)) == nil, json.Valid([]byte(s)); got != want {
			t.Fatalf("%q: Skip and End took it: %v, encoding/json: valid %v", s, got, want)
		}
	})
}

// TestDeepNestingFailsInsteadOfOverflowing: as deep as encoding/json takes
// is read; deeper fails with an error, not a stack overflow.
func TestDeepNestingFailsInsteadOfOverflowing(t *testing.T) {
	deep := func(n int) []byte {
		return []byte(strings.Repeat("[", n) + strings.Repeat("]", n))
	}
	if err := skipAll(deep(10000)); err != nil {
		t.Fatalf("10,000 deep: %v", err)
	}
	if err := skipAll(deep(10001)); !errors.Is(err, jsonread.ErrMalformed) {
		t.Fatalf("10,001 deep: %v", err)
	}
	if err := skipAll([]byte(strings.Repeat(`{"a":`, 5_000_000))); !errors.Is(err, jsonread.ErrMalformed) {
		t.Fatalf("five million open objects: %v", err)
	}
	if got := json.Valid(deep(10001)); got {
		t.Fatal("encoding/json took 10,001 deep; the limit should follow it")
	}
}
