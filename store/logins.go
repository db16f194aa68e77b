package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/duban-gov/duban/identity"
)

// loginAttemptRow counts recent sign-in attempts on one subject.
type loginAttemptRow struct {
	Subject  string `gorm:"primaryKey"`
	Attempts int
	LastAt   time.Time
}

func (loginAttemptRow) TableName() string { return "login_attempts" }

// LoginSubject is something sign-in attempts are counted on: an account
// ("account:<login>", whether or not it exists) or an address
// ("address:<ip>"), with its backoff.
type LoginSubject struct {
	Key     string
	Backoff identity.Backoff
}

// ReserveLogin counts one sign-in attempt on every subject, unless one of
// them is locked: then it counts nothing and returns how long to wait. The
// check and the count are one transaction, so concurrent guesses queue on
// the rows and each sees the ones before it.
func (s *Store) ReserveLogin(ctx context.Context, now time.Time, subjects ...LoginSubject) (time.Duration, error) {
	subjects = append([]LoginSubject(nil), subjects...)
	sort.Slice(subjects, func(i, j int) bool { return subjects[i].Key < subjects[j].Key }) // one lock order
	now = now.UTC()
	var wait time.Duration
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		rows := make([]loginAttemptRow, len(subjects))
		for i, sub := range subjects {
			if err := tx.Clauses(clause.OnConflict{DoNothing: true}).
				Create(&loginAttemptRow{Subject: sub.Key, LastAt: now}).Error; err != nil {
				return fmt.Errorf("count sign-in attempt: %w", err)
			}
			lock := tx
			if s.dialect == Postgres {
				lock = tx.Clauses(clause.Locking{Strength: "UPDATE"})
			}
			if err := lock.Where("subject = ?", sub.Key).Take(&rows[i]).Error; err != nil {
				return fmt.Errorf("read sign-in attempts: %w", err)
			}
			n := sub.Backoff.Attempts(rows[i].Attempts, rows[i].LastAt, now)
			if until := sub.Backoff.LockedUntil(n, rows[i].LastAt); until.After(now) {
				wait = max(wait, until.Sub(now))
			}
			rows[i].Attempts = n
		}
		if wait > 0 {
			return nil
		}
		for i := range rows {
			if err := tx.Model(&loginAttemptRow{}).Where("subject = ?", rows[i].Subject).
				Updates(map[string]any{"attempts": rows[i].Attempts + 1, "last_at": now}).Error; err != nil {
				return fmt.Errorf("count sign-in attempt: %w", err)
			}
		}
		// Forget subjects left alone for long: an attacker's made-up logins
		// must not fill the table.
		var forget time.Duration
		for _, sub := range subjects {
			forget = max(forget, sub.Backoff.Forget)
		}
		if err := tx.Where("last_at < ?", now.Add(-forget)).Delete(&loginAttemptRow{}).Error; err != nil {
			return fmt.Errorf("forget old sign-in attempts: %w", err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return wait, nil
}

// LoginSucceeded clears the account's attempts and refunds the attempt
// counted on the address, so colleagues signing in from one office do not
// lock each other out.
func (s *Store) LoginSucceeded(ctx context.Context, account, address string) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("subject = ?", account).Delete(&loginAttemptRow{}).Error; err != nil {
			return fmt.Errorf("clear sign-in attempts: %w", err)
		}
		err := tx.Model(&loginAttemptRow{}).Where("subject = ? AND attempts > 0", address).
			Update("attempts", gorm.Expr("attempts - 1")).Error
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("refund sign-in attempt: %w", err)
		}
		return nil
	})
}
