package service

import (
	"context"

	"github.com/google/uuid"

	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/meeting"
	"github.com/duban-gov/duban/slip"
)

// Meetings records meetings and imports their tables; the slips it issues
// go through Slips.IssueBatch.
type Meetings struct {
	slips *Slips
}

// NewMeetings builds the meetings service on the slips service.
func NewMeetings(s *Slips) *Meetings { return &Meetings{slips: s} }

// Create records a meeting. Only the office does.
func (m *Meetings) Create(ctx context.Context, user identity.User, mt meeting.Meeting) (meeting.Meeting, error) {
	if user.Role != slip.RoleOffice {
		return meeting.Meeting{}, slip.Forbidden("只有督查室可以登记会议")
	}
	mt.Normalize()
	if err := mt.Validate(); err != nil {
		return meeting.Meeting{}, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return meeting.Meeting{}, err
	}
	mt.ID, mt.CreatedBy, mt.CreatedAt = id.String(), user.Name, m.slips.now()
	return m.slips.store.CreateMeeting(ctx, mt)
}
