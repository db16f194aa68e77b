package ledgerexport

import (
	"encoding/xml"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// xmlReadBack parses text escaped by appendXMLText as an XML parser would.
func xmlReadBack(t *testing.T, escaped []byte) string {
	t.Helper()
	var v struct {
		T string `xml:",chardata"`
	}
	doc := append(append([]byte("<t>"), escaped...), "</t>"...)
	if err := xml.Unmarshal(doc, &v); err != nil {
		t.Fatalf("not XML: %v\n%q", err, doc)
	}
	return v.T
}

// xmlSafe is what a cell keeps of s: U+FFFD for what XML cannot hold.
func xmlSafe(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1, r == 0xFFFE, r == 0xFFFF,
			r < 0x20 && r != '\t' && r != '\n' && r != '\r':
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func TestAppendXMLTextReadsBackAsTheText(t *testing.T) {
	cases := []string{
		"", "老旧小区改造", "a<b>c&d", "=SUM(A1:A2)", "\r\n第二行\r", "\t缩进", "\x00\x01\x1f",
		"bad \xff\xfe utf-8", "\uFFFE\uFFFF", "🚧 施工中 👍", "&amp;", "]]>", "x\xe4\xb8",
	}
	alphabet := []string{"a", " ", "<", ">", "&", "\r", "\n", "\t", "\x01", "\xff", "\xe4\xb8", "督", "😀", "\uFFFE", "\"", "'"}
	cases = append(cases, randomTexts(rand.New(rand.NewPCG(1, 2)), alphabet, 2000, 12)...)
	for _, s := range cases {
		if got, want := xmlReadBack(t, appendXMLText(nil, s)), xmlSafe(s); got != want {
			t.Errorf("%q read back as %q, want %q", s, got, want)
		}
	}
}

func FuzzAppendXMLText(f *testing.F) {
	for _, s := range []string{"", "a<b", "\r\n", "\xff", "督办"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := xmlReadBack(t, appendXMLText(nil, s)), xmlSafe(s); got != want {
			t.Errorf("%q read back as %q, want %q", s, got, want)
		}
	})
}

// randomTexts makes n strings of fewer than maxParts pieces each, every
// piece drawn from alphabet by rng: the awkward inputs the writers' escaping
// is checked against.
func randomTexts(rng *rand.Rand, alphabet []string, n, maxParts int) []string {
	out := make([]string, n)
	for i := range out {
		var b strings.Builder
		for range rng.IntN(maxParts) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		out[i] = b.String()
	}
	return out
}
