// Package project is the domain of 重点项目/重点工作 under 销号制: a project
// with an owner unit, a responsible leader, a batch, key figures and
// milestones (节点) planned backwards from its end date by its category's
// template; each milestone's clock, the project's 三色, acceptance and
// sign-off. No database and no Temporal: workflows/project.go runs the
// clock, store/projects.go keeps the projection, service/project.go checks
// what needs the store.
package project

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/reminder"
	"github.com/duban-gov/duban/slip"
)

// Error codes of projects (beside slip's shared ones).
const (
	CodeTemplateCycle     = "template_cycle"      // a template's dependencies form a cycle
	CodeTemplateInvalid   = "template_invalid"    // a template that cannot plan
	CodeUnknownCategory   = "unknown_category"    // no such project category
	CodeUnknownLeader     = "unknown_leader"      // not a user with the leader role
	CodeMilestoneAfterEnd = "milestone_after_end" // a milestone planned after the project's end
	CodeMilestoneOrder    = "milestone_order"     // planned dates against the template's order
	CodeNotMember         = "owner_not_member"    // a milestone's unit outside the owner 专班
	CodeAttribute         = "invalid_attribute"   // a key figure missing or of the wrong type
	CodeAlreadyAccepted   = "milestone_accepted"  // accepting a milestone twice
	CodeMilestoneState    = "milestone_state"     // an action the milestone's status does not allow
	CodeNotReady          = "project_not_ready"   // sign-off with milestones not accepted
	CodeProjectClosed     = "project_closed"      // anything after 销号
)

// Status is where a project stands.
type Status string

// A project is in progress until the office signs it off (销号).
const (
	StatusActive    Status = "active"
	StatusSignedOff Status = "signed_off"
)

// Label is the status in Chinese.
func (s Status) Label() string {
	if s == StatusSignedOff {
		return "已销号"
	}
	return "推进中"
}

// MilestoneStatus is where a milestone stands: open until its unit reports
// it met (with the actual date and evidence), then accepted by the office.
type MilestoneStatus string

// The milestone statuses.
const (
	MilestoneOpen     MilestoneStatus = "open"
	MilestoneMet      MilestoneStatus = "met"
	MilestoneAccepted MilestoneStatus = "accepted"
)

// Label is the milestone status in Chinese.
func (s MilestoneStatus) Label() string {
	switch s {
	case MilestoneMet:
		return "已完成待验收"
	case MilestoneAccepted:
		return "已验收"
	}
	return "推进中"
}

// Extension is a milestone's pending request for a later date.
type Extension struct {
	Date        calendar.Date `json:"date"`
	Reason      string        `json:"reason"`
	RequestedBy string        `json:"requested_by"`
	RequestedAt time.Time     `json:"requested_at"`
}

// Milestone is one node (节点) of a project.
type Milestone struct {
	Key       string        `json:"key"`
	Name      string        `json:"name"`
	OwnerUnit string        `json:"owner_unit"`
	Planned   calendar.Date `json:"planned"`
	// Due is the date the clock runs to: Planned, or an approved extension.
	Due      calendar.Date   `json:"due"`
	Actual   calendar.Date   `json:"actual"`
	Status   MilestoneStatus `json:"status"`
	Evidence []string        `json:"evidence"`
	// EscalationLevel is the highest of 催办 (1), 督办 (2), 通报 (3) reached
	// since the last due date was set.
	EscalationLevel  int        `json:"escalation_level"`
	Extensions       int        `json:"extensions"`
	PendingExtension *Extension `json:"pending_extension,omitempty"`
	AcceptedAt       *time.Time `json:"accepted_at,omitempty"`
	AcceptedBy       string     `json:"accepted_by,omitempty"`
	// Slips are the slips spawned to clear an obstacle (交办), by id.
	Slips []string `json:"slips,omitempty"`
}

// Done reports whether the milestone's clock has stopped (met or accepted).
func (m Milestone) Done() bool { return m.Status != MilestoneOpen }

// Project is a 重点项目 as the workflow keeps it.
type Project struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Category   string `json:"category"`
	Batch      string `json:"batch"`
	OwnerUnit  string `json:"owner_unit"`
	LeaderID   int64  `json:"leader_id"`
	LeaderName string `json:"leader_name"`
	// Investment is the total investment in 万元, in hundredths (12.34 万元
	// is 1234): money is never a float.
	Investment int64             `json:"investment"`
	Attributes map[string]string `json:"attributes"`
	EndDate    calendar.Date     `json:"end_date"`
	Milestones []Milestone       `json:"milestones"`
	Status     Status            `json:"status"`
	CreatedAt  time.Time         `json:"created_at"`
	CreatedBy  string            `json:"created_by"`
	// SignedOffAt is set at 销号.
	SignedOffAt *time.Time `json:"signed_off_at,omitempty"`
	// Policy is the reminder ladder the milestones' clocks run on, fixed at
	// creation like a slip's.
	Policy slip.ReminderPolicy `json:"policy"`
	// Seq numbers the project's events 1…n.
	Seq int64 `json:"seq"`
}

// Milestone returns a pointer to the milestone with key, or nil.
func (p *Project) Milestone(key string) *Milestone {
	for i := range p.Milestones {
		if p.Milestones[i].Key == key {
			return &p.Milestones[i]
		}
	}
	return nil
}

// Units are the units a project concerns: its owner and every milestone's.
func (p Project) Units() []string {
	out := []string{p.OwnerUnit}
	for _, m := range p.Milestones {
		if !slices.Contains(out, m.OwnerUnit) {
			out = append(out, m.OwnerUnit)
		}
	}
	return out
}

// Started reports whether work has begun (已开工): a milestone has been met.
func (p Project) Started() bool {
	for _, m := range p.Milestones {
		if !m.Actual.IsZero() {
			return true
		}
	}
	return false
}

// WorstDue is the earliest due date of an open milestone (zero when none is
// open): the project's 三色 follows it.
func (p Project) WorstDue() calendar.Date {
	var worst calendar.Date
	for _, m := range p.Milestones {
		if m.Status == MilestoneOpen && (worst.IsZero() || m.Due.Before(worst)) {
			worst = m.Due
		}
	}
	return worst
}

// ColourOf is a milestone's 三色 on date today: red once its due date has
// passed while it is open (a missed milestone stays red until it is met),
// yellow when due by yellowBy, green otherwise; none when done.
func ColourOf(m Milestone, today, yellowBy calendar.Date) reminder.Colour {
	switch {
	case m.Done():
		return reminder.None
	case m.Due.Before(today):
		return reminder.Red
	case !m.Due.After(yellowBy):
		return reminder.Yellow
	}
	return reminder.Green
}

// Colour is the project's 三色: its worst open milestone's; none once signed
// off, green when every milestone is met and the sign-off is pending.
func (p Project) Colour(today, yellowBy calendar.Date) reminder.Colour {
	if p.Status == StatusSignedOff {
		return reminder.None
	}
	worst := reminder.Green
	for _, m := range p.Milestones {
		if c := ColourOf(m, today, yellowBy); c.Severity() > worst.Severity() {
			worst = c
		}
	}
	return worst
}

// MilestoneDraft is a milestone as the office plans it.
type MilestoneDraft struct {
	Key       string        `json:"key"`
	OwnerUnit string        `json:"owner_unit"`
	Planned   calendar.Date `json:"planned"`
}

// Draft is what the office fills in to create a project. Leaving
// Milestones empty takes every template node with its date planned
// backwards from EndDate.
type Draft struct {
	Name       string            `json:"name"`
	Category   string            `json:"category"`
	Batch      string            `json:"batch"`
	OwnerUnit  string            `json:"owner_unit"`
	LeaderID   int64             `json:"leader_id"`
	Investment int64             `json:"investment"`
	Attributes map[string]string `json:"attributes"`
	EndDate    calendar.Date     `json:"end_date"`
	Milestones []MilestoneDraft  `json:"milestones"`
}

// Normalize trims the draft's text and fills each milestone's unit with the
// project's owner when it names none.
func (d *Draft) Normalize() {
	for _, s := range []*string{&d.Name, &d.Category, &d.Batch, &d.OwnerUnit} {
		*s = strings.TrimSpace(*s)
	}
	for i := range d.Milestones {
		m := &d.Milestones[i]
		m.Key, m.OwnerUnit = strings.TrimSpace(m.Key), strings.TrimSpace(m.OwnerUnit)
		if m.OwnerUnit == "" {
			m.OwnerUnit = d.OwnerUnit
		}
	}
}

// Build checks the draft against its category and returns the project's
// milestones: keys from the template in its order, every planned date on or
// before the end date, planned dates following the template's order and
// dependencies, and the category's attributes present and well typed.
// Whether units and the leader exist is the service's to check.
func (d Draft) Build(c Category) ([]Milestone, error) {
	switch {
	case d.Name == "" || len([]rune(d.Name)) > slip.MaxTitle:
		return nil, slip.Invalid("name", "项目名称不能为空，且不超过 %d 个字", slip.MaxTitle)
	case len([]rune(d.Batch)) > slip.MaxShortText:
		return nil, slip.Invalid("batch", "批次不超过 %d 个字", slip.MaxShortText)
	case d.OwnerUnit == "":
		return nil, slip.Invalid("owner_unit", "须指定责任单位（或专班）")
	case d.LeaderID <= 0:
		return nil, slip.Invalid("leader_id", "须指定责任领导")
	case d.Investment < 0:
		return nil, slip.Invalid("investment", "投资额不能为负数")
	case d.EndDate.IsZero():
		return nil, slip.Invalid("end_date", "须给出项目的完成日期")
	case len(d.Milestones) == 0:
		return nil, slip.Invalid("milestones", "须至少有一个节点")
	}
	if err := checkAttributes(c, d.Attributes); err != nil {
		return nil, err
	}
	order := map[string]int{}
	for i, n := range c.Nodes {
		order[n.Key] = i
	}
	out := make([]Milestone, 0, len(d.Milestones))
	planned := map[string]calendar.Date{}
	for i, md := range d.Milestones {
		field := "milestones[" + strconv.Itoa(i) + "]"
		pos, ok := order[md.Key]
		if !ok {
			return nil, slip.Unprocessable(CodeMilestoneOrder, field, "类别“%s”没有节点 %s", c.Name, md.Key)
		}
		node := c.Nodes[pos]
		if md.Planned.IsZero() {
			return nil, slip.Invalid(field+".planned", "节点“%s”缺少计划日期", node.Name)
		}
		if md.Planned.After(d.EndDate) {
			return nil, slip.Unprocessable(CodeMilestoneAfterEnd, field+".planned", "节点“%s”的计划日期 %s 晚于项目完成日期 %s", node.Name, md.Planned, d.EndDate)
		}
		if i > 0 {
			prev := out[i-1]
			if order[prev.Key] >= pos {
				return nil, slip.Unprocessable(CodeMilestoneOrder, field, "节点须按模板顺序排列且不重复：“%s”不能排在“%s”之后", node.Name, prev.Name)
			}
			if md.Planned.Before(prev.Planned) {
				return nil, slip.Unprocessable(CodeMilestoneOrder, field+".planned", "节点“%s”的计划日期 %s 早于前一节点“%s”的 %s", node.Name, md.Planned, prev.Name, prev.Planned)
			}
		}
		for _, dep := range node.DependsOn {
			if dd, ok := planned[dep]; ok && md.Planned.Before(dd) {
				depNode, _ := c.Node(dep)
				return nil, slip.Unprocessable(CodeMilestoneOrder, field+".planned", "节点“%s”依赖“%s”，计划日期不能早于 %s", node.Name, depNode.Name, dd)
			}
		}
		planned[md.Key] = md.Planned
		out = append(out, Milestone{Key: md.Key, Name: node.Name, OwnerUnit: md.OwnerUnit, Planned: md.Planned, Due: md.Planned,
			Status: MilestoneOpen, Evidence: []string{}})
	}
	return out, nil
}

// checkAttributes checks a project's key figures against its category.
func checkAttributes(c Category, attrs map[string]string) error {
	defs := map[string]Attribute{}
	for _, a := range c.Attributes {
		defs[a.Name] = a
		v := strings.TrimSpace(attrs[a.Name])
		if v == "" {
			if a.Required {
				return slip.Unprocessable(CodeAttribute, "attributes", "类别“%s”要求填写“%s”", c.Name, a.Name)
			}
			continue
		}
		switch a.Type {
		case AttrNumber:
			if _, err := strconv.ParseFloat(v, 64); err != nil {
				return slip.Unprocessable(CodeAttribute, "attributes", "“%s”须为数字，收到 %q", a.Name, v)
			}
		case AttrDate:
			if _, err := calendar.ParseDate(v); err != nil {
				return slip.Unprocessable(CodeAttribute, "attributes", "“%s”须为日期（YYYY-MM-DD），收到 %q", a.Name, v)
			}
		}
	}
	for name := range attrs {
		if _, ok := defs[name]; !ok {
			return slip.Unprocessable(CodeAttribute, "attributes", "类别“%s”没有属性“%s”", c.Name, name)
		}
	}
	return nil
}
