package ledgerexport

import (
	"bytes"
	"encoding/csv"
	"math/rand/v2"
	"testing"
)

// stdCSV is a row as encoding/csv's Writer (UseCRLF) writes it.
func stdCSV(t *testing.T, fields ...string) string {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	if err := w.Write(fields); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	return b.String()
}

// ownCSV is the same row as appendCSVField lays it out.
func ownCSV(fields ...string) string {
	var b []byte
	for i, f := range fields {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendCSVField(b, f)
	}
	return string(append(b, '\r', '\n'))
}

func TestAppendCSVFieldWritesAsEncodingCSV(t *testing.T) {
	cases := []string{
		"", "老旧小区改造", "a,b", `say "hi"`, "\r\n第二行\r", "\r", "a\rb", " 前导空格", "\u3000全角空格", "\t缩进",
		`\.`, `\.x`, "\xff\xfe", "🚧 施工中", "'=SUM(A1)", "x\n", "\n",
	}
	alphabet := []string{"a", " ", ",", "\"", "\r", "\n", "\t", "\\", ".", "\xff", "\xe4\xb8", "督", "😀", "\u00a0", "\u3000"}
	cases = append(cases, randomTexts(rand.New(rand.NewPCG(3, 4)), alphabet, 3000, 10)...)
	for i, s := range cases {
		other := cases[(i+1)%len(cases)]
		if got, want := ownCSV(s, other), stdCSV(t, s, other); got != want {
			t.Errorf("fields %q, %q written as %q, want %q", s, other, got, want)
		}
	}
}

func FuzzAppendCSVField(f *testing.F) {
	for _, s := range []string{"", "a,b", "\r\n", " x", `\.`, "督办"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := ownCSV(s, "x"), stdCSV(t, s, "x"); got != want {
			t.Errorf("%q written as %q, want %q", s, got, want)
		}
	})
}
