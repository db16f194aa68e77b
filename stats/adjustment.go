package stats

import (
	"errors"
	"time"
)

// Adjustment is a manual 加分 (positive points) or 扣分 (negative) of one
// department in one month's assessment, with the office's reason. The
// ranking adds it to the score it computes from the Rows; the store keeps
// it. It is named here, below both, so the ranking reads it through an
// interface of its own and the store needs no ranking code.
type Adjustment struct {
	ID         int64     `json:"id"`
	Month      string    `json:"month"`
	Department string    `json:"department_code"`
	Points     float64   `json:"points"`
	Reason     string    `json:"reason"`
	CreatedBy  *int64    `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
}

// ErrNoSnapshot says a month's assessment (the ranking) has not been
// published: what a ledger answers when asked for a snapshot it does not
// hold, so that the ranking can compute the month live instead.
var ErrNoSnapshot = errors.New("no published ranking for the month")
