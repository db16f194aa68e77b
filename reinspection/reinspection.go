// Package reinspection is 回头看: after a slip is signed off (销号), the
// office sends an inspector — a 督查员 on its staff or a 市民监督员 — back
// to check that the problem stayed solved. It holds the record of one
// re-inspection, its statuses and the rules of recording a result, and
// the reproducible random sample of a batch. It knows no database and no
// Temporal: the workflow (workflows/reinspection.go) keeps the clock, the
// service schedules, the store projects.
package reinspection

import (
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/slip"
)

// Status is where a re-inspection stands.
type Status string

// The statuses of a re-inspection.
const (
	StatusScheduled Status = "scheduled" // 待开始: waiting for its working days to pass
	StatusAssigned  Status = "assigned"  // 待检查: the inspector should visit
	StatusPassed    Status = "passed"    // 合格
	StatusFailed    Status = "failed"    // 不合格: a rework slip (重办) was opened
)

var statusLabels = map[Status]string{StatusScheduled: "待开始", StatusAssigned: "待检查", StatusPassed: "合格", StatusFailed: "不合格"}

// Label is the status in Chinese.
func (s Status) Label() string { return statusLabels[s] }

// Final reports whether the result is recorded.
func (s Status) Final() bool { return s == StatusPassed || s == StatusFailed }

// Scope says what a draw covers.
type Scope string

// The scopes of a draw.
const (
	ScopeSlip   Scope = "slip"   // one slip
	ScopeBatch  Scope = "batch"  // every signed-off slip of a batch (a meeting)
	ScopeSample Scope = "sample" // a seeded random N% of a batch's signed-off slips
)

// Valid reports whether s is a scope.
func (s Scope) Valid() bool { return s == ScopeSlip || s == ScopeBatch || s == ScopeSample }

// Escalation levels of an overdue re-inspection, as for slips: reminded
// (催办) on its due date, then supervised (督办), then named (通报).
const (
	LevelNone      = 0
	LevelUrge      = 1
	LevelSupervise = 2
	LevelNotice    = 3
)

// Reinspection is one slip's 回头看, as its workflow keeps it.
type Reinspection struct {
	ID             string `json:"id"`
	DrawID         string `json:"draw_id"`
	SlipID         string `json:"slip_id"`
	SlipNumber     string `json:"slip_number"`
	SlipTitle      string `json:"slip_title"`
	LeadDepartment string `json:"lead_department"`
	InspectorID    int64  `json:"inspector_id"`
	InspectorName  string `json:"inspector_name"`
	// ScheduledBy (and ScheduledByID) is the office user who scheduled it:
	// a rework slip is issued in their name.
	ScheduledBy   string `json:"scheduled_by"`
	ScheduledByID int64  `json:"scheduled_by_id"`
	// StartOn is the working day the visit opens (M working days after
	// sign-off), DueOn the day it is due; StartAt and DueAt are their
	// instants (09:00 Beijing), the workflow's timers.
	StartOn calendar.Date `json:"start_on"`
	DueOn   calendar.Date `json:"due_on"`
	StartAt time.Time     `json:"start_at"`
	DueAt   time.Time     `json:"due_at"`
	// RemindEvery is the time between escalations once overdue.
	RemindEvery time.Duration `json:"remind_every"`

	Status          Status     `json:"status"`
	EscalationLevel int        `json:"escalation_level"`
	Notes           string     `json:"notes,omitempty"`
	RecordedAt      *time.Time `json:"recorded_at,omitempty"`
	ReworkSlipID    string     `json:"rework_slip_id,omitempty"`
	// Seq counts the changes, so the ledger's projection only moves forward.
	Seq       int64     `json:"seq"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Record is an inspector's finding.
type Record struct {
	Passed *bool  `json:"passed"`
	Notes  string `json:"notes"`
	// InspectorID is who records it (stamped by the service).
	InspectorID int64 `json:"inspector_id"`
}

// MaxNotes bounds an inspector's notes.
const MaxNotes = 5000

// Validate checks a finding against a re-inspection: only its inspector,
// only once the visit is open and before a result is in, and 不合格 says
// what is wrong.
func (r Reinspection) Validate(rec Record) error {
	if rec.Passed == nil {
		return slip.Invalid("passed", "请注明回头看是否合格（passed: true/false）")
	}
	if len([]rune(rec.Notes)) > MaxNotes {
		return slip.Invalid("notes", "检查情况不超过 %d 字", MaxNotes)
	}
	if !*rec.Passed && strings.TrimSpace(rec.Notes) == "" {
		return slip.Invalid("notes", "回头看不合格须写明发现的问题")
	}
	if rec.InspectorID != r.InspectorID {
		return slip.NotFound("回头看", r.ID)
	}
	switch r.Status {
	case StatusScheduled:
		return &slip.Error{Kind: slip.KindConflict, Code: CodeNotStarted, Message: "回头看尚未开始（" + r.StartOn.String() + " 起可以检查）"}
	case StatusPassed, StatusFailed:
		return &slip.Error{Kind: slip.KindConflict, Code: CodeRecorded, Message: "回头看结果已记录（" + r.Status.Label() + "）"}
	}
	return nil
}

// Apply records a validated finding at instant at.
func (r *Reinspection) Apply(rec Record, at time.Time) {
	r.Status = StatusFailed
	if *rec.Passed {
		r.Status = StatusPassed
	}
	r.Notes = strings.TrimSpace(rec.Notes)
	r.RecordedAt = &at
	r.UpdatedAt = at
	r.Seq++
}

// Error codes of 回头看.
const (
	CodeNotStarted    = "reinspection_not_started" // 409: recorded before its start day
	CodeRecorded      = "reinspection_recorded"    // 409: a result is already in
	CodeSlipNotClosed = "slip_not_closed"          // 409: scheduled before 销号
	CodeEmptyDraw     = "reinspection_empty_draw"  // 422: the batch has no signed-off slip
)

// Sample draws percent % (rounded up, at least one) of ids, reproducibly:
// the same ids (in any order), percent and seed always give the same
// slips. The ids are sorted first, then shuffled by a PCG generator seeded
// with seed, and the first ones taken; the result is sorted.
func Sample(ids []string, percent int, seed uint64) []string {
	if len(ids) == 0 || percent <= 0 {
		return nil
	}
	pool := slices.Clone(ids)
	slices.Sort(pool)
	pool = slices.Compact(pool)
	n := (len(pool)*percent + 99) / 100
	if n > len(pool) {
		n = len(pool)
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9E3779B97F4A7C15))
	rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	out := pool[:n]
	slices.Sort(out)
	return out
}
