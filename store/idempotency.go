package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/duban-gov/duban/slip"
)

// requestKeyRow remembers what a user's Idempotency-Key was first used for:
// the hash of that request, the slip it named or created, and, for an
// action, the slip as the action left it (the answer a retry gets again).
type requestKeyRow struct {
	UserID      int64  `gorm:"primaryKey"`
	IdemKey     string `gorm:"primaryKey"`
	RequestHash string
	SlipID      string
	Answer      *string
	CreatedAt   time.Time `gorm:"autoCreateTime:false"`
}

func (requestKeyRow) TableName() string { return "request_keys" }

// RequestKey is what a user's Idempotency-Key is bound to.
type RequestKey struct {
	// RequestHash is the hash of the request that first used the key.
	RequestHash string
	// SlipID is the slip that request named (an action) or created (an issue).
	SlipID string
	// Answer is the slip as the action left it, once it has been applied;
	// nil for an issue and for an action not yet known to have been applied.
	Answer *slip.Slip
	// Fresh is true when no earlier request held the key: this claim bound
	// it (or found it released by a refused request).
	Fresh bool
}

// ClaimIdempotencyKey binds the user's key to a request (its hash) and a
// slip unless the key is bound already, and returns the binding that holds.
// Keys are per user: the same key from two users names two requests.
func (s *Store) ClaimIdempotencyKey(ctx context.Context, userID int64, key, slipID, requestHash string) (RequestKey, error) {
	claimed, err := s.claimKey(ctx, userID, key, slipID, requestHash)
	if err != nil {
		return RequestKey{}, fmt.Errorf("claim idempotency key: %w", err)
	}
	if claimed {
		// Ours now, unanswered: the usual case needs no second statement.
		return RequestKey{RequestHash: requestHash, SlipID: slipID, Fresh: true}, nil
	}
	var held requestKeyRow
	if err := s.db.WithContext(ctx).Where("user_id = ? AND idem_key = ?", userID, key).Take(&held).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			// Released by a refused request between our insert and read.
			return RequestKey{RequestHash: requestHash, SlipID: slipID, Fresh: true}, nil
		}
		return RequestKey{}, fmt.Errorf("read idempotency key: %w", err)
	}
	out := RequestKey{RequestHash: held.RequestHash, SlipID: held.SlipID}
	if held.Answer != nil {
		var sl slip.Slip
		if err := json.Unmarshal([]byte(*held.Answer), &sl); err != nil {
			return RequestKey{}, fmt.Errorf("read answer of idempotency key: %w", err)
		}
		out.Answer = &sl
	}
	return out, nil
}

// claimKey inserts the key's binding unless the user's key is bound
// already, and reports whether it did: one statement, written by hand
// (every request with a key runs it).
func (s *Store) claimKey(ctx context.Context, userID int64, key, slipID, requestHash string) (bool, error) {
	q := newRawSQL(s.db, 5)
	q.WriteString("INSERT INTO request_keys (user_id, idem_key, request_hash, slip_id, created_at) VALUES ")
	q.tuple(userID, key, requestHash, slipID, time.Now().UTC())
	q.WriteString(" ON CONFLICT (user_id, idem_key) DO NOTHING RETURNING slip_id")
	rows, err := q.queryIn(ctx, s.db)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	claimed := rows.Next()
	if err := rows.Err(); err != nil {
		return false, err
	}
	return claimed, rows.Close()
}

// AnswerIdempotencyKey stores the slip an action left, for retries with the
// same key. Only the request that holds the key (same hash) can answer it.
func (s *Store) AnswerIdempotencyKey(ctx context.Context, userID int64, key, requestHash string, answer slip.Slip) error {
	b, err := json.Marshal(answer)
	if err != nil {
		return fmt.Errorf("encode answer of idempotency key: %w", err)
	}
	// One statement, without a transaction around it (it would only add a
	// BEGIN and a COMMIT to every action).
	q := newRawSQL(s.db, 4)
	q.WriteString("UPDATE request_keys SET answer = ")
	q.arg(string(b))
	q.WriteString(" WHERE user_id = ")
	q.arg(userID)
	q.WriteString(" AND idem_key = ")
	q.arg(key)
	q.WriteString(" AND request_hash = ")
	q.arg(requestHash)
	q.WriteString(" AND answer IS NULL")
	if _, err := q.execIn(ctx, s.db); err != nil {
		return fmt.Errorf("answer idempotency key: %w", err)
	}
	return nil
}

// ReleaseIdempotencyKey unbinds a key whose request was refused (the slip
// was not changed), so that a refused request leaves nothing behind and the
// key may be used again. A key with an answer is never released.
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, userID int64, key, requestHash string) error {
	if err := s.db.WithContext(ctx).
		Where("user_id = ? AND idem_key = ? AND request_hash = ? AND answer IS NULL", userID, key, requestHash).
		Delete(&requestKeyRow{}).Error; err != nil {
		return fmt.Errorf("release idempotency key: %w", err)
	}
	return nil
}
