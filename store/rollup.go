package store

import (
	"cmp"
	"slices"
	"strconv"

	"gorm.io/gorm"

	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/stats"
)

// statsRow is a row of the slip_stats rollup (migration 0005): the counts of
// the slips one department has in one role (lead or co-unit; or below, for
// a department above the slips' units, with their lead department:
// migration 0160) that share a month of issue, status and, while open, the
// deadline the slip is coloured by (its worst open part's, in the column
// named effective_deadline) and acknowledgement-reminder flag.
type statsRow struct {
	DepartmentCode    string `gorm:"primaryKey"`
	Role              string `gorm:"primaryKey"`
	IssuedMonth       string `gorm:"primaryKey"`
	Status            string `gorm:"primaryKey"`
	EffectiveDeadline string `gorm:"primaryKey"`
	AckReminded       bool   `gorm:"primaryKey"`
	LeadDepartment    string `gorm:"primaryKey"`

	Slips            int64
	ClosedOnTime     int64
	Extensions       int64
	Acknowledged     int64
	AckedOnTime      int64
	Reviewed         int64
	SentBack         int64
	SendBacks        int64
	TimedCloses      int64
	CloseWorkingDays int64
}

func (statsRow) TableName() string { return "slip_stats" }

// statsCounters are the columns a contribution adds to.
var statsCounters = []string{"slips", "closed_on_time", "extensions", "acknowledged", "acked_on_time",
	"reviewed", "sent_back", "send_backs", "timed_closes", "close_working_days"}

// contribution is what one slip adds to the rollup for one of its
// departments, as its row stands.
func contribution(r slipRow, m member) statsRow {
	c := statsRow{DepartmentCode: m.department, Role: m.role, IssuedMonth: r.IssuedOn[:min(7, len(r.IssuedOn))], Status: r.Status,
		EffectiveDeadline: r.WorstDeadline, AckReminded: r.AckReminded, Slips: 1, Extensions: int64(r.Extensions),
		SendBacks: int64(r.ReworkCount)}
	if m.role == roleBelow {
		c.LeadDepartment = r.LeadDepartment
	}
	if s := slip.Status(r.Status); s == slip.StatusClosed || s == slip.StatusCancelled {
		// Ended slips are never overdue nor coloured: one row per month does.
		c.EffectiveDeadline, c.AckReminded = "", false
	}
	if r.Status == string(slip.StatusClosed) && r.ResolvedOn != nil && *r.ResolvedOn <= r.EffectiveDeadline {
		c.ClosedOnTime = 1
	}
	if r.AcknowledgedAt != nil {
		c.Acknowledged = 1
		if !r.AckLate {
			c.AckedOnTime = 1
		}
	}
	if r.Reviewed {
		c.Reviewed = 1
	}
	if r.ReworkCount > 0 {
		c.SentBack = 1
	}
	if r.CloseWorkingDays != nil {
		c.TimedCloses, c.CloseWorkingDays = 1, int64(*r.CloseWorkingDays)
	}
	return c
}

// key is the rollup row a contribution belongs to.
func (c statsRow) key() statsRow {
	return statsRow{DepartmentCode: c.DepartmentCode, Role: c.Role, IssuedMonth: c.IssuedMonth, Status: c.Status,
		EffectiveDeadline: c.EffectiveDeadline, AckReminded: c.AckReminded, LeadDepartment: c.LeadDepartment}
}

// plus adds d's counters to c's, each multiplied by sign.
func (c statsRow) plus(d statsRow, sign int64) statsRow {
	c.Slips += sign * d.Slips
	c.ClosedOnTime += sign * d.ClosedOnTime
	c.Extensions += sign * d.Extensions
	c.Acknowledged += sign * d.Acknowledged
	c.AckedOnTime += sign * d.AckedOnTime
	c.Reviewed += sign * d.Reviewed
	c.SentBack += sign * d.SentBack
	c.SendBacks += sign * d.SendBacks
	c.TimedCloses += sign * d.TimedCloses
	c.CloseWorkingDays += sign * d.CloseWorkingDays
	return c
}

// member is a slip's department in a role ("lead", "co" or roleBelow), or
// in the group rollup one of its groups (groupsOf).
type member struct{ department, role string }

// membersOf lists a slip's departments, the lead first.
func membersOf(departments []string) []member {
	out := make([]member, len(departments))
	for i, d := range departments {
		out[i] = member{d, "co"}
		if i == 0 {
			out[i].role = "lead"
		}
	}
	return out
}

// compareKeys orders rollup rows by their primary key. Every transaction
// that writes the rollup takes its rows in this order, so two of them never
// wait for each other's rows in a cycle (PostgreSQL would abort one with a
// deadlock: parallel seed writers and projections moving slips in opposite
// directions did).
func compareKeys(a, b statsRow) int {
	return cmp.Or(
		cmp.Compare(a.DepartmentCode, b.DepartmentCode),
		cmp.Compare(a.Role, b.Role),
		cmp.Compare(a.IssuedMonth, b.IssuedMonth),
		cmp.Compare(a.Status, b.Status),
		cmp.Compare(a.EffectiveDeadline, b.EffectiveDeadline),
		compareBool(a.AckReminded, b.AckReminded),
		cmp.Compare(a.LeadDepartment, b.LeadDepartment),
	)
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case b:
		return -1
	}
	return 1
}

// rollupChange is the net change to a rollup when rows move from before to
// after (either may be missing: a slip being issued has no before), sorted
// by key (compareKeys); was and now give a row's members before and after
// (a 改派 changes a slip's departments between them).
func rollupChange(before, after []slipRow, was, now func(slipRow) []member) []statsRow {
	d := rollupDelta{}
	for _, r := range before {
		d.add(r, was(r), -1)
	}
	for _, r := range after {
		d.add(r, now(r), +1)
	}
	return d.sorted()
}

// rollupDelta is a rollup's net change as it is added up, by key: it holds
// a row per key touched, however many slips moved.
type rollupDelta map[statsRow]statsRow

// add counts r's contributions as its members, with sign -1 (it leaves) or
// +1 (it arrives).
func (d rollupDelta) add(r slipRow, members []member, sign int64) {
	for _, m := range members {
		c := contribution(r, m)
		k := c.key()
		acc, ok := d[k]
		if !ok {
			acc = k
		}
		d[k] = acc.plus(c, sign)
	}
}

// sorted is the change, in compareKeys order, without the keys whose
// counters all cancel out.
func (d rollupDelta) sorted() []statsRow {
	out := make([]statsRow, 0, len(d))
	for k, c := range d {
		if c != k {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, compareKeys)
	return out
}

// groupsOf are the groups a slip counts in in the group rollup
// (slip_group_stats): its 批次 and its 类别 (migration 0180) and its
// 责任领导 (0200), each a member whose role is the grouping (a statsRow of
// that rollup holds the group's key as DepartmentCode and the grouping as
// Role).
func groupsOf(r slipRow) []member {
	return []member{
		{r.Batch, string(stats.GroupByBatch)},
		{r.Category, string(stats.GroupByCategory)},
		{leaderKey(r.LeaderUserID), string(stats.GroupByLeader)},
	}
}

// rollupColumns are the slips' columns a slip's contributions to the
// rollups are made of (contribution, groupsOf), with its id.
var rollupColumns = []string{
	"id", "issued_on", "status", "worst_deadline", "effective_deadline", "ack_reminded", "extensions",
	"rework_count", "resolved_on", "acknowledged_at", "ack_late", "reviewed", "close_working_days",
	"lead_department", "batch", "category", "leader_user_id",
}

// leaderKey is a slip's group by 责任领导: the leader user's id, or "" for
// a 责任领导 written as text alone — the key the statistics read from the
// slips give it (slipsSource's groups).
func leaderKey(id *int64) string {
	if id == nil {
		return ""
	}
	return strconv.FormatInt(*id, 10)
}

// applyRollup moves slips in both rollups inside tx as their rows move from
// before to after (either may be missing: a slip being issued has no
// before): in slip_stats by their departments (was gives a slip's before,
// now after), then in slip_group_stats by their batches, categories and
// leaders. Each is an upsert that adds to the counters, so concurrent
// transactions on the same row serialise on it. PostgreSQL locks the rows
// of a multi-row upsert in the order of its VALUES; every writer comes
// through here (MapLeaders, which moves only leaders, through the same
// upsertRollup in the same order), so each takes the two tables in this
// order and each table's rows in compareKeys order, and none waits for
// another in a cycle.
func applyRollup(tx *gorm.DB, before, after []slipRow, was, now func(slipID string) []member) error {
	byID := func(members func(string) []member) func(slipRow) []member {
		return func(r slipRow) []member { return members(r.ID) }
	}
	if deltas := rollupChange(before, after, byID(was), byID(now)); len(deltas) > 0 {
		if err := upsertRollup(tx, statsTable, deltas); err != nil {
			return err
		}
	}
	if groups := rollupChange(before, after, groupsOf, groupsOf); len(groups) > 0 {
		return upsertRollup(tx, groupTable, groups)
	}
	return nil
}
