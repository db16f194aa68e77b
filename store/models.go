package store

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm/schema"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/slip"
)

// slipRow is a row of the slips table.
type slipRow struct {
	ID             string `gorm:"primaryKey"`
	Year           int
	Serial         int
	Number         string
	Title          string
	Content        string
	Source         string
	Batch          string
	Category       string
	Priority       string
	LeadDepartment string
	Leader         string
	LeaderUserID   *int64 // the 责任领导 as a user (migration 0080)
	Deadline       string
	IssuedAt       time.Time
	IssuedOn       string
	IssuedBy       string
	Status         string
	LastSeq        int64
	ReworkCount    int
	LatestProgress string
	AcknowledgedAt *time.Time
	ResolvedAt     *time.Time
	ResolvedOn     *string
	ClosedAt       *time.Time
	ClosedOn       *string
	CancelledAt    *time.Time
	UpdatedAt      time.Time `gorm:"autoUpdateTime:false"`

	EffectiveDeadline string
	// WorstDeadline is the earliest deadline of the slip's open work (its
	// own and each open co-unit's part): what 三色 and overdue go by.
	WorstDeadline string
	// WithoutParts marks a slip issued before parts existed (no
	// slip_tracks rows; migration 0090): a unit's ledger colours it whole.
	WithoutParts        bool
	DeadlineWorkingDays int
	Extensions          int
	PendingExtension    *string // JSON of slip.ExtensionRequest
	EscalationLevel     int
	AckReminded         bool
	LastReminderAt      *time.Time
	Policy              string // JSON of slip.ReminderPolicy

	// Facts the statistics read without walking the timeline; see
	// markEventFacts.
	AckLate          bool // an acknowledgement reminder went out before the slip was signed for
	Reviewed         bool // the slip went through re-inspection at least once
	CloseWorkingDays *int // working days from issue to sign-off, once closed

	MeetingID string // the meeting it was handed out at; "" for none
	ProblemID string // the problem it is a measure of; "" for none
	Grade     string // the office's grade at sign-off (slip.Grade)
	ReworkOf  string // the slip this one re-opens after a failed 回头看

	// units is the slip's departments, the lead first, as PostgreSQL's
	// slips.units column (migration 0100) holds them when the row was read
	// by slipScanner; nil otherwise (SQLite has no such column). It saves
	// withDepartments a query; slip_departments stays the authority.
	units []string `gorm:"-"`
}

func (slipRow) TableName() string { return "slips" }

// slipDepartmentRow assigns a slip to a department as lead or co-unit.
type slipDepartmentRow struct {
	SlipID         string `gorm:"primaryKey"`
	DepartmentCode string `gorm:"primaryKey"`
	Role           string
	Position       int
}

func (slipDepartmentRow) TableName() string { return "slip_departments" }

// eventRow is a row of the append-only timeline.
type eventRow struct {
	SlipID     string `gorm:"primaryKey"`
	Seq        int64  `gorm:"primaryKey"`
	Type       string
	Actor      string
	ActorID    *int64
	ActorRole  string
	RequestID  string
	OccurredAt time.Time
	FromStatus string
	ToStatus   string
	Payload    string
}

func (eventRow) TableName() string { return "events" }

// departmentRow is a responsible department (责任单位).
type departmentRow struct {
	Code       string `gorm:"primaryKey"`
	Name       string
	ParentCode *string
	CreatedAt  time.Time `gorm:"autoCreateTime:false"`
	// Kind, LeadUnitCode and LeaderUserID: a 专班's (migration 0080).
	Kind         string `gorm:"default:unit"`
	LeadUnitCode *string
	LeaderUserID *int64
}

func (departmentRow) TableName() string { return "departments" }

func dateOfPtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	d := calendar.DateOf(*t).String()
	return &d
}

// columnDate reads a date column (YYYY-MM-DD, or empty for none). The store
// writes these columns from Dates only, so a value that does not parse is
// not expected; it reads as no date rather than failing the whole page.
func columnDate(s string) calendar.Date {
	d, _ := calendar.ParseDate(s)
	return d
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// newSlipRow builds the row for a slip as the workflow sees it.
func newSlipRow(s slip.Slip, year, serial int, number string) slipRow {
	return slipRow{
		ID:             s.ID,
		Year:           year,
		Serial:         serial,
		Number:         number,
		Title:          s.Draft.Title,
		Content:        s.Draft.Content,
		Source:         s.Draft.Source,
		Batch:          s.Draft.Batch,
		Category:       s.Draft.Category,
		Priority:       string(s.Draft.Priority),
		LeadDepartment: s.Draft.LeadDepartment,
		Leader:         s.Draft.Leader,
		LeaderUserID:   idPtr(s.Draft.LeaderID),
		Deadline:       s.Draft.Deadline.String(),
		IssuedAt:       s.IssuedAt.UTC(),
		IssuedOn:       calendar.DateOf(s.IssuedAt).String(),
		IssuedBy:       s.IssuedBy,
		Status:         string(s.Status),
		LastSeq:        s.Seq,
		ReworkCount:    s.ReworkCount,
		LatestProgress: s.LatestProgress,
		AcknowledgedAt: utcPtr(s.AcknowledgedAt),
		ResolvedAt:     utcPtr(s.ResolvedAt),
		ResolvedOn:     dateOfPtr(s.ResolvedAt),
		ClosedAt:       utcPtr(s.ClosedAt),
		ClosedOn:       dateOfPtr(s.ClosedAt),
		CancelledAt:    utcPtr(s.CancelledAt),
		UpdatedAt:      s.UpdatedAt.UTC(),

		EffectiveDeadline:   s.EffectiveDeadline().String(),
		WorstDeadline:       s.WorstDeadline().String(),
		WithoutParts:        len(s.Tracks) == 0,
		DeadlineWorkingDays: s.Draft.DeadlineWorkingDays,
		Extensions:          s.Extensions,
		PendingExtension:    jsonPtr(s.PendingExtension),
		EscalationLevel:     s.EscalationLevel,
		AckReminded:         s.AckReminded,
		LastReminderAt:      utcPtr(s.LastReminderAt),
		Policy:              jsonText(s.Policy),
		MeetingID:           s.Draft.MeetingID,
		ProblemID:           s.Draft.ProblemID,
		Grade:               string(s.Grade),
		ReworkOf:            s.Draft.ReworkOf,
	}
}

// jsonPtr encodes v, or gives nil for a nil pointer.
func jsonPtr[T any](v *T) *string {
	if v == nil {
		return nil
	}
	s := jsonText(v)
	return &s
}

// jsonText encodes a value that always encodes (plain structs of strings,
// numbers and times).
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("encode %T: %v", v, err)) // unreachable for the types used here
	}
	return string(b)
}

// progressColumns are the columns an action may change, as Project writes them.
func (r slipRow) progressColumns() map[string]any {
	return map[string]any{
		"status":          r.Status,
		"last_seq":        r.LastSeq,
		"rework_count":    r.ReworkCount,
		"latest_progress": r.LatestProgress,
		"acknowledged_at": r.AcknowledgedAt,
		"resolved_at":     r.ResolvedAt,
		"resolved_on":     r.ResolvedOn,
		"closed_at":       r.ClosedAt,
		"closed_on":       r.ClosedOn,
		"cancelled_at":    r.CancelledAt,
		"updated_at":      r.UpdatedAt,

		"effective_deadline": r.EffectiveDeadline,
		"worst_deadline":     r.WorstDeadline,
		"extensions":         r.Extensions,
		"pending_extension":  r.PendingExtension,
		"escalation_level":   r.EscalationLevel,
		"ack_reminded":       r.AckReminded,
		"last_reminder_at":   r.LastReminderAt,
		"grade":              r.Grade,
	}
}

func inZone(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	z := t.In(calendar.Zone)
	return &z
}

// toSlip converts a row and its co-units (in order; the lead is the row's) to
// the domain record.
func (r slipRow) toSlip(co []string) slip.Slip {
	return slip.Slip{
		ID:     r.ID,
		Number: r.Number,
		Draft: slip.Draft{
			Title:          r.Title,
			Content:        r.Content,
			Source:         r.Source,
			Batch:          r.Batch,
			Category:       r.Category,
			Priority:       slip.Priority(r.Priority),
			LeadDepartment: r.LeadDepartment,
			CoDepartments:  co,
			Leader:         r.Leader,
			LeaderID:       derefID(r.LeaderUserID),
			Deadline:       columnDate(r.Deadline),

			DeadlineWorkingDays: r.DeadlineWorkingDays,
			MeetingID:           r.MeetingID,
			ProblemID:           r.ProblemID,
			ReworkOf:            r.ReworkOf,
		},
		Grade:          slip.Grade(r.Grade),
		IssuedAt:       r.IssuedAt.In(calendar.Zone),
		IssuedBy:       r.IssuedBy,
		Status:         slip.Status(r.Status),
		Seq:            r.LastSeq,
		ReworkCount:    r.ReworkCount,
		LatestProgress: r.LatestProgress,
		AcknowledgedAt: inZone(r.AcknowledgedAt),
		ResolvedAt:     inZone(r.ResolvedAt),
		ClosedAt:       inZone(r.ClosedAt),
		CancelledAt:    inZone(r.CancelledAt),
		UpdatedAt:      r.UpdatedAt.In(calendar.Zone),

		Deadline:         columnDate(r.EffectiveDeadline),
		Extensions:       r.Extensions,
		PendingExtension: r.pendingExtension(),
		Policy:           r.policy(),
		EscalationLevel:  r.EscalationLevel,
		AckReminded:      r.AckReminded,
		LastReminderAt:   inZone(r.LastReminderAt),
	}
}

func (r slipRow) pendingExtension() *slip.ExtensionRequest {
	if r.PendingExtension == nil {
		return nil
	}
	var e slip.ExtensionRequest
	if err := json.Unmarshal([]byte(*r.PendingExtension), &e); err != nil {
		return nil
	}
	return &e
}

func (r slipRow) policy() slip.ReminderPolicy {
	if p, ok := policies.Load(r.Policy); ok {
		return clonePolicy(p.(slip.ReminderPolicy))
	}
	var p slip.ReminderPolicy
	_ = json.Unmarshal([]byte(r.Policy), &p) // a row written before policies has '{}'
	if policiesHeld.Load() < maxHeldPolicies {
		if _, had := policies.LoadOrStore(r.Policy, p); !had {
			policiesHeld.Add(1)
		}
	}
	return clonePolicy(p)
}

// policies holds reminder policies decoded from their JSON. A ledger has a
// handful of distinct policies (the default, a few categories'), and
// decoding one for every row was a tenth of an export's CPU; the map is
// bounded by maxHeldPolicies, past which rows are decoded as they come.
var (
	policies     sync.Map // JSON text → slip.ReminderPolicy
	policiesHeld atomic.Int32
)

const maxHeldPolicies = 256

// clonePolicy copies p's slice, so that no two slips share one.
func clonePolicy(p slip.ReminderPolicy) slip.ReminderPolicy {
	p.BeforeDue = slices.Clone(p.BeforeDue)
	return p
}

func newEventRow(e slip.Event) (eventRow, error) {
	payload := []byte("{}")
	if len(e.Payload) > 0 {
		var err error
		if payload, err = json.Marshal(e.Payload); err != nil {
			return eventRow{}, fmt.Errorf("encode payload of event %d: %w", e.Seq, err)
		}
	}
	return eventRow{
		SlipID:     e.SlipID,
		Seq:        e.Seq,
		Type:       string(e.Type),
		Actor:      e.Actor,
		ActorID:    idPtr(e.ActorID),
		ActorRole:  string(e.ActorRole),
		RequestID:  e.RequestID,
		OccurredAt: e.At.UTC(),
		FromStatus: string(e.From),
		ToStatus:   string(e.To),
		Payload:    string(payload),
	}, nil
}

func (r eventRow) toEvent() (slip.Event, error) {
	var payload map[string]any
	if err := json.Unmarshal([]byte(r.Payload), &payload); err != nil {
		return slip.Event{}, fmt.Errorf("decode payload of event %s/%d: %w", r.SlipID, r.Seq, err)
	}
	if len(payload) == 0 {
		payload = nil
	}
	return slip.Event{
		SlipID:  r.SlipID,
		Seq:     r.Seq,
		Type:    slip.Action(r.Type),
		Actor:   r.Actor,
		ActorID: derefID(r.ActorID), ActorRole: slip.Role(r.ActorRole), RequestID: r.RequestID,
		At:      r.OccurredAt.In(calendar.Zone),
		From:    slip.Status(r.FromStatus),
		To:      slip.Status(r.ToStatus),
		Payload: payload,
	}, nil
}

func idPtr(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func derefID(id *int64) int64 {
	if id == nil {
		return 0
	}
	return *id
}

// withColumns is r with the columns in cols (by column name, values of the
// fields' own types) set, as an UPDATE of them leaves the row.
func (r slipRow) withColumns(ctx context.Context, cols map[string]any) (slipRow, error) {
	sch, err := slipSchema()
	if err != nil {
		return r, err
	}
	rv := reflect.ValueOf(&r).Elem()
	for col, v := range cols {
		f := sch.LookUpField(col)
		if f == nil {
			return r, fmt.Errorf("slips has no column %s", col)
		}
		if err := f.Set(ctx, rv, v); err != nil {
			return r, fmt.Errorf("set %s: %w", col, err)
		}
	}
	return r, nil
}

// changedColumns is cols without the columns r already holds the value of.
// An UPDATE rewrites the index entries of every column it sets, changed or
// not: the slips table has a score of indexes over status and deadlines,
// and most actions change one or two of the columns an action may set.
func (r slipRow) changedColumns(ctx context.Context, cols map[string]any) (map[string]any, error) {
	sch, err := slipSchema()
	if err != nil {
		return nil, err
	}
	rv := reflect.ValueOf(r)
	out := make(map[string]any, len(cols))
	for col, v := range cols {
		f := sch.LookUpField(col)
		if f == nil {
			return nil, fmt.Errorf("slips has no column %s", col)
		}
		held, _ := f.ValueOf(ctx, rv)
		if !sameValue(held, v) {
			out[col] = v
		}
	}
	return out, nil
}

// sameValue reports whether a and b, values of a slipRow field's type or
// a pointer to it, are equal; times by instant. Unsure is different.
func sameValue(a, b any) bool {
	// A nil pointer indirects to the invalid Value, as nil itself is.
	av, bv := reflect.Indirect(reflect.ValueOf(a)), reflect.Indirect(reflect.ValueOf(b))
	if !av.IsValid() || !bv.IsValid() {
		return av.IsValid() == bv.IsValid()
	}
	if av.Type() != bv.Type() {
		return false
	}
	if at, ok := av.Interface().(time.Time); ok {
		return at.Equal(bv.Interface().(time.Time))
	}
	if !av.Type().Comparable() {
		return false
	}
	return av.Interface() == bv.Interface()
}

// slipSchema is GORM's schema of slipRow, its columns by name, parsed once
// with the naming the store's GORM uses (the default): a projection asks
// for it twice, and parsing through a new gorm.Statement each time
// allocated one.
func slipSchema() (*schema.Schema, error) {
	return parsedSlipSchema()
}

var parsedSlipSchema = sync.OnceValues(func() (*schema.Schema, error) {
	sch, err := schema.Parse(&slipRow{}, &sync.Map{}, schema.NamingStrategy{})
	if err != nil {
		return nil, fmt.Errorf("slips schema: %w", err)
	}
	return sch, nil
})

// slipColumnNames are the columns of slips that slipRow holds, in its
// order.
func slipColumnNames() []string {
	sch, err := slipSchema()
	if err != nil {
		panic(err) // slipRow is this package's own type: a bug
	}
	return sch.DBNames
}
