package calendar

import (
	"bytes"
	"fmt"
	"time"
	_ "time/tzdata" // Asia/Shanghai must resolve on minimal images without system tzdata
)

// Zone (Asia/Shanghai) is the zone every Date is a civil date in: a
// deadline of 2026-12-31 means the end of that day in Beijing, wherever the
// server runs. Mainland China has had no daylight saving since 1991, so the
// fixed fallback is only reachable if the embedded tzdata were somehow
// missing, and it agrees for every date the calendar has data for.
var Zone = loadShanghai()

func loadShanghai() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*60*60)
	}
	return loc
}

// Date is a civil date in mainland China (Asia/Shanghai), with no time of day.
// Holidays are decided per date, not per instant, so the calendar works on
// Dates and converts at the edges with DateOf and At. It is the one date type
// of duban: deadlines, extension dates and statistics' periods are Dates.
//
// The zero Date is not a valid date; it stands for "no date" (a draft whose
// deadline is given in working days, a command without a new deadline) and
// travels as "" in JSON, so fields tagged omitzero disappear as an empty
// string tagged omitempty would.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// dateLayout is the only textual form a Date has: in files, JSON and logs.
const dateLayout = "YYYY-MM-DD"

// DateError is the error of ParseDate and of decoding a Date from JSON: the
// text that is not a date, and why.
type DateError struct {
	Input     string
	NoSuchDay bool // well-formed, but no such day (2026-02-30)
}

func (e *DateError) Error() string {
	if e.NoSuchDay {
		return fmt.Sprintf("parse date %q: no such date", e.Input)
	}
	return fmt.Sprintf("parse date %q: want %s", e.Input, dateLayout)
}

// ParseDate parses exactly YYYY-MM-DD (zero-padded, year 0001–9999) and
// rejects dates that do not exist, such as 2026-02-29.
func ParseDate(s string) (Date, error) {
	if len(s) != len(dateLayout) || s[4] != '-' || s[7] != '-' {
		return Date{}, &DateError{Input: s}
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return Date{}, &DateError{Input: s}
	}
	date := Date{Year: y, Month: time.Month(m), Day: d}
	if !date.valid() {
		return Date{}, &DateError{Input: s, NoSuchDay: true}
	}
	return date, nil
}

// MustParseDate is ParseDate for dates written in code and tests; it panics
// on a bad one.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// IsZero reports whether d is the zero Date, "no date".
func (d Date) IsZero() bool { return d == Date{} }

// digits parses a run of ASCII digits; unlike strconv.Atoi it refuses signs.
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// DateOf is the date in Asia/Shanghai at instant t, whatever t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.In(Zone).Date()
	return Date{Year: y, Month: m, Day: d}
}

// At is the instant at hour:minute on d in Asia/Shanghai, e.g. the 18:00
// close of business that a deadline date stands for.
func (d Date) At(hour, minute int) time.Time {
	return time.Date(d.Year, d.Month, d.Day, hour, minute, 0, 0, Zone)
}

// String formats d as YYYY-MM-DD, and the zero Date as "".
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	if d.Year < 0 || d.Year > 9999 || d.Month < 1 || d.Month > 12 || d.Day < 1 || d.Day > 99 {
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
	}
	// By hand: a ledger export formats two dates a row, and fmt was a
	// twelfth of its time.
	b := [10]byte{
		byte('0' + d.Year/1000), byte('0' + d.Year/100%10), byte('0' + d.Year/10%10), byte('0' + d.Year%10), '-',
		byte('0' + int(d.Month)/10), byte('0' + int(d.Month)%10), '-',
		byte('0' + d.Day/10), byte('0' + d.Day%10),
	}
	return string(b[:])
}

// AddDays is the date n calendar days after d (before, for negative n).
// Out-of-range fields are normalised the way time.Date does.
func (d Date) AddDays(n int) Date { return fromDayNumber(d.dayNumber() + n) }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch a, b := d.dayNumber(), e.dayNumber(); {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is later than e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Weekday is the day of the week of d.
func (d Date) Weekday() time.Weekday { return weekdayOf(d.dayNumber()) }

// MarshalText formats d as YYYY-MM-DD, so JSON carries dates as strings,
// and the zero Date as "". Any other invalid Date is an error rather than
// "0000-00-00" on the wire.
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte{}, nil
	}
	if !d.valid() {
		return nil, fmt.Errorf("marshal date: invalid date %s", d)
	}
	return []byte(d.String()), nil
}

// UnmarshalText parses YYYY-MM-DD strictly, as ParseDate does; "" is the
// zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	b = bytes.TrimSpace(b) // a date pasted with a space around it
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	parsed, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = parsed
	return nil
}

// valid reports whether d names a real date with a four-digit year.
func (d Date) valid() bool {
	if d.Year < 1 || d.Year > 9999 || d.Month < time.January || d.Month > time.December || d.Day < 1 {
		return false
	}
	return d.Day <= daysIn(d.Year, d.Month)
}

func daysIn(year int, m time.Month) int {
	switch m {
	case time.February:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// dayNumber counts days since 1970-01-01 (negative before it), normalising
// month and day overflow. It is the proleptic Gregorian algorithm from
// Howard Hinnant's "chrono-Compatible Low-Level Date Algorithms"; working in
// plain integers keeps the hot loops free of time.Time.
func (d Date) dayNumber() int {
	m0 := int(d.Month) - 1
	y := d.Year + floorDiv(m0, 12)
	m := floorMod(m0, 12) + 1 // 1..12
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400                      // [0, 399]
	doy := (153*((m+9)%12)+2)/5 + d.Day - 1 // day of a March-based year
	doe := yoe*365 + yoe/4 - yoe/100 + doy  // day of the 400-year era
	return era*146097 + doe - 719468        // 719468: 0000-03-01 to 1970-01-01
}

// fromDayNumber is the inverse of dayNumber.
func fromDayNumber(z int) Date {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day := doy - (153*mp+2)/5 + 1
	m := mp + 3
	y := yoe + era*400
	if m > 12 {
		m -= 12
		y++
	}
	return Date{Year: y, Month: time.Month(m), Day: day}
}

// weekdayOf is the weekday of day number n; 1970-01-01 was a Thursday.
func weekdayOf(n int) time.Weekday { return time.Weekday(floorMod(n+4, 7)) }

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func floorMod(a, b int) int { return a - floorDiv(a, b)*b }
