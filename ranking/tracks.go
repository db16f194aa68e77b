package ranking

import "context"

// TrackCounts are one unit's parts (tracks) of the slips a ranking covers,
// in every role: what the ranking weighs for 回退率 and for co-units'
// overdue parts. A unit that only ever co-operates has no closure
// statistics of its own; these put it in the ranking.
type TrackCounts struct {
	Department string `json:"department"`
	Name       string `json:"name"`
	// Received counts the parts the unit was given, lead and co, a part it
	// refused and the office reassigned included.
	Received int64 `json:"received"`
	// Refusals counts its refusals (退回) of them; a refusal the office
	// declined counts too.
	Refusals int64 `json:"refusals"`
	// LeadGivenUp counts lead parts the unit refused and the office gave to
	// another unit: slips it no longer answers for in the closure
	// statistics, counted back against its closure rate.
	LeadGivenUp int64 `json:"lead_given_up"`
	// CoParts counts its co-unit parts, refused-and-reassigned ones
	// included; CoCompleted those it finished.
	CoParts     int64 `json:"co_parts"`
	CoCompleted int64 `json:"co_completed"`
	// CoOverdue counts its co parts open past their deadline or finished
	// after it; CoGivenUp those it refused and the office reassigned.
	CoOverdue int64 `json:"co_overdue"`
	CoGivenUp int64 `json:"co_given_up"`
}

// measurable reports whether the parts alone give the ranking something to
// judge: a refusal, or a co part finished, overdue or given up.
func (t TrackCounts) measurable() bool {
	return t.Refusals > 0 || t.CoCompleted > 0 || t.CoOverdue > 0 || t.CoGivenUp > 0
}

// TrackLedger is a Ledger that also counts each unit's parts (*store.Store
// does); Build weighs 回退率 and co-units' overdue parts when the ledger can.
type TrackLedger interface {
	// RankingTracks counts the parts per unit of the slips issued from..to
	// (YYYY-MM-DD, inclusive; cancelled slips left out), with overdue parts
	// counted as of asOf (a part due before asOf and still open is overdue).
	RankingTracks(ctx context.Context, from, to, asOf string) (map[string]TrackCounts, error)
}
