package calendar

import (
	"fmt"
	"log/slog"
	"slices"
	"sync"
)

// MissingYearPolicy decides what a query does when it reaches a year that no
// year file declares.
type MissingYearPolicy int

const (
	// Strict, the default, fails such a query with *NoDataError: a deadline
	// computed without the year's holidays is wrong in a way nobody notices
	// until the Spring Festival.
	Strict MissingYearPolicy = iota
	// WeekendsOnly treats such a year as Monday–Friday working days (plus
	// whatever listed days reach into it), logging one warning per year.
	WeekendsOnly
)

// Options configures New. The zero value gives the embedded data under the
// Strict policy, logging to slog.Default().
type Options struct {
	// Extra are files loaded on top of the embedded data: year files for years
	// not shipped yet (a year may be declared only once) and override files,
	// whose days win over the national arrangement.
	Extra []Source
	// MissingYear is the policy for years without a year file.
	MissingYear MissingYearPolicy
	// Log receives the WeekendsOnly warnings; nil means slog.Default().
	Log *slog.Logger
}

// Calendar answers working-day questions for mainland China. It is immutable
// after New and safe for concurrent use; the only state that changes is the
// record of which missing years have been warned about.
type Calendar struct {
	years   map[int]*yearTable // every year with a year file or any listed day
	known   []int              // years declared by a year file, ascending
	reasons map[int]string     // reason of each listed day, by day number
	policy  MissingYearPolicy
	log     *slog.Logger
	warned  sync.Map // year → struct{}: WeekendsOnly years already logged
}

// yearTable is the precomputed arrangement of one year, indexed by day of year.
type yearTable struct {
	known bool
	jan1  int // day number of 1 January
	days  [366]listing
}

// listing is what the files say about a day.
type listing uint8

const (
	unlisted   listing = iota // follow the week: Monday–Friday work
	listedOff                 // a holiday or local closure
	listedWork                // a working day, usually a 调休 weekend day
)

// Default is the calendar of the embedded national data, Strict policy.
func Default() (*Calendar, error) { return New(Options{}) }

// New builds a calendar from the embedded data plus opts.Extra. It fails when
// two year files declare the same year or when two files disagree on whether
// a date is a working day, naming both files and lines: a conflict in holiday
// data must be resolved by a person, not by load order. (An override file may
// of course contradict the national data; that is what it is for.)
func New(opts Options) (*Calendar, error) {
	if opts.MissingYear != Strict && opts.MissingYear != WeekendsOnly {
		return nil, fmt.Errorf("new calendar: unknown MissingYearPolicy %d", opts.MissingYear)
	}
	embedded, err := embeddedSources()
	if err != nil {
		return nil, fmt.Errorf("new calendar: embedded data: %w", err)
	}
	m := merger{
		declared: map[int]string{},
		national: map[Date]placed{},
		local:    map[Date]placed{},
	}
	for _, s := range append(embedded, opts.Extra...) {
		if err := m.add(s); err != nil {
			return nil, fmt.Errorf("new calendar: %w", err)
		}
	}
	log := opts.Log
	if log == nil {
		log = slog.Default()
	}
	c := m.build(opts.MissingYear, log)
	log.Debug("calendar loaded", "years", c.known, "extra_files", len(opts.Extra))
	return c, nil
}

// placed is a listed day together with the file that lists it.
type placed struct {
	entry
	file string
}

func (p placed) String() string { return fmt.Sprintf("%s:%d", p.file, p.line) }

// merger collects Sources and checks them against each other.
type merger struct {
	declared map[int]string // year → file declaring it
	national map[Date]placed
	local    map[Date]placed
}

func (m *merger) add(s Source) error {
	if !s.parsed {
		return fmt.Errorf("zero Source: make Sources with LoadFile or ParseSource")
	}
	target := m.local
	if year, ok := s.Year(); ok {
		if prev, dup := m.declared[year]; dup {
			return fmt.Errorf("%s declares year %d, already declared by %s: correct a published year with an override file", s.name, year, prev)
		}
		m.declared[year] = s.name
		target = m.national
	}
	for _, e := range s.entries {
		p := placed{entry: e, file: s.name}
		prev, dup := target[e.date]
		switch {
		case !dup:
			target[e.date] = p
		case prev.working != e.working:
			return fmt.Errorf("%s lists %s as %s, but %s lists it as %s", p, e.date, e.kindWord(), prev, prev.kindWord())
		}
		// The same verdict twice (a New Year holiday in two notices) keeps the first.
	}
	return nil
}

func (m *merger) build(policy MissingYearPolicy, log *slog.Logger) *Calendar {
	c := &Calendar{
		years:   map[int]*yearTable{},
		reasons: map[int]string{},
		policy:  policy,
		log:     log,
	}
	table := func(year int) *yearTable {
		t := c.years[year]
		if t == nil {
			t = &yearTable{jan1: Date{Year: year, Month: 1, Day: 1}.dayNumber()}
			c.years[year] = t
		}
		return t
	}
	for year := range m.declared {
		table(year).known = true
		c.known = append(c.known, year)
	}
	slices.Sort(c.known)
	for _, days := range []map[Date]placed{m.national, m.local} { // local last: it wins
		for date, p := range days {
			t := table(date.Year)
			dn := date.dayNumber()
			t.days[dn-t.jan1] = listedOff
			if p.working {
				t.days[dn-t.jan1] = listedWork
			}
			c.reasons[dn] = p.reason
		}
	}
	return c
}

// Years lists the years declared by a year file, ascending. Years that only
// an override file mentions are not in it.
func (c *Calendar) Years() []int { return slices.Clone(c.known) }

// checkYear applies the MissingYearPolicy to a year a query reaches.
func (c *Calendar) checkYear(year int) error {
	if year < 1 || year > 9999 {
		return fmt.Errorf("year %d: %w", year, ErrOutOfRange)
	}
	if t := c.years[year]; t != nil && t.known {
		return nil
	}
	if c.policy == Strict {
		return &NoDataError{Year: year}
	}
	if _, done := c.warned.LoadOrStore(year, struct{}{}); !done {
		c.log.Warn("节假日安排尚未载入，按仅周末休息计算 (no holiday data; treating the year as weekends only)",
			"year", year, "fix", fmt.Sprintf("add calendar/data/cn-%d.txt or load a file that starts with \"year %d\"", year, year))
	}
	return nil
}
