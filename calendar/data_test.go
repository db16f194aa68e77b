package calendar_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/duban-gov/duban/calendar/internal/holidaycn"
)

// sharedHolidays is the source the committed data is generated from, seen
// from this package's directory (the repository is /work/main, the data
// /work/shared).
var sharedHolidays = filepath.Join("..", "..", "shared", "data", "holidays-cn")

const regenerate = "go run ./calendar/internal/gen -src ../shared/data/holidays-cn -out calendar/data"

// TestDataMatchesGenerator keeps calendar/data honest: each committed file is
// byte for byte what the generator writes from the shared JSON, and there is
// no file for a year the source has no days for (2027, whose notice is not
// out). Every committed file also parses, since Default() embeds them all.
func TestDataMatchesGenerator(t *testing.T) {
	if _, err := os.Stat(sharedHolidays); errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s does not exist (CI clones may not have the shared data): not checking calendar/data against its source", sharedHolidays)
	}
	files, empty, err := holidaycn.ConvertDir(sharedHolidays)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("the generator produced no files")
	}
	committed, err := filepath.Glob(filepath.Join("data", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]byte{}
	for _, f := range files {
		want[f.Name] = f.Text
	}
	for _, path := range committed {
		name := filepath.Base(path)
		text, ok := want[name]
		if !ok {
			t.Errorf("calendar/data/%s has no source year in %s (years without days: %v): remove it, or add the year to the source and run %s", name, sharedHolidays, empty, regenerate)
			continue
		}
		delete(want, name)
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, text) {
			t.Errorf("calendar/data/%s differs from the generator's output (%s); run %s", name, firstDiff(got, text), regenerate)
		}
	}
	for name := range want {
		t.Errorf("calendar/data/%s is missing; run %s", name, regenerate)
	}
	defaultCalendar(t)
}

// firstDiff describes the first differing line of two texts.
func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d: committed %q, generated %q", i+1, gl, wl)
		}
	}
	return "no line differs"
}
