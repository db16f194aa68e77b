// Command gen writes the calendar's year files (calendar/data/cn-YYYY.txt)
// from the holiday-cn JSON files, one per year that has a published notice.
// Run it from the repository root after the shared data changes:
//
//	go run ./calendar/internal/gen -src ../shared/data/holidays-cn -out calendar/data
//
// The calendar's tests fail while the committed files differ from its output,
// and parse every committed file. (gen does not import the calendar package,
// so it still builds when calendar/data is empty.)
package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"

	"github.com/duban-gov/duban/calendar/internal/holidaycn"
)

func main() {
	src := flag.String("src", "../shared/data/holidays-cn", "directory of holiday-cn YYYY.json files")
	out := flag.String("out", "calendar/data", "directory to write cn-YYYY.txt files to")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(*src, *out, log); err != nil {
		log.Error("generate calendar data", "err", err)
		os.Exit(1)
	}
}

func run(src, out string, log *slog.Logger) error {
	files, empty, err := holidaycn.ConvertDir(src)
	if err != nil {
		return err
	}
	var written []string
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(out, f.Name), f.Text, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", f.Name, err)
		}
		written = append(written, f.Name)
		log.Info("wrote year file", "file", filepath.Join(out, f.Name), "year", f.Year)
	}
	for _, y := range empty {
		log.Warn("source lists no days; no year file written (notice not published?)", "year", y)
	}
	stale, err := filepath.Glob(filepath.Join(out, "cn-*.txt"))
	if err != nil {
		return fmt.Errorf("list %s: %w", out, err)
	}
	for _, p := range stale {
		if !slices.Contains(written, filepath.Base(p)) {
			log.Warn("file has no source year; remove it or add the year to the source", "file", p)
		}
	}
	return nil
}
