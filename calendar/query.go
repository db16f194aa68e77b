package calendar

import "time"

// Caps that keep every query bounded, whatever the input.
const (
	// MaxWorkingDays is the largest |n| AddWorkingDays accepts: about four
	// years, far beyond any deadline the office sets.
	MaxWorkingDays = 1000
	// MaxRangeDays is the most days Range returns: a year, for a year view.
	MaxRangeDays = 366
	// MaxSpanDays is the largest distance in calendar days WorkingDaysBetween
	// accepts: ten years, enough for any result of AddWorkingDays.
	MaxSpanDays = 3660
	// maxScanDays bounds AddWorkingDays's walk even if override files made
	// whole years days off.
	maxScanDays = 8 * 366
)

// Day is the calendar's verdict on d: working or not, of which kind, and why.
func (c *Calendar) Day(d Date) (Day, error) {
	cur, err := c.at(d)
	if err != nil {
		return Day{}, err
	}
	return cur.day(), nil
}

// IsWorkingDay reports whether d is a working day.
func (c *Calendar) IsWorkingDay(d Date) (bool, error) {
	cur, err := c.at(d)
	if err != nil {
		return false, err
	}
	return cur.working(), nil
}

// AddWorkingDays is the n-th working day strictly after d for n > 0, or the
// |n|-th working day strictly before d for n < 0; d itself never counts,
// whether or not it is a working day. n == 0 returns d. |n| is capped at
// MaxWorkingDays. Every year walked through must have data (see
// MissingYearPolicy), including d's own.
func (c *Calendar) AddWorkingDays(d Date, n int) (Date, error) {
	if n > MaxWorkingDays || n < -MaxWorkingDays {
		return Date{}, invalid("add %d working days to %s: |n| may be at most %d", n, d, MaxWorkingDays)
	}
	cur, err := c.at(d)
	if err != nil {
		return Date{}, err
	}
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for scanned := 0; n > 0; scanned++ {
		if scanned == maxScanDays {
			return Date{}, invalid("no %d working days within %d days of %s: check the override files", n, maxScanDays, d)
		}
		if err := cur.move(step); err != nil {
			return Date{}, err
		}
		if cur.working() {
			n--
		}
	}
	return fromDayNumber(cur.dn), nil
}

// WorkingDaysBetween counts the working days stepped onto when walking from
// from to to, from excluded and to included: the days in (from, to] when to
// is later, and minus the days in [to, from) when to is earlier. That makes
// it the inverse of AddWorkingDays in both directions:
// WorkingDaysBetween(d, AddWorkingDays(d, n)) == n for every d and n. (It is
// not antisymmetric: swapping the arguments changes which end counts.) The
// span is capped at MaxSpanDays.
func (c *Calendar) WorkingDaysBetween(from, to Date) (int, error) {
	if !from.valid() || !to.valid() {
		return 0, invalid("working days between %s and %s: invalid date", from, to)
	}
	end := to.dayNumber()
	step, span := 1, end-from.dayNumber()
	if span < 0 {
		step, span = -1, -span
	}
	if span > MaxSpanDays {
		return 0, invalid("working days between %s and %s: span of %d days exceeds %d", from, to, span, MaxSpanDays)
	}
	cur, err := c.at(from)
	if err != nil {
		return 0, err
	}
	count := 0
	for cur.dn != end {
		if err := cur.move(step); err != nil {
			return 0, err
		}
		if cur.working() {
			count++
		}
	}
	return step * count, nil
}

// Range lists every day from from to to inclusive, for a month or year view.
// It returns at most MaxRangeDays days; to before from is an error.
func (c *Calendar) Range(from, to Date) ([]Day, error) {
	if !from.valid() || !to.valid() {
		return nil, invalid("range %s to %s: invalid date", from, to)
	}
	n := to.dayNumber() - from.dayNumber() + 1
	if n < 1 || n > MaxRangeDays {
		return nil, invalid("range %s to %s: want 1 to %d days, got %d", from, to, MaxRangeDays, n)
	}
	cur, err := c.at(from)
	if err != nil {
		return nil, err
	}
	days := make([]Day, 0, n)
	for {
		days = append(days, cur.day())
		if len(days) == n {
			return days, nil
		}
		if err := cur.move(1); err != nil {
			return nil, err
		}
	}
}

// cursor walks day by day, looking a year up (and applying the
// MissingYearPolicy) only when it crosses into it.
type cursor struct {
	c      *Calendar
	dn     int        // current day number
	lo, hi int        // day numbers of 1 January of the current and next year
	table  *yearTable // nil when no file lists anything in the year
}

// at positions a cursor on d, checking d and its year.
func (c *Calendar) at(d Date) (cursor, error) {
	if !d.valid() {
		return cursor{}, invalid("invalid date %s", d)
	}
	cur := cursor{c: c, dn: d.dayNumber()}
	if err := cur.enter(d.Year); err != nil {
		return cursor{}, err
	}
	return cur, nil
}

func (cur *cursor) enter(year int) error {
	if err := cur.c.checkYear(year); err != nil {
		return err
	}
	cur.table = cur.c.years[year]
	cur.lo = Date{Year: year, Month: time.January, Day: 1}.dayNumber()
	cur.hi = Date{Year: year + 1, Month: time.January, Day: 1}.dayNumber()
	return nil
}

// move steps the cursor by delta (±1) days.
func (cur *cursor) move(delta int) error {
	cur.dn += delta
	if cur.dn >= cur.lo && cur.dn < cur.hi {
		return nil
	}
	return cur.enter(fromDayNumber(cur.dn).Year)
}

func (cur *cursor) listing() listing {
	if cur.table == nil {
		return unlisted
	}
	return cur.table.days[cur.dn-cur.lo]
}

func (cur *cursor) working() bool {
	switch cur.listing() {
	case listedWork:
		return true
	case listedOff:
		return false
	}
	wd := weekdayOf(cur.dn)
	return wd != time.Saturday && wd != time.Sunday
}

func (cur *cursor) day() Day {
	d := Day{Date: fromDayNumber(cur.dn), Working: cur.working()}
	weekend := d.Date.Weekday() == time.Saturday || d.Date.Weekday() == time.Sunday
	switch l := cur.listing(); {
	case l == listedOff:
		d.Kind, d.Reason = KindHoliday, cur.c.reasons[cur.dn]
	case l == listedWork && weekend:
		d.Kind, d.Reason = KindMakeupWorkday, cur.c.reasons[cur.dn]
	case l == listedWork:
		d.Kind, d.Reason = KindWorking, cur.c.reasons[cur.dn]
	case weekend:
		d.Kind, d.Reason = KindWeekend, reasonWeekend
	default:
		d.Kind, d.Reason = KindWorking, reasonWorkday
	}
	return d
}
