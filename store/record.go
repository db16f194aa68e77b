package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/slip"
)

// RecordIssued puts a newly issued slip on the ledger: it allocates the next
// number of the issue year, inserts the slip, its departments and its first
// event, all in one transaction. Calling it again for the same slip changes
// nothing and returns the number given the first time, so numbers have no
// gaps and no duplicates however often the activity is retried.
func (s *Store) RecordIssued(ctx context.Context, sl slip.Slip) (string, error) {
	var number string
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		held, ok, err := slipNumber(tx, sl.ID)
		if err != nil {
			return fmt.Errorf("read slip number: %w", err)
		}
		if ok {
			number = held
			return nil
		}
		year := sl.IssuedAt.In(calendar.Zone).Year()
		var serial int
		if err := tx.Raw(`INSERT INTO slip_counters (year, last_serial) VALUES (?, 1)
			ON CONFLICT (year) DO UPDATE SET last_serial = slip_counters.last_serial + 1
			RETURNING last_serial`, year).Scan(&serial).Error; err != nil {
			return fmt.Errorf("allocate serial for %d: %w", year, err)
		}
		number = s.SlipNumber(year, serial)
		return s.insertIssued(tx, sl, year, serial, number)
	})
	if err != nil {
		return "", fmt.Errorf("record issued slip %s: %w", sl.ID, err)
	}
	return number, nil
}

// Project writes one accepted action: it appends the event unless an event
// with that sequence number is already there, and updates the slip row only
// if the row is older than the action. A repeated or late projection therefore
// neither duplicates an event nor moves the slip's status backwards.
func (s *Store) Project(ctx context.Context, sl slip.Slip, e slip.Event) error {
	if e.SlipID != sl.ID || e.Seq != sl.Seq {
		return fmt.Errorf("project slip %s: event %s/%d does not match slip seq %d", sl.ID, e.SlipID, e.Seq, sl.Seq)
	}
	ev, err := newEventRow(e)
	if err != nil {
		return err
	}
	row := newSlipRow(sl, 0, 0, "")
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		appended, err := insertEvent(tx, ev)
		if err != nil {
			return fmt.Errorf("append event: %w", err)
		}
		if !appended {
			// A repeat of this projection, or the ledger holds another
			// action under this number: one whose workflow task was lost
			// after it was projected. The second must not pass for the first.
			var held eventRow
			if err := tx.Select("type").Where("slip_id = ? AND seq = ?", e.SlipID, e.Seq).Take(&held).Error; err != nil {
				return fmt.Errorf("read event %d: %w", e.Seq, err)
			}
			if held.Type != string(e.Type) {
				return &EventConflictError{SlipID: e.SlipID, Seq: e.Seq, Held: slip.Action(held.Type), Proposed: e.Type}
			}
		}
		// The row as it was, locked until commit: the statistics' rollup
		// moves from what it counted to what the row becomes.
		// Not the slip's text (a 交办单's content runs to pages): the row
		// read here only feeds the comparison and the rollup.
		before, err := readSlipForUpdate(tx, sl.ID)
		if err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				// Never recorded: a bug. Refuse, so the retry shows it.
				return fmt.Errorf("slip is not on the ledger")
			}
			return fmt.Errorf("read slip row: %w", err)
		}
		// after is the row as this transaction leaves it, built from the
		// columns it writes rather than read back (a statement per action).
		after, changed := before, false
		// members are the slip's departments the rollup counted it under;
		// a 改派 changes them (reassignDepartments).
		beforeMembers := membersOf(sl.Draft.Departments())
		fact := eventFact(e.Type)
		if before.LastSeq < sl.Seq {
			// Older than the action: take it. (A newer projection that got
			// there first keeps its row.)
			cols := row.progressColumns()
			if days := closeWorkingDays(s.opts.Calendar, sl); days != nil {
				cols["close_working_days"] = days
			}
			if fact != "" {
				// Facts only ever become true, whatever order projections
				// land in.
				cols[fact] = true
			}
			if e.Type == slip.ActionReassign {
				cols["lead_department"] = sl.Draft.LeadDepartment
				was, err := reassignDepartments(tx, sl)
				if err != nil {
					return err
				}
				beforeMembers = was
			}
			// Only what changed: see changedColumns.
			cols, err := before.changedColumns(ctx, cols)
			if err != nil {
				return err
			}
			if err := updateSlip(tx, sl.ID, cols); err != nil {
				return fmt.Errorf("update slip row: %w", err)
			}
			if after, err = before.withColumns(ctx, cols); err != nil {
				return err
			}
			if err := writeTracks(tx, sl); err != nil {
				return err
			}
			changed = true
		} else if fact != "" {
			marked, err := markFact(tx, sl.ID, fact)
			if err != nil {
				return fmt.Errorf("mark %s: %w", fact, err)
			}
			if marked {
				if after, err = before.withColumns(ctx, map[string]any{fact: true}); err != nil {
					return err
				}
				changed = true
			}
		}
		if !changed {
			return nil // a repeat: the row, and so the rollup, stand
		}
		now, err := s.rollupMembers(tx, sl.Draft.Departments())
		if err != nil {
			return err
		}
		members := func(string) []member { return now }
		was := members
		if e.Type == slip.ActionReassign {
			old, err := s.withBelow(tx, beforeMembers)
			if err != nil {
				return err
			}
			was = func(string) []member { return old }
		}
		if err := applyRollup(tx, []slipRow{before}, []slipRow{after}, was, members); err != nil {
			return fmt.Errorf("update statistics: %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("project event %d of slip %s: %w", e.Seq, sl.ID, err)
	}
	return nil
}

// eventFact names the slip column an event of type t makes true for good:
// an acknowledgement reminder makes the acknowledgement late (及时签收率), a
// review outcome makes the slip reviewed (重办率's denominator).
func eventFact(t slip.Action) string {
	switch t {
	case slip.EventAckReminder:
		return "ack_late"
	case slip.ActionPassReview, slip.ActionSendBack:
		return "reviewed"
	}
	return ""
}

// markEventFacts sets the facts of a timeline on a row being written whole
// (ImportSlips), as Project sets them event by event.
func markEventFacts(row *slipRow, events []slip.Event) {
	for _, e := range events {
		switch eventFact(e.Type) {
		case "ack_late":
			row.AckLate = true
		case "reviewed":
			row.Reviewed = true
		}
	}
}

// closeWorkingDays counts the working days from a closed slip's issue to
// its sign-off on cal (0 for one closed on the day of issue), or nil when the
// slip is not closed or the calendar cannot say.
func closeWorkingDays(cal *calendar.Calendar, sl slip.Slip) *int {
	if sl.Status != slip.StatusClosed || sl.ClosedAt == nil {
		return nil
	}
	n, err := cal.WorkingDaysBetween(calendar.DateOf(sl.IssuedAt), calendar.DateOf(*sl.ClosedAt))
	if err != nil {
		return nil
	}
	return &n
}

// insertIssued writes the ledger row of an issued slip with its number, its
// departments, its first timeline event and its count in the statistics.
func (s *Store) insertIssued(tx *gorm.DB, sl slip.Slip, year, serial int, number string) error {
	row := newSlipRow(sl, year, serial, number)
	if err := keepKnownLeader(tx, &row); err != nil {
		return err
	}
	if err := insertSlipRow(tx, row, sl.Draft.Departments()); err != nil {
		return fmt.Errorf("insert slip: %w", err)
	}
	all, err := s.rollupMembers(tx, sl.Draft.Departments())
	if err != nil {
		return err
	}
	members := func(string) []member { return all }
	if err := applyRollup(tx, nil, []slipRow{row}, nil, members); err != nil {
		return fmt.Errorf("count slip in statistics: %w", err)
	}
	if err := insertDepartments(tx, sl.ID, sl.Draft.Departments()); err != nil {
		return fmt.Errorf("assign departments: %w", err)
	}
	ev, err := newEventRow(sl.IssuedEvent())
	if err != nil {
		return err
	}
	appended, err := insertEvent(tx, ev)
	if err != nil {
		return fmt.Errorf("insert issued event: %w", err)
	}
	if !appended {
		return fmt.Errorf("insert issued event: slip %s has an event 1 already", sl.ID)
	}
	return writeTracks(tx, sl)
}

// EventConflictError says the ledger holds another action under an event's
// number: the ledger is ahead of the workflow that proposes the event (an
// action was projected and its workflow task then lost). `duban reconcile
// --repair` brings the workflow level; until then the proposed action is
// refused.
type EventConflictError struct {
	SlipID   string
	Seq      int64
	Held     slip.Action
	Proposed slip.Action
}

func (e *EventConflictError) Error() string {
	return fmt.Sprintf("slip %s: the ledger holds %s as event %d, not %s", e.SlipID, e.Held, e.Seq, e.Proposed)
}
