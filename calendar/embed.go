package calendar

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strconv"
)

// dataFS holds the national arrangements shipped with the binary, one year
// file per year, written by calendar/internal/gen.
//
//go:embed data/*.txt
var dataFS embed.FS

// embeddedSources parses the shipped year files in name order. Each must be a
// year file named cn-YYYY.txt after the year it declares, so that a file and
// its contents cannot drift apart.
func embeddedSources() ([]Source, error) {
	files, err := fs.ReadDir(dataFS, "data")
	if err != nil {
		return nil, fmt.Errorf("read embedded data: %w", err)
	}
	sources := make([]Source, 0, len(files))
	for _, f := range files {
		name := path.Join("calendar/data", f.Name())
		data, err := dataFS.ReadFile(path.Join("data", f.Name()))
		if err != nil {
			return nil, fmt.Errorf("read embedded %s: %w", name, err)
		}
		s, err := ParseSource(name, data)
		if err != nil {
			return nil, err
		}
		year, ok := s.Year()
		if !ok || f.Name() != "cn-"+strconv.Itoa(year)+".txt" {
			return nil, &ParseError{File: name, Msg: "an embedded file must be a year file named cn-YYYY.txt after its year"}
		}
		sources = append(sources, s)
	}
	return sources, nil
}
