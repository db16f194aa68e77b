package sheetimport

import (
	"sort"
	"strings"

	"github.com/duban-gov/duban/slip"
)

// Directory matches unit names as a table writes them (市住房和城乡建设局,
// 住建局, zjj) to departments.
type Directory struct {
	byKey   map[string]string // code, name, name without 市/区/县, alias → code
	names   map[string]string // code → name
	entries []slip.Department
}

// Match is the outcome of looking up one unit name.
type Match struct {
	Code string `json:"code,omitempty"`
	// How is "exact" (code, name or alias) or "abbreviation" (the name's
	// characters in order, such as 住建局 in 市住房和城乡建设局), or "" when
	// nothing or more than one unit matched.
	How string `json:"how,omitempty"`
	// Candidates lists the codes an ambiguous name could mean.
	Candidates []string `json:"candidates,omitempty"`
}

// NewDirectory builds the directory from the departments and the aliases an
// admin keeps (alias → code).
func NewDirectory(depts []slip.Department, aliases map[string]string) *Directory {
	d := &Directory{byKey: map[string]string{}, names: map[string]string{}, entries: depts}
	for _, dep := range depts {
		d.names[dep.Code] = dep.Name
		d.byKey[normUnit(dep.Code)] = dep.Code
		d.byKey[normUnit(dep.Name)] = dep.Code
		if short := trimRegion(normUnit(dep.Name)); short != "" {
			if _, taken := d.byKey[short]; !taken {
				d.byKey[short] = dep.Code
			}
		}
	}
	for alias, code := range aliases {
		d.byKey[normUnit(alias)] = code
	}
	return d
}

// Name is a department's name ("" if unknown).
func (d *Directory) Name(code string) string { return d.names[code] }

// Lookup matches one name.
func (d *Directory) Lookup(name string) Match {
	key := normUnit(name)
	if key == "" {
		return Match{}
	}
	if code, ok := d.byKey[key]; ok {
		return Match{Code: code, How: "exact"}
	}
	if code, ok := d.byKey[trimRegion(key)]; ok && trimRegion(key) != "" {
		return Match{Code: code, How: "exact"}
	}
	var found []string
	for _, dep := range d.entries {
		if subsequence(trimRegion(key), normUnit(dep.Name)) {
			found = append(found, dep.Code)
		}
	}
	sort.Strings(found)
	switch len(found) {
	case 0:
		return Match{}
	case 1:
		return Match{Code: found[0], How: "abbreviation"}
	}
	return Match{Candidates: found}
}

func normUnit(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u3000' || r == '\t' {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
}

// trimRegion drops a leading 市/区/县 (the city's own units are written both ways).
func trimRegion(s string) string {
	for _, p := range []string{"市", "区", "县"} {
		if strings.HasPrefix(s, p) && len([]rune(s)) > 2 {
			return strings.TrimPrefix(s, p)
		}
	}
	return s
}

// subsequence reports whether short's characters (at least two) appear in
// long in order.
func subsequence(short, long string) bool {
	rs, rl := []rune(short), []rune(trimRegion(long))
	if len(rs) < 2 || len(rl) == 0 || rs[0] != rl[0] {
		return false // an abbreviation starts as the name does
	}
	i := 0
	for _, r := range rl {
		if i < len(rs) && r == rs[i] {
			i++
		}
	}
	return i == len(rs)
}
