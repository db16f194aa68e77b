package calendar

// DayKind says why a day is or is not a working day, so an API can colour a
// month view and a clerk can see that a Saturday is a 调休 working day rather
// than a mistake.
type DayKind string

// The kinds of day. A day listed as "off" in a data or override file is a
// holiday even when it falls on a weekend; a day listed as "work" is a make-up
// working day when it falls on a weekend and an ordinary working day otherwise.
const (
	KindWorking       DayKind = "working"        // Monday–Friday with no arrangement, or a listed working weekday
	KindWeekend       DayKind = "weekend"        // Saturday or Sunday with no arrangement
	KindHoliday       DayKind = "holiday"        // a listed day off: statutory holiday or local closure
	KindMakeupWorkday DayKind = "makeup_workday" // a listed working Saturday or Sunday (调休上班)
)

// Reasons given for days that no file lists.
const (
	reasonWorkday = "工作日"
	reasonWeekend = "周末"
)

// Day is the calendar's verdict on one date.
type Day struct {
	Date    Date    `json:"date"`
	Working bool    `json:"working"`
	Kind    DayKind `json:"kind"`
	// Reason is the user-facing explanation in Chinese: "工作日", "周末", the
	// holiday's name ("春节"), "国庆节 调休上班", or a local override's own text.
	Reason string `json:"reason"`
}
