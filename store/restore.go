package store

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/duban-gov/duban/slip"
)

// Restored is what Restore wrote.
type Restored struct {
	// Created is true when the slip had no ledger row and got one.
	Created bool
	// Appended lists the sequence numbers of the timeline events added.
	Appended []int64
}

// Restore brings a slip's ledger row and timeline up to latest, the slip as
// its workflow holds it, given the workflow's events (any subset, in any
// order). A slip missing from the ledger is inserted under the number its
// workflow gave it (and the year's counter moved past it); timeline events
// missing from the ledger are appended through Project, so the statistics
// and the event facts follow as they would have live. What the ledger has
// already is left as it is: Restore is idempotent and safe beside live
// projections.
func (s *Store) Restore(ctx context.Context, latest slip.Slip, events []slip.Event) (Restored, error) {
	var out Restored
	if latest.Number == "" {
		return out, fmt.Errorf("restore slip %s: the workflow has not numbered it yet", latest.ID)
	}
	created, err := s.restoreRow(ctx, latest)
	if err != nil {
		return out, err
	}
	out.Created = created
	have, err := s.Timeline(ctx, latest.ID)
	if err != nil {
		return out, err
	}
	seen := make(map[int64]bool, len(have))
	for _, e := range have {
		seen[e.Seq] = true
	}
	sorted := append([]slip.Event(nil), events...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Seq < sorted[j].Seq })
	for _, e := range sorted {
		if e.Seq <= 1 || e.Seq > latest.Seq || seen[e.Seq] || e.SlipID != latest.ID {
			continue
		}
		// The row takes the latest state at this event's number; the last
		// event brings it to latest itself.
		at := latest
		at.Seq = e.Seq
		if err := s.Project(ctx, at, e); err != nil {
			return out, fmt.Errorf("restore slip %s: %w", latest.ID, err)
		}
		seen[e.Seq] = true
		out.Appended = append(out.Appended, e.Seq)
	}
	// A row behind its (complete) timeline catches up with the last event,
	// unless appending that event just did.
	if len(out.Appended) > 0 && out.Appended[len(out.Appended)-1] == latest.Seq {
		return out, nil
	}
	for _, e := range sorted {
		if e.Seq == latest.Seq && e.SlipID == latest.ID && latest.Seq > 1 {
			if err := s.Project(ctx, latest, e); err != nil {
				return out, fmt.Errorf("restore slip %s: %w", latest.ID, err)
			}
			break
		}
	}
	return out, nil
}

// numberPattern reads the year and serial out of a slip number such as
// 督〔2026〕17号, whatever its prefix.
var numberPattern = regexp.MustCompile(`〔(\d{4})〕(\d+)号$`)

// restoreRow inserts the slip's row as it was when issued, under its number,
// unless the ledger has it; it reports whether it inserted one.
func (s *Store) restoreRow(ctx context.Context, latest slip.Slip) (bool, error) {
	m := numberPattern.FindStringSubmatch(latest.Number)
	if m == nil {
		return false, fmt.Errorf("restore slip %s: cannot read year and serial from number %q", latest.ID, latest.Number)
	}
	year, _ := strconv.Atoi(m[1])
	serial, _ := strconv.Atoi(m[2])
	created := false
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var existing slipRow
		err := tx.Select("id").Where("id = ?", latest.ID).Take(&existing).Error
		if err == nil {
			return nil
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		if err := tx.Exec(`INSERT INTO slip_counters (year, last_serial) VALUES (?, ?)
			ON CONFLICT (year) DO UPDATE SET last_serial = CASE
				WHEN slip_counters.last_serial < excluded.last_serial THEN excluded.last_serial
				ELSE slip_counters.last_serial END`, year, serial).Error; err != nil {
			return fmt.Errorf("move counter of %d past %d: %w", year, serial, err)
		}
		created = true
		return s.insertIssued(tx, issuedState(latest), year, serial, latest.Number)
	})
	if err != nil {
		return false, fmt.Errorf("restore slip %s: %w", latest.ID, err)
	}
	return created, nil
}

// issuedState is the slip as it stood when issued, recovered from its later
// state: what never changes (draft, issue, policy, number) stays, what
// actions change goes back to its start.
func issuedState(latest slip.Slip) slip.Slip {
	s := slip.Slip{
		ID: latest.ID, Number: latest.Number, Draft: latest.Draft, Policy: latest.Policy,
		IssuedAt: latest.IssuedAt, IssuedBy: latest.IssuedBy, IssuedByID: latest.IssuedByID, IssueRequestID: latest.IssueRequestID,
	}
	s.StartIssued()
	return s
}

// LedgerMeta returns the value stored under key, and whether there is one.
func (s *Store) LedgerMeta(ctx context.Context, key string) (string, bool, error) {
	var rows []struct{ Value string }
	if err := s.db.WithContext(ctx).Raw(`SELECT value FROM ledger_meta WHERE key = ?`, key).Scan(&rows).Error; err != nil {
		return "", false, fmt.Errorf("read ledger meta %s: %w", key, err)
	}
	if len(rows) == 0 {
		return "", false, nil
	}
	return rows[0].Value, true, nil
}

// ClaimLedgerMeta stores value under key unless a value is there already,
// and returns the value that holds (the first writer's).
func (s *Store) ClaimLedgerMeta(ctx context.Context, key, value string) (string, error) {
	if err := s.db.WithContext(ctx).Exec(`INSERT INTO ledger_meta (key, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO NOTHING`, key, value, nowText()).Error; err != nil {
		return "", fmt.Errorf("claim ledger meta %s: %w", key, err)
	}
	held, _, err := s.LedgerMeta(ctx, key)
	return held, err
}

// SetLedgerMeta stores value under key, replacing what was there.
func (s *Store) SetLedgerMeta(ctx context.Context, key, value string) error {
	if err := s.db.WithContext(ctx).Exec(`INSERT INTO ledger_meta (key, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, key, value, nowText()).Error; err != nil {
		return fmt.Errorf("set ledger meta %s: %w", key, err)
	}
	return nil
}

// HasSlips reports whether the ledger holds any slip.
func (s *Store) HasSlips(ctx context.Context) (bool, error) {
	var ids []string
	if err := s.db.WithContext(ctx).Model(&slipRow{}).Limit(1).Pluck("id", &ids).Error; err != nil {
		return false, fmt.Errorf("look for slips: %w", err)
	}
	return len(ids) > 0, nil
}

// nowText is the wall clock as stored in text columns.
func nowText() string { return time.Now().UTC().Format(time.RFC3339) }
