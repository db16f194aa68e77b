// Package holidaycn turns the holiday-cn JSON files (one per year, from the
// State Council's yearly notices; see /work/shared/data/holidays-cn) into the
// calendar package's year files. The generator writes its output and the
// calendar's tests compare the committed files with it, so the shipped data
// cannot drift from its source.
package holidaycn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// File is one converted year file.
type File struct {
	Year int
	Name string // cn-YYYY.txt
	Text []byte
}

// yearJSON is the holiday-cn file layout.
type yearJSON struct {
	Year   int      `json:"year"`
	Papers []string `json:"papers"`
	Days   []struct {
		Name     string `json:"name"`
		Date     string `json:"date"`
		IsOffDay *bool  `json:"isOffDay"`
	} `json:"days"`
}

// ConvertDir converts every YYYY.json in dir, in year order. Years whose file
// lists no days (a notice not yet published) produce no File and are returned
// in empty instead: a year file must only exist once its notice does.
func ConvertDir(dir string) (files []File, empty []int, err error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, nil, fmt.Errorf("list %s: %w", dir, err)
	}
	if len(paths) == 0 {
		return nil, nil, fmt.Errorf("list %s: no *.json files", dir)
	}
	slices.Sort(paths)
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, nil, fmt.Errorf("convert: %w", err)
		}
		f, ok, err := Convert(data)
		if err != nil {
			return nil, nil, fmt.Errorf("convert %s: %w", p, err)
		}
		if want := strings.TrimSuffix(filepath.Base(p), ".json"); strconv.Itoa(f.Year) != want {
			return nil, nil, fmt.Errorf("convert %s: file declares year %d", p, f.Year)
		}
		if !ok {
			empty = append(empty, f.Year)
			continue
		}
		files = append(files, f)
	}
	return files, empty, nil
}

// Convert converts one holiday-cn year file. ok is false when it lists no
// days; File.Year is set either way.
func Convert(data []byte) (f File, ok bool, err error) {
	var y yearJSON
	if err := json.Unmarshal(data, &y); err != nil {
		return File{}, false, fmt.Errorf("decode: %w", err)
	}
	if y.Year < 1000 || y.Year > 9999 {
		return File{}, false, fmt.Errorf("decode: year %d", y.Year)
	}
	f = File{Year: y.Year, Name: fmt.Sprintf("cn-%d.txt", y.Year)}
	if len(y.Days) == 0 {
		return f, false, nil
	}
	type line struct {
		date   time.Time
		off    bool
		reason string
	}
	lines := make([]line, 0, len(y.Days))
	seen := map[string]bool{}
	for i, d := range y.Days {
		date, err := time.Parse(time.DateOnly, d.Date)
		if err != nil {
			return File{}, false, fmt.Errorf("days[%d]: %w", i, err)
		}
		// The same window the calendar's parser allows: the year itself, or the
		// previous December when the New Year holiday starts early.
		if date.Year() != y.Year && (date.Year() != y.Year-1 || date.Month() != time.December) {
			return File{}, false, fmt.Errorf("days[%d]: %s is outside year %d", i, d.Date, y.Year)
		}
		if seen[d.Date] {
			return File{}, false, fmt.Errorf("days[%d]: %s listed twice", i, d.Date)
		}
		seen[d.Date] = true
		name := strings.Join(strings.Fields(d.Name), " ")
		if name == "" || d.IsOffDay == nil {
			return File{}, false, fmt.Errorf("days[%d]: %s needs a name and isOffDay", i, d.Date)
		}
		lines = append(lines, line{date: date, off: *d.IsOffDay, reason: reason(name, date, *d.IsOffDay)})
	}
	slices.SortFunc(lines, func(a, b line) int { return a.date.Compare(b.date) })

	var b bytes.Buffer
	for i, p := range y.Papers {
		title := fmt.Sprintf("国务院办公厅关于%d年部分节假日安排的通知", y.Year)
		if i > 0 {
			title = "调整通知" // e.g. 2019's May Day change, 2020's extended Spring Festival
		}
		fmt.Fprintf(&b, "# %d — %s %s\n", y.Year, title, p)
	}
	fmt.Fprintf(&b, "# 由 calendar/internal/gen 从 holiday-cn %d.json 生成，请勿手改；本地调整请另写 override 文件。\n", y.Year)
	b.WriteString("# 未列出的日期按正常周历：周一至周五上班，周六、周日休息。\n")
	fmt.Fprintf(&b, "year %d\n", y.Year)
	for _, l := range lines {
		kind := "work"
		if l.off {
			kind = "off"
		}
		fmt.Fprintf(&b, "%s %s %s\n", l.date.Format(time.DateOnly), kind, l.reason)
	}
	f.Text = b.Bytes()
	return f, true, nil
}

// reason is the user-facing text for a listed day: the holiday's name for a
// day off, "<name> 调休上班" for a working weekend day, and "<name> 正常上班"
// for a listed working weekday (2020-02-03, the Monday work resumed after the
// extended Spring Festival), which the normal week would give anyway.
func reason(name string, date time.Time, off bool) string {
	switch {
	case off:
		return name
	case date.Weekday() == time.Saturday || date.Weekday() == time.Sunday:
		return name + " 调休上班"
	default:
		return name + " 正常上班"
	}
}
