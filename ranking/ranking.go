// Package ranking scores and orders departments for the monthly 晾晒榜: a
// composite of closure, on-time closure, timely acknowledgement, rework,
// overdue work, 回退率 and co-units' overdue parts, plus the office's manual
// 加分/扣分, with a red list (红榜,
// the top five) and a black list (黑榜, the bottom five).
//
// The score is built so that closing fast does not pay by itself: the on-time
// rate counts the resolution the office finally accepted, not the first one
// reported, and every send-back at review (退回重办) costs rework points,
// repeated send-backs of the same slip more than one. A department that
// bounces slips between resolution and review therefore ranks below one that
// resolves them once, properly.
//
// Refusing does not pay either: a slip a unit refused (退回) and the office
// gave to another unit still counts against its closure rate as one it did
// not close, its co parts given away count as failed ones, and every
// refusal lowers its 回退率 component (refusals ÷ parts received). A
// co-unit is ranked on its parts (TrackCounts), so one that never answers
// shows up, low, even if it leads nothing.
//
// Ties share a place (competition ranking: 1, 2, 2, 4) and are placed on a
// list together or not at all (Boards). A department with nothing yet
// measurable — no slip closed, none overdue, no resolution reviewed, as on
// the first day of a month when nothing has fallen due — is listed as 暂无数据
// (NoData), unranked and on neither list, instead of on the 黑榜 at 0%.
//
// Compute is pure: it scores stats.Rows and needs no database. Build gathers
// its input from a Ledger (closure statistics over the year to the month's
// end, and the month's adjustments) and Publish freezes a month's result; the
// store satisfies Ledger, and this package does not import it.
package ranking

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"

	"github.com/duban-gov/duban/stats"
)

// ListSize is how many departments the red and the black list name.
const ListSize = 5

// Weights say how much each component counts. Components are scored 0–100;
// the score is their weighted mean over the components a department has data
// for (a department with nothing reviewed is not scored on rework), plus its
// adjustments.
type Weights struct {
	ClosureRate   float64 `json:"closure_rate"`    // 销号率
	OnTimeRate    float64 `json:"on_time_rate"`    // 按期办结率
	AckTimelyRate float64 `json:"ack_timely_rate"` // 及时签收率
	Rework        float64 `json:"rework"`          // 100 × reviewed ÷ (reviewed + send-backs)
	Overdue       float64 `json:"overdue"`         // 100 − OverduePenalty per overdue open slip
	// OverduePenalty is what one overdue open slip costs the overdue
	// component, in points (floored at 0).
	OverduePenalty float64 `json:"overdue_penalty"`
	// Quality weighs the grades at 销号 and the 回头看 results
	// (stats.Quality.Score); a department with neither is not scored on it.
	Quality float64 `json:"quality"`
	// Refusal weighs 回退率: 100 × (1 − refusals ÷ parts received), lead
	// and co parts alike; a unit with no parts is not scored on it.
	Refusal float64 `json:"refusal"`
	// CoOverdue weighs a unit's co-unit parts: 100 × the share of them
	// neither overdue (open past their deadline, or finished after it) nor
	// refused and given away; a unit with no co parts is not scored on it.
	CoOverdue float64 `json:"co_overdue"`
}

// DefaultWeights are the weights a supervision office starts from.
func DefaultWeights() Weights {
	return Weights{ClosureRate: 40, OnTimeRate: 25, AckTimelyRate: 10, Rework: 15, Overdue: 10, OverduePenalty: 20, Quality: 10, Refusal: 10, CoOverdue: 15}
}

// OrDefault is w, or the default weights when w is the zero value (unset).
func (w Weights) OrDefault() Weights {
	if w == (Weights{}) {
		return DefaultWeights()
	}
	return w
}

// Validate refuses weights that cannot rank anybody.
func (w Weights) Validate() error {
	all := []float64{w.ClosureRate, w.OnTimeRate, w.AckTimelyRate, w.Rework, w.Overdue, w.OverduePenalty, w.Quality, w.Refusal, w.CoOverdue}
	sum := 0.0
	for _, v := range all {
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("ranking weights: every weight must be a finite number ≥ 0")
		}
		sum += v
	}
	if sum-w.OverduePenalty <= 0 {
		return fmt.Errorf("ranking weights: at least one component must weigh more than 0")
	}
	return nil
}

// LoadWeights reads weights from a JSON file; fields it leaves out keep
// their defaults.
func LoadWeights(path string) (Weights, error) {
	w := DefaultWeights()
	b, err := os.ReadFile(path)
	if err != nil {
		return w, fmt.Errorf("read ranking weights: %w", err)
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return w, fmt.Errorf("parse ranking weights %s: %w", path, err)
	}
	return w, w.Validate()
}

// Entry is one department's place in a ranking.
type Entry struct {
	Rank int `json:"rank"` // 0 when NoData
	// NoData marks a department with nothing yet measurable in the period
	// (暂无数据): listed after the ranked ones, unscored, on neither list.
	NoData         bool     `json:"no_data"`
	Department     string   `json:"department_code"`
	DepartmentName string   `json:"department_name"`
	Score          float64  `json:"score"`      // components plus Adjustment, one decimal
	BaseScore      float64  `json:"base_score"` // components only
	Adjustment     float64  `json:"adjustment"` // sum of the month's adjustments
	Assigned       int64    `json:"assigned"`
	Closed         int64    `json:"closed"`
	OverdueOpen    int64    `json:"overdue_open"`
	SendBacks      int64    `json:"send_backs"`
	ClosureRate    *float64 `json:"closure_rate"`
	OnTimeRate     *float64 `json:"on_time_rate"`
	AckTimelyRate  *float64 `json:"ack_timely_rate"`
	ReworkRate     *float64 `json:"rework_rate"`
	// Unsatisfied (不满意 at 销号) and ReinspectFailed (回头看不合格) are what
	// lowered the quality component; QualityScore is that component.
	Unsatisfied     int64    `json:"unsatisfied"`
	ReinspectFailed int64    `json:"reinspect_failed"`
	QualityScore    *float64 `json:"quality_score"`
	// PartsReceived and Refusals give RefusalRate (回退率, percent); CoParts
	// and CoOverdue (overdue or refused-and-given-away co parts) the
	// co-unit component. All zero/nil when the ledger has no parts.
	PartsReceived int64    `json:"parts_received"`
	Refusals      int64    `json:"refusals"`
	RefusalRate   *float64 `json:"refusal_rate"`
	CoParts       int64    `json:"co_parts"`
	CoOverdue     int64    `json:"co_overdue"`
}

// Ranking is a month's ranking: every department with work in the period,
// best first (those with no data last), and the two lists.
type Ranking struct {
	Month   string  `json:"month"` // YYYY-MM
	From    string  `json:"from"`  // first issue date counted
	To      string  `json:"to"`    // last issue date counted
	AsOf    string  `json:"as_of"` // overdue counted as of this day
	Weights Weights `json:"weights"`
	Entries []Entry `json:"entries"`
	// RedList holds the entries ranked within the top ListSize places;
	// BlackList those within the bottom ListSize places, best of them
	// first, never repeating one on the red list. A tie is on a list whole
	// or not at all, so a list can be longer than ListSize (Boards).
	RedList     []Entry            `json:"red_list"`
	BlackList   []Entry            `json:"black_list"`
	Adjustments []stats.Adjustment `json:"adjustments"`
}

// Period is what a ranking covers: slips issued From..To (inclusive,
// YYYY-MM-DD), with overdue work counted as of AsOf.
type Period struct {
	Month string
	From  string
	To    string
	AsOf  string
}

// Compute ranks the departments of rows (closure statistics grouped by
// department over p). Departments with nothing to answer for (every slip
// cancelled, or none) are left out; adjustments for a department not ranked
// are listed but change nothing.
func Compute(p Period, w Weights, rows []stats.Row, adjustments []stats.Adjustment) Ranking {
	return ComputeWithQuality(p, w, rows, adjustments, nil)
}

// ComputeWithQuality is Compute with each department's quality of closure
// (grades at 销号, 回头看 results) scored too.
func ComputeWithQuality(p Period, w Weights, rows []stats.Row, adjustments []stats.Adjustment, quality map[string]stats.Quality) Ranking {
	return ComputeWithTracks(p, w, rows, adjustments, quality, nil)
}

// ComputeWithTracks is ComputeWithQuality with each unit's parts weighed
// too (回退率, co-units' overdue parts). A unit with parts but no closure
// statistics (one that only co-operates) is ranked on its parts.
func ComputeWithTracks(p Period, w Weights, rows []stats.Row, adjustments []stats.Adjustment, quality map[string]stats.Quality, tracks map[string]TrackCounts) Ranking {
	rows = withTrackUnits(rows, tracks)
	adjust := map[string]float64{}
	for _, a := range adjustments {
		adjust[a.Department] += a.Points
	}
	r := Ranking{Month: p.Month, From: p.From, To: p.To, AsOf: p.AsOf, Weights: w, Entries: []Entry{},
		RedList: []Entry{}, BlackList: []Entry{}, Adjustments: adjustments}
	if r.Adjustments == nil {
		r.Adjustments = []stats.Adjustment{}
	}
	var noData []Entry
	for _, c := range rows {
		tc := tracks[c.Key]
		if c.Answerable() <= 0 && tc.Received <= 0 {
			continue
		}
		e := Entry{Department: c.Key, DepartmentName: c.Label, Assigned: c.Assigned, Closed: c.Closed,
			OverdueOpen: c.OverdueOpen, SendBacks: c.SendBacks, ClosureRate: c.ClosureRate(), OnTimeRate: c.OnTimeRate(),
			AckTimelyRate: c.AckTimelyRate(), ReworkRate: c.ReworkRate()}
		q := quality[c.Key]
		e.Unsatisfied, e.ReinspectFailed = q.Unsatisfied, q.ReinspectFailed
		if v, ok := q.Score(); ok {
			v = round1(v)
			e.QualityScore = &v
		}
		e.PartsReceived, e.Refusals, e.CoParts, e.CoOverdue = tc.Received, tc.Refusals, tc.CoParts, tc.CoOverdue+tc.CoGivenUp
		e.RefusalRate = stats.Percent(tc.Refusals, tc.Received)
		if tc.LeadGivenUp > 0 {
			e.ClosureRate = stats.Percent(c.Closed, c.Answerable()+tc.LeadGivenUp)
		}
		e.Adjustment = round1(adjust[c.Key])
		if !Measurable(c) && !tc.measurable() {
			e.NoData = true
			noData = append(noData, e)
			continue
		}
		e.BaseScore = round1(w.score(c, q, tc))
		e.Score = round1(e.BaseScore + e.Adjustment)
		r.Entries = append(r.Entries, e)
	}
	slices.SortFunc(r.Entries, func(a, b Entry) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(deref(b.ClosureRate), deref(a.ClosureRate)),
			cmp.Compare(a.OverdueOpen, b.OverdueOpen), cmp.Compare(a.Department, b.Department))
	})
	ranks := CompetitionRanks(len(r.Entries), func(i, j int) bool { return r.Entries[i].Score == r.Entries[j].Score })
	for i := range r.Entries {
		r.Entries[i].Rank = ranks[i]
	}
	redEnd, blackStart := Boards(ranks, ListSize)
	r.RedList = append(r.RedList, r.Entries[:redEnd]...)
	r.BlackList = append(r.BlackList, r.Entries[blackStart:]...)
	slices.SortFunc(noData, func(a, b Entry) int { return cmp.Compare(a.Department, b.Department) })
	r.Entries = append(r.Entries, noData...)
	return r
}

// Measurable reports whether a department has anything the ranking can
// judge yet: a slip closed, one overdue, or a resolution reviewed. Slips
// issued and not yet due are not a failure, so a department with only those
// is 暂无数据, not 0%.
func Measurable(c stats.Row) bool {
	return c.Closed > 0 || c.OverdueOpen > 0 || c.Reviewed > 0 || c.SendBacks > 0
}

// CompetitionRanks gives the places of n entries sorted best first, where
// tied(i, i-1) says entry i ties with the one before it: equal entries share
// a place and the next one skips (1, 2, 2, 4).
func CompetitionRanks(n int, tied func(i, j int) bool) []int {
	ranks := make([]int, n)
	for i := range n {
		if i > 0 && tied(i, i-1) {
			ranks[i] = ranks[i-1]
		} else {
			ranks[i] = i + 1
		}
	}
	return ranks
}

// Boards places entries with competition ranks (sorted best first) on the
// red and the black list of size places: the red list is entries[:redEnd],
// every entry ranked within the top size places; the black list is
// entries[blackStart:], every entry whose place counted from the bottom
// (ties sharing the better one) is within the bottom size, less any on the
// red list. A tie is on a list whole or not at all: it is never split
// between the red list, the middle and the black list, so a list may be
// longer than size when a tie straddles its edge.
func Boards(ranks []int, size int) (redEnd, blackStart int) {
	n := len(ranks)
	for redEnd < n && ranks[redEnd] <= size {
		redEnd++
	}
	// An entry's place from the bottom is n − (the last index of its tie);
	// it is on the black list when that is at most size.
	blackStart = n
	for i := n - 1; i >= redEnd; i-- {
		last := i
		for last+1 < n && ranks[last+1] == ranks[i] {
			last++
		}
		if n-last > size {
			break
		}
		blackStart = i
	}
	return redEnd, blackStart
}

// score is the weighted mean of the components c has data for.
func (w Weights) score(c stats.Row, q stats.Quality, tc TrackCounts) float64 {
	type part struct {
		weight, value float64
		ok            bool
	}
	ratio := func(n, d int64) (float64, bool) {
		if d <= 0 {
			return 0, false
		}
		return 100 * float64(n) / float64(d), true
	}
	// A lead part refused and given away counts as a slip not closed.
	closure, okClosure := ratio(c.Closed, c.Answerable()+tc.LeadGivenUp)
	onTime, okOnTime := ratio(c.ClosedOnTime, c.Closed)
	ack, okAck := ratio(c.AckedOnTime, c.Acknowledged)
	// Every send-back lowers the rework component, the third as much as the
	// first: it never saturates, so bouncing a slip again always costs.
	rework, okRework := ratio(c.Reviewed, c.Reviewed+c.SendBacks)
	parts := []part{
		{w.ClosureRate, closure, okClosure},
		{w.OnTimeRate, onTime, okOnTime},
		{w.AckTimelyRate, ack, okAck},
		{w.Rework, rework, okRework},
		{w.Overdue, math.Max(0, 100-w.OverduePenalty*float64(c.OverdueOpen)), c.Answerable() > 0},
	}
	if tc.Received > 0 {
		parts = append(parts, part{w.Refusal, math.Max(0, 100*(1-float64(tc.Refusals)/float64(tc.Received))), true})
	}
	if tc.CoParts > 0 {
		failed := min(tc.CoParts, tc.CoOverdue+tc.CoGivenUp)
		parts = append(parts, part{w.CoOverdue, 100 * float64(tc.CoParts-failed) / float64(tc.CoParts), true})
	}
	quality, okQuality := q.Score()
	parts = append(parts, part{w.Quality, quality, okQuality})
	var sum, weights float64
	for _, p := range parts {
		if p.ok && p.weight > 0 {
			sum += p.weight * p.value
			weights += p.weight
		}
	}
	if weights == 0 {
		return 0
	}
	return sum / weights
}

// round1 rounds half away from zero to one decimal.
func round1(v float64) float64 { return math.Round(v*10) / 10 }

func deref(p *float64) float64 {
	if p == nil {
		return -1
	}
	return *p
}

// withTrackUnits adds an empty row for each unit that has parts but no
// closure statistics (it leads nothing in the period), labelled with its
// name, in code order after the others.
func withTrackUnits(rows []stats.Row, tracks map[string]TrackCounts) []stats.Row {
	if len(tracks) == 0 {
		return rows
	}
	seen := make(map[string]bool, len(rows))
	for _, r := range rows {
		seen[r.Key] = true
	}
	var extra []stats.Row
	for code, t := range tracks {
		if !seen[code] {
			extra = append(extra, stats.Row{Key: code, Label: cmp.Or(t.Name, code)})
		}
	}
	slices.SortFunc(extra, func(a, b stats.Row) int { return cmp.Compare(a.Key, b.Key) })
	return append(slices.Clip(rows), extra...)
}
