package reminder

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/duban-gov/duban/slip"
)

// Policies are the reminder policies in force: a default, and overrides per
// slip category. A slip's own policy, when it has one, wins over both.
type Policies struct {
	Default    slip.ReminderPolicy            `json:"default"`
	Categories map[string]slip.ReminderPolicy `json:"categories"`
}

// DefaultPolicies uses slip.DefaultReminderPolicy for every category.
func DefaultPolicies() Policies {
	return Policies{Default: slip.DefaultReminderPolicy()}
}

// LoadPolicies reads policies from a JSON file shaped like Policies, e.g.
//
//	{"default": {"ack_after": 1, "before_due": [3, 1, 0], "urge": 1, "supervise": 3,
//	             "public_notice": 5, "repeat_every": 5, "fire_at": "09:00"},
//	 "categories": {"信访积案": {"ack_after": 1, "before_due": [5, 2, 0], "urge": 1,
//	             "supervise": 2, "public_notice": 3, "repeat_every": 3, "fire_at": "08:30"}}}
//
// A missing "default" means slip.DefaultReminderPolicy. Every policy is validated.
func LoadPolicies(path string) (Policies, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return Policies{}, fmt.Errorf("read reminder policies: %w", err)
	}
	var p Policies
	if err := json.Unmarshal(raw, &p); err != nil {
		return Policies{}, fmt.Errorf("parse reminder policies %s: %w", path, err)
	}
	if p.Default.IsZero() {
		p.Default = slip.DefaultReminderPolicy()
	}
	if err := p.Default.Validate(); err != nil {
		return Policies{}, fmt.Errorf("reminder policies %s: default: %w", path, err)
	}
	for name, c := range p.Categories {
		if err := c.Validate(); err != nil {
			return Policies{}, fmt.Errorf("reminder policies %s: category %q: %w", path, name, err)
		}
	}
	return p, nil
}

// For returns the policy of a draft: its own, else its category's, else the default.
func (p Policies) For(d slip.Draft) slip.ReminderPolicy {
	if d.ReminderPolicy != nil {
		return *d.ReminderPolicy
	}
	if c, ok := p.Categories[d.Category]; ok {
		return c
	}
	if p.Default.IsZero() {
		return slip.DefaultReminderPolicy()
	}
	return p.Default
}
