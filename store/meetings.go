package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/meeting"
	"github.com/duban-gov/duban/slip"
)

// meetingRow is a row of meetings.
type meetingRow struct {
	ID        string `gorm:"primaryKey"`
	Kind      string
	Title     string
	HeldOn    string
	Chair     string
	Place     string
	Attendees string // JSON array
	Minutes   string
	CreatedBy string
	CreatedAt time.Time `gorm:"autoCreateTime:false"`
}

func (meetingRow) TableName() string { return "meetings" }

func (r meetingRow) toMeeting() meeting.Meeting {
	var att []string
	_ = json.Unmarshal([]byte(r.Attendees), &att)
	if att == nil {
		att = []string{}
	}
	return meeting.Meeting{ID: r.ID, Kind: meeting.Kind(r.Kind), Title: r.Title, Date: columnDate(r.HeldOn), Chair: r.Chair, Place: r.Place,
		Attendees: att, Minutes: r.Minutes, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.In(calendar.Zone)}
}

// CreateMeeting records a meeting.
func (s *Store) CreateMeeting(ctx context.Context, m meeting.Meeting) (meeting.Meeting, error) {
	row := meetingRow{ID: m.ID, Kind: string(m.Kind), Title: m.Title, HeldOn: m.Date.String(), Chair: m.Chair, Place: m.Place,
		Attendees: jsonText(m.Attendees), Minutes: m.Minutes, CreatedBy: m.CreatedBy, CreatedAt: m.CreatedAt.UTC()}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		if duplicateKey(err) {
			return meeting.Meeting{}, &slip.Error{Kind: slip.KindConflict, Code: slip.CodeDuplicate, Message: "会议已存在"}
		}
		return meeting.Meeting{}, fmt.Errorf("create meeting: %w", err)
	}
	return row.toMeeting(), nil
}

// GetMeeting returns one meeting, or a not-found error.
func (s *Store) GetMeeting(ctx context.Context, id string) (meeting.Meeting, error) {
	var row meetingRow
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return meeting.Meeting{}, slip.NotFound("会议", id)
	}
	if err != nil {
		return meeting.Meeting{}, fmt.Errorf("get meeting %s: %w", id, err)
	}
	return row.toMeeting(), nil
}

// MeetingListing is a meeting with the counts of its slips.
type MeetingListing struct {
	Meeting meeting.Meeting
	Counts  meeting.Counts
}

// ListMeetings returns the newest meetings first (at most limit), each with
// the counts of the slips issued at it.
func (s *Store) ListMeetings(ctx context.Context, limit int) ([]MeetingListing, error) {
	var rows []meetingRow
	if err := s.db.WithContext(ctx).Order("held_on DESC, created_at DESC, id").Limit(limit).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list meetings: %w", err)
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	counts, err := s.countBy(ctx, "meeting_id", s.db.Where("meeting_id IN ?", ids))
	if err != nil {
		return nil, err
	}
	out := make([]MeetingListing, len(rows))
	for i, r := range rows {
		out[i] = MeetingListing{Meeting: r.toMeeting(), Counts: counts[r.ID]}
	}
	return out, nil
}

// SlipSet names a set of slips to count: a meeting's, or a problem's
// measures.
type SlipSet struct {
	Meeting string
	Problem string
	// Today and YellowBy date the 三色 counts (see Filter).
	Today, YellowBy string
}

// CountSlips counts the slips of a set by outcome and by 三色.
func (s *Store) CountSlips(ctx context.Context, set SlipSet) (meeting.Counts, error) {
	scope := func() *gorm.DB {
		q := s.db.WithContext(ctx).Model(&slipRow{})
		if set.Meeting != "" {
			q = q.Where("meeting_id = ?", set.Meeting)
		}
		if set.Problem != "" {
			q = q.Where("problem_id = ?", set.Problem)
		}
		return q
	}
	byKey, err := s.countBy(ctx, "", scope())
	if err != nil {
		return meeting.Counts{}, err
	}
	c := byKey[""]
	for name, cond := range colourConditions(slipsColourColumn, set.Today, set.YellowBy) {
		var n int64
		if err := scope().Where(cond.sql, cond.args...).Count(&n).Error; err != nil {
			return meeting.Counts{}, fmt.Errorf("count %s slips: %w", name, err)
		}
		switch name {
		case "red":
			c.Red = n
		case "yellow":
			c.Yellow = n
		case "green":
			c.Green = n
		}
	}
	return c, nil
}

// countBy counts the slips of scope by key (a column; "" for one total) and status.
func (s *Store) countBy(ctx context.Context, key string, scope *gorm.DB) (map[string]meeting.Counts, error) {
	var rows []struct {
		Key    string
		Status string
		N      int64
	}
	sel, group := "'' AS key, status, COUNT(*) AS n", "status"
	if key != "" {
		sel, group = key+" AS key, status, COUNT(*) AS n", key+", status"
	}
	err := scope.WithContext(ctx).Model(&slipRow{}).Select(sel).Group(group).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("count slips by %s: %w", key, err)
	}
	out := map[string]meeting.Counts{}
	for _, r := range rows {
		c := out[r.Key]
		c.Assigned += r.N
		switch st := slip.Status(r.Status); {
		case st == slip.StatusClosed:
			c.Closed += r.N
		case st == slip.StatusCancelled:
			c.Cancelled += r.N
		case st.Open():
			c.Open += r.N
		}
		out[r.Key] = c
	}
	return out, nil
}

// problemRow is a row of problems.
type problemRow struct {
	ID         string `gorm:"primaryKey"`
	MeetingID  string
	Title      string
	Position   int
	AcceptedAt *time.Time
	AcceptedBy string
	CreatedAt  time.Time `gorm:"autoCreateTime:false"`
}

func (problemRow) TableName() string { return "problems" }

// Problem is a problem (问题) of a meeting's list with its measures' counts.
type Problem struct {
	ID         string         `json:"id"`
	MeetingID  string         `json:"meeting_id"`
	Title      string         `json:"title"`
	Position   int            `json:"position"`
	AcceptedAt *time.Time     `json:"accepted_at"`
	AcceptedBy string         `json:"accepted_by,omitempty"`
	Measures   meeting.Counts `json:"measures"`
}

// Status is where the problem stands.
func (p Problem) Status() meeting.ProblemStatus {
	return meeting.StatusOf(p.Measures, p.AcceptedAt != nil)
}

func (r problemRow) toProblem(c meeting.Counts) Problem {
	return Problem{ID: r.ID, MeetingID: r.MeetingID, Title: r.Title, Position: r.Position, AcceptedAt: inZone(r.AcceptedAt),
		AcceptedBy: r.AcceptedBy, Measures: c}
}

// AddProblems records problems unless they are recorded already (by id):
// importing the same list twice makes each problem once.
func (s *Store) AddProblems(ctx context.Context, ps []Problem) error {
	if len(ps) == 0 {
		return nil
	}
	rows := make([]problemRow, len(ps))
	now := time.Now().UTC()
	for i, p := range ps {
		rows[i] = problemRow{ID: p.ID, MeetingID: p.MeetingID, Title: p.Title, Position: p.Position, CreatedAt: now}
	}
	if err := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(&rows, 200).Error; err != nil {
		return fmt.Errorf("add problems: %w", err)
	}
	return nil
}

// ListProblems returns a meeting's problems in list order with the counts
// of their measures.
func (s *Store) ListProblems(ctx context.Context, meetingID string) ([]Problem, error) {
	var rows []problemRow
	if err := s.db.WithContext(ctx).Where("meeting_id = ?", meetingID).Order("position, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list problems of %s: %w", meetingID, err)
	}
	counts, err := s.countBy(ctx, "problem_id", s.db.Where("meeting_id = ? AND problem_id <> ''", meetingID))
	if err != nil {
		return nil, err
	}
	out := make([]Problem, len(rows))
	for i, r := range rows {
		out[i] = r.toProblem(counts[r.ID])
	}
	return out, nil
}

// GetProblem returns one problem with its measures' counts.
func (s *Store) GetProblem(ctx context.Context, id string) (Problem, error) {
	var row problemRow
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Problem{}, slip.NotFound("问题", id)
	}
	if err != nil {
		return Problem{}, fmt.Errorf("get problem %s: %w", id, err)
	}
	counts, err := s.countBy(ctx, "problem_id", s.db.Where("problem_id = ?", id))
	if err != nil {
		return Problem{}, err
	}
	return row.toProblem(counts[id]), nil
}

// AcceptProblem marks a problem closed (销号) by the office, once: check
// comes from the domain (meeting.CanAccept) on the counts read in the same
// transaction, so a measure reopened meanwhile cannot slip through.
func (s *Store) AcceptProblem(ctx context.Context, id, by string, at time.Time) (Problem, error) {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var row problemRow
		err := tx.Where("id = ?", id).Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return slip.NotFound("问题", id)
		}
		if err != nil {
			return err
		}
		counts, err := s.countBy(ctx, "problem_id", tx.Where("problem_id = ?", id))
		if err != nil {
			return err
		}
		if err := meeting.CanAccept(counts[id], row.AcceptedAt != nil); err != nil {
			return err
		}
		at := at.UTC()
		res := tx.Model(&problemRow{}).Where("id = ? AND accepted_at IS NULL", id).Updates(map[string]any{"accepted_at": at, "accepted_by": by})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return meeting.CanAccept(counts[id], true)
		}
		return nil
	})
	if err != nil {
		if de := slip.AsError(err); de != nil {
			return Problem{}, de
		}
		return Problem{}, fmt.Errorf("accept problem %s: %w", id, err)
	}
	return s.GetProblem(ctx, id)
}
