package slip

import (
	"fmt"
	"time"

	"github.com/duban-gov/duban/calendar"
)

// ReminderPolicy says when a slip's reminders and escalations fire, in
// working days (工作日). Each fires at FireAt (HH:MM, Beijing time) on the
// working day it falls on. The zero value means "use the defaults"; see
// DefaultReminderPolicy.
type ReminderPolicy struct {
	// AckAfter: 未签收提醒 on the AckAfter-th working day after the issue
	// date, if the lead department has not acknowledged by then. 0: never.
	AckAfter int `json:"ack_after"`
	// BeforeDue: 到期提醒 (叮) this many working days before the deadline;
	// 0 means the morning of the due day itself.
	BeforeDue []int `json:"before_due"`
	// Urge, Supervise, PublicNotice: working days after the deadline for
	// 催办 (level 1, to the department), 督办 (level 2, to the responsible
	// leader) and 通报 (level 3, on the public overdue list).
	Urge         int `json:"urge"`
	Supervise    int `json:"supervise"`
	PublicNotice int `json:"public_notice"`
	// RepeatEvery: after 通报, repeat it every RepeatEvery working days
	// until the department reports resolution (钉住不放).
	RepeatEvery int `json:"repeat_every"`
	// FireAt is the local time of day reminders fire, "09:00" by default.
	FireAt string `json:"fire_at"`
}

// DefaultReminderPolicy is the policy a slip gets when neither its category
// nor the slip itself says otherwise.
func DefaultReminderPolicy() ReminderPolicy {
	return ReminderPolicy{
		AckAfter:     1,
		BeforeDue:    []int{3, 1, 0},
		Urge:         1,
		Supervise:    3,
		PublicNotice: 5,
		RepeatEvery:  5,
		FireAt:       "09:00",
	}
}

// IsZero reports whether p is unset.
func (p ReminderPolicy) IsZero() bool {
	return p.AckAfter == 0 && len(p.BeforeDue) == 0 && p.Urge == 0 && p.Supervise == 0 &&
		p.PublicNotice == 0 && p.RepeatEvery == 0 && p.FireAt == ""
}

// maxPolicyDays bounds every offset in a policy.
const maxPolicyDays = 60

// Validate checks that the offsets are sane and the escalations come in order.
func (p ReminderPolicy) Validate() error {
	check := func(field string, v int) error {
		if v < 0 || v > maxPolicyDays {
			return Invalid("reminder_policy."+field, "须在 0 到 %d 个工作日之间，收到 %d", maxPolicyDays, v)
		}
		return nil
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"ack_after", p.AckAfter}, {"urge", p.Urge}, {"supervise", p.Supervise}, {"public_notice", p.PublicNotice}, {"repeat_every", p.RepeatEvery}} {
		if err := check(f.name, f.v); err != nil {
			return err
		}
	}
	if len(p.BeforeDue) > 10 {
		return Invalid("reminder_policy.before_due", "到期提醒最多 10 次")
	}
	for _, v := range p.BeforeDue {
		if err := check("before_due", v); err != nil {
			return err
		}
	}
	if p.Urge < 1 || p.Supervise <= p.Urge || p.PublicNotice <= p.Supervise {
		return Invalid("reminder_policy", "逾期后须依次催办、督办、通报：1 ≤ urge < supervise < public_notice")
	}
	if p.RepeatEvery < 1 {
		return Invalid("reminder_policy.repeat_every", "通报后重复间隔至少 1 个工作日")
	}
	if _, _, err := p.FireTime(); err != nil {
		return err
	}
	return nil
}

// FireTime returns the hour and minute of FireAt.
func (p ReminderPolicy) FireTime() (hour, minute int, err error) {
	t, err := time.Parse("15:04", p.FireAt)
	if err != nil {
		return 0, 0, Invalid("reminder_policy.fire_at", "提醒时间格式应为 HH:MM，收到 %q", p.FireAt)
	}
	return t.Hour(), t.Minute(), nil
}

// Escalation levels reached by an overdue slip (督办等级).
const (
	LevelNone         = 0
	LevelUrge         = 1 // 催办
	LevelSupervise    = 2 // 督办
	LevelPublicNotice = 3 // 通报
)

// LevelLabel names an escalation level in Chinese.
func LevelLabel(level int) string {
	switch level {
	case LevelUrge:
		return "催办"
	case LevelSupervise:
		return "督办"
	case LevelPublicNotice:
		return "通报"
	}
	return ""
}

// Reminder is one planned reminder or escalation of a slip.
type Reminder struct {
	At    time.Time `json:"at"`
	Kind  Action    `json:"kind"`  // one of the Event* system actions
	Level int       `json:"level"` // escalation level it raises the slip to (0 for reminders)
	// DaysOffset is the policy offset in working days that produced it
	// (before the deadline for due reminders, after it for escalations).
	DaysOffset int `json:"days_offset"`
	// Estimated is set when a year on the way had no holiday data and the
	// date was counted with weekends only.
	Estimated bool `json:"estimated,omitempty"`
}

// String is for logs.
func (r Reminder) String() string {
	return fmt.Sprintf("%s@%s", r.Kind, r.At.In(calendar.Zone).Format("2006-01-02 15:04"))
}
