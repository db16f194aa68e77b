// Package meeting is where supervision work is born: a meeting (晒比会,
// 新春第一会, 擂台 …) at which slips are handed out on the spot (现场交办), the
// problems (问题) of its list with their measures (措施), and the 督查 visits
// planned so that a unit is visited at most once for the same matters
// (最多督一次). It holds the rules and the arithmetic; storage is in store,
// issuing in service.
package meeting

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/slip"
)

// Kind is what sort of meeting it was.
type Kind string

// The kinds of meeting supervision work is born at.
const (
	KindShowcase Kind = "showcase"   // 晒比会: each lead reports, tasks handed out on the spot
	KindNewYear  Kind = "new_year"   // 新春第一会
	KindArena    Kind = "arena"      // 擂台
	KindTopic    Kind = "topic"      // 专题会
	KindVisit    Kind = "inspection" // 督查走访
	KindResearch Kind = "research"   // 调研
	MaxAttendees      = 200
	MaxMinutes        = slip.MaxLongText
)

var kindLabels = map[Kind]string{
	KindShowcase: "晒比会", KindNewYear: "新春第一会", KindArena: "擂台", KindTopic: "专题会",
	KindVisit: "督查走访", KindResearch: "调研",
}

// Kinds lists every kind in the order a form offers them.
func Kinds() []Kind {
	return []Kind{KindShowcase, KindNewYear, KindArena, KindTopic, KindVisit, KindResearch}
}

// Label is the kind in Chinese.
func (k Kind) Label() string {
	if l, ok := kindLabels[k]; ok {
		return l
	}
	return string(k)
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { _, ok := kindLabels[k]; return ok }

// Meeting is one meeting and what was said there.
type Meeting struct {
	ID        string        `json:"id"`
	Kind      Kind          `json:"kind"`
	Title     string        `json:"title"`
	Date      calendar.Date `json:"date"` // Beijing time
	Chair     string        `json:"chair"`
	Place     string        `json:"place"`
	Attendees []string      `json:"attendees"`
	Minutes   string        `json:"minutes"`
	CreatedBy string        `json:"created_by"`
	CreatedAt time.Time     `json:"created_at"`
}

// Normalize trims white space and drops empty attendees.
func (m *Meeting) Normalize() {
	for _, p := range []*string{&m.Title, &m.Chair, &m.Place, &m.Minutes} {
		*p = strings.TrimSpace(*p)
	}
	m.Kind = Kind(strings.TrimSpace(string(m.Kind)))
	out := []string{}
	for _, a := range m.Attendees {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	m.Attendees = out
}

// Validate checks the meeting's shape.
func (m Meeting) Validate() error {
	if !m.Kind.Valid() {
		return slip.Invalid("kind", "会议类型只能是 showcase（晒比会）、new_year（新春第一会）、arena（擂台）、topic（专题会）、inspection（督查走访）或 research（调研）")
	}
	if m.Title == "" {
		return slip.Invalid("title", "请填写会议名称")
	}
	if m.Chair == "" {
		return slip.Invalid("chair", "请填写主持领导")
	}
	if m.Date.IsZero() {
		return slip.Invalid("date", "请填写会议日期（YYYY-MM-DD）")
	}
	for _, c := range []struct {
		field, value string
		max          int
	}{{"title", m.Title, slip.MaxTitle}, {"chair", m.Chair, slip.MaxShortText}, {"place", m.Place, slip.MaxShortText}, {"minutes", m.Minutes, MaxMinutes}} {
		if err := text(c.field, c.value, c.max); err != nil {
			return err
		}
	}
	if len(m.Attendees) > MaxAttendees {
		return slip.Invalid("attendees", "参会人员最多 %d 项", MaxAttendees)
	}
	for _, a := range m.Attendees {
		if err := text("attendees", a, slip.MaxShortText); err != nil {
			return err
		}
	}
	return nil
}

func text(field, v string, max int) error {
	if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
		return slip.Invalid(field, "内容不是有效的文本")
	}
	if n := utf8.RuneCountInString(v); n > max {
		return slip.Invalid(field, "长度 %d 字，超过上限 %d 字", n, max)
	}
	return nil
}
