package slip

import (
	"testing"
	"time"

	"github.com/duban-gov/duban/calendar"
)

// TestDeadlineWindow: every date that moves a deadline — an extension asked
// for, one granted (given or as asked), a send-back's new deadline — is
// refused with 422 date_out_of_range past the slip's window, through Apply,
// which the workflow's update validators run; dates inside the window pass;
// refusing an out-of-window request stays possible.
func TestDeadlineWindow(t *testing.T) {
	issued := time.Date(2026, 12, 1, 10, 0, 0, 0, calendar.Zone)
	at := issued.Add(24 * time.Hour)
	yes, no := true, false
	base := func(status Status, pending string, years int) Slip {
		s := Slip{ID: "s", IssuedAt: issued, Status: status, Deadline: calendar.MustParseDate("2026-12-31"), DeadlineYears: years}
		if pending != "" {
			s.PendingExtension = &ExtensionRequest{ProposedDeadline: calendar.MustParseDate(pending)}
		}
		return s
	}
	cases := []struct {
		name string
		s    Slip
		cmd  Command
		ok   bool
	}{
		{"extension to 9999-12-31", base(StatusInProgress, "", 0), Command{Action: ActionRequestExtension, Reason: "r", Deadline: calendar.MustParseDate("9999-12-31")}, false},
		{"extension to the last day of the window", base(StatusInProgress, "", 0), Command{Action: ActionRequestExtension, Reason: "r", Deadline: calendar.MustParseDate("2036-12-01")}, true},
		{"extension a day past it", base(StatusInProgress, "", 0), Command{Action: ActionRequestExtension, Reason: "r", Deadline: calendar.MustParseDate("2036-12-02")}, false},
		{"a configured window of 2 years", base(StatusInProgress, "", 2), Command{Action: ActionRequestExtension, Reason: "r", Deadline: calendar.MustParseDate("2029-01-01")}, false},
		{"approval granting 9999-12-31", base(StatusInProgress, "2027-01-31", 0), Command{Action: ActionDecideExtension, Approved: &yes, Deadline: calendar.MustParseDate("9999-12-31")}, false},
		{"approval of a request for 9999-12-31", base(StatusInProgress, "9999-12-31", 0), Command{Action: ActionDecideExtension, Approved: &yes}, false},
		{"refusal of a request for 9999-12-31", base(StatusInProgress, "9999-12-31", 0), Command{Action: ActionDecideExtension, Approved: &no}, true},
		{"send-back with 9999-12-31", base(StatusPendingReview, "", 0), Command{Action: ActionSendBack, Comment: "c", Deadline: calendar.MustParseDate("9999-12-31")}, false},
		{"send-back with a date in the window", base(StatusPendingReview, "", 0), Command{Action: ActionSendBack, Comment: "c", Deadline: calendar.MustParseDate("2027-03-01")}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			probe := c.s
			_, err := probe.Apply(c.cmd, at)
			if c.ok {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			de := AsError(err)
			if de == nil || de.Kind != KindUnprocessable || de.Code != CodeDateOutOfRange || de.Field != "deadline" {
				t.Fatalf("error = %v (%+v), want 422 %s on deadline", err, de, CodeDateOutOfRange)
			}
			if probe.Seq != c.s.Seq || probe.EffectiveDeadline() != c.s.EffectiveDeadline() {
				t.Fatalf("refused command changed the slip: %+v", probe)
			}
		})
	}
}
