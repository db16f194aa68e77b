package reminder

import (
	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/slip"
)

// PartColourOf is the colour of unit dept's own part of s on date today:
// what that unit's ledger shows and filters by (a slip's worst part colours
// it everywhere else, ColourOf). An open part is red past its deadline
// (slip.Slip.TrackDeadline), yellow when due by yellowBy or not signed for
// after its acknowledgement reminder (the lead's reminder is the slip's),
// green otherwise; a part done, waived or replaced, or on a slip no longer
// open, has none. A slip without parts (issued before they existed) is
// coloured as a whole; a unit with no current part on s gets None.
func PartColourOf(s slip.Slip, dept string, today, yellowBy calendar.Date) Colour {
	if len(s.Tracks) == 0 {
		return ColourOf(s, today, yellowBy)
	}
	t := s.TrackOf(dept)
	if t == nil || !s.Status.Open() || !t.Status.Open() {
		return None
	}
	return TrackColour(s, *t, today, yellowBy)
}

// TrackColour is the colour of open part t of open slip s on date today
// (see PartColourOf).
func TrackColour(s slip.Slip, t slip.Track, today, yellowBy calendar.Date) Colour {
	deadline := s.TrackDeadline(t)
	reminded := t.AckReminded
	if t.Role == slip.RoleLead {
		reminded = s.AckReminded
	}
	switch {
	case deadline.Before(today):
		return Red
	case !deadline.After(yellowBy) || (reminded && t.Status == slip.TrackIssued):
		return Yellow
	}
	return Green
}
