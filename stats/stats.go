// Package stats says what the closure statistics of a supervision office
// mean: which groupings a query may ask for, the counts of one group of
// slips, and the rates reported from them (销号率, 按期办结率, 及时签收率,
// 重办率, the mean working days to close) with their rounding. It computes
// without a database: the store counts slips into Rows, and the rules that
// turn counts into rates live here, where the API, the ranking and the tests
// read them.
package stats

import "slices"

// GroupBy is a dimension the closure statistics can be grouped by.
type GroupBy string

// The groupings. Department means the lead department: the unit answerable
// for the slip.
const (
	GroupByDepartment GroupBy = "department"
	GroupByBatch      GroupBy = "batch"
	GroupByCategory   GroupBy = "category"
	GroupByMonth      GroupBy = "month" // the month of issue, YYYY-MM
	// GroupByLeader groups by the 责任领导 as a user (Key: the user id;
	// "" for slips whose leader is free text or none).
	GroupByLeader GroupBy = "leader"
	// GroupByAll gives one row over every slip selected: the dashboard's
	// summary.
	GroupByAll GroupBy = "all"
)

// groupings are the known GroupBy values: the slips can be grouped every way.
var groupings = []GroupBy{GroupByDepartment, GroupByBatch, GroupByCategory, GroupByMonth, GroupByLeader, GroupByAll}

// Valid reports whether g is a known grouping.
func (g GroupBy) Valid() bool { return slices.Contains(groupings, g) }

// Query selects slips issued between From and To (inclusive dates,
// YYYY-MM-DD; empty means unbounded) and counts overdue and colours as of
// Today (YellowBy: the last deadline that counts as due soon).
type Query struct {
	GroupBy  GroupBy
	From     string
	To       string
	Today    string
	YellowBy string
	// VisibleTo restricts the counts to one department's slips (lead or co).
	VisibleTo string
	// VisibleUnits, when not nil, restricts the counts to the slips on any
	// of these departments (a department with its 专班, a scoped office's
	// subtree); empty means none.
	VisibleUnits []string
	// Lead restricts the counts to the slips one department leads.
	Lead string
}

// Row holds the counts of one group. Its fields are plain counts, so a
// store can fill it from SQL and a test can write one down.
type Row struct {
	Key       string
	Label     string // the department's (leader's) name when grouped by department (leader)
	Assigned  int64  // every slip issued
	Closed    int64  // signed off (销号)
	Cancelled int64
	Open      int64
	// Issued, InProgress, PendingReview and PendingSignoff count the open
	// slips in each open status (待签收, 办理中, 待复核, 待销号), so a
	// console's queue counts need no list.
	Issued         int64
	InProgress     int64
	PendingReview  int64
	PendingSignoff int64
	OverdueOpen    int64
	ClosedOnTime   int64 // closed, with the accepted resolution reported by the effective deadline
	Extensions     int64 // approved extensions (延期次数)
	Red            int64 // open and overdue
	Yellow         int64 // open, due soon or a reminder unanswered
	Green          int64 // open and on track
	// Acknowledged counts slips signed for; AckedOnTime those signed for
	// before the acknowledgement reminder had to go out.
	Acknowledged int64
	AckedOnTime  int64
	// Reviewed counts slips that went through re-inspection at least once;
	// SentBack those sent back at least once (重办).
	Reviewed int64
	SentBack int64
	// SendBacks counts send-backs in all: a slip sent back twice counts twice.
	SendBacks int64
	// TimedCloses counts closed slips whose working days to close are known,
	// and CloseWorkingDays sums those days.
	TimedCloses      int64
	CloseWorkingDays int64
}

// AvgWorkingDaysToClose is the mean number of working days from issue to
// sign-off over the closed slips, to one decimal (half-up), or nil when none
// closed.
func (r Row) AvgWorkingDaysToClose() *float64 {
	return tenthsHalfUp(r.CloseWorkingDays, r.TimedCloses)
}

// AckTimelyRate is 及时签收率: acknowledged without a reminder ÷ acknowledged.
func (r Row) AckTimelyRate() *float64 { return Percent(r.AckedOnTime, r.Acknowledged) }

// ReworkRate is 重办率: slips sent back at review ÷ slips reviewed.
func (r Row) ReworkRate() *float64 { return Percent(r.SentBack, r.Reviewed) }

// ClosureRate is 销号率: closed ÷ (assigned − cancelled), in percent.
func (r Row) ClosureRate() *float64 { return Percent(r.Closed, r.Answerable()) }

// OnTimeRate is the share of closed slips whose accepted resolution was
// reported no later than the deadline, in percent.
func (r Row) OnTimeRate() *float64 { return Percent(r.ClosedOnTime, r.Closed) }

// Answerable is how many slips the group must answer for: every slip
// assigned but the cancelled ones.
func (r Row) Answerable() int64 { return r.Assigned - r.Cancelled }

// Percent is n ÷ d as a percentage rounded half-up to one decimal, or nil
// when d is zero (a group with nothing to measure has no rate, not 0%).
// It works in integers so 305 ÷ 313 gives exactly 97.4.
func Percent(n, d int64) *float64 { return tenthsHalfUp(100*n, d) }

// tenthsHalfUp is n ÷ d rounded half-up to one decimal (n, d ≥ 0), in
// integers, or nil when d is zero.
func tenthsHalfUp(n, d int64) *float64 {
	if d <= 0 {
		return nil
	}
	tenths := (n*20 + d) / (2 * d) // round(n*10/d) half-up
	v := float64(tenths) / 10
	return &v
}
