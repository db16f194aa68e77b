package lists

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/indicator"
	"github.com/duban-gov/duban/slip"
)

// Ledger is what a list reads and writes (*store.Store): its definition,
// the indicators with their targets and reported values, the month's
// adjustments and the published snapshots.
type Ledger interface {
	List(ctx context.Context, code string) (List, error)
	// IndicatorsOf returns the indicators with the given codes.
	IndicatorsOf(ctx context.Context, codes []string) ([]indicator.Indicator, error)
	Targets(ctx context.Context) (map[string]map[string]float64, error)
	// ValuesOf returns the values in force for a month of the given indicators.
	ValuesOf(ctx context.Context, month string, codes []string) ([]indicator.Value, error)
	ListAdjustments(ctx context.Context, list, month string) ([]Adjustment, error)
	// PublishList stores the standing build computes, in one transaction
	// with it, unless already published; it reports whether this call did.
	PublishList(ctx context.Context, list, month, by string, at time.Time, build func(ctx context.Context) (string, error)) (bool, error)
	// ListSnapshot returns a published standing or an error wrapping
	// ErrNotPublished.
	ListSnapshot(ctx context.Context, list, month string) (string, time.Time, error)
}

// SlipScores gives each department's slip-handling score for a month (the
// 晾晒榜's composite before adjustments), only for departments with
// something measurable.
type SlipScores func(ctx context.Context, month string) (map[string]float64, error)

// Where a standing comes from.
const (
	SourceSnapshot = "snapshot" // published, frozen
	SourceLive     = "live"     // computed now
)

// Published is a standing as served.
type Published struct {
	Standing
	Source  string     `json:"source"`
	TakenAt *time.Time `json:"taken_at"`
}

// Gather collects a month's component scores for l: an indicator component
// scores a member by its pace against the time-proportional target
// (indicator.Measure, capped at 100); the slip component by slips (nil: no
// data); 回头看 has no source yet and gives no data.
func Gather(ctx context.Context, led Ledger, slips SlipScores, l List, month indicator.Period) (Scores, error) {
	var codes []string
	for _, c := range l.Components {
		if c.Kind == FromIndicator {
			codes = append(codes, c.Indicator)
		}
	}
	inds, err := led.IndicatorsOf(ctx, codes)
	if err != nil {
		return nil, err
	}
	byCode := map[string]indicator.Indicator{}
	for _, i := range inds {
		byCode[i.Code] = i
	}
	targets, err := led.Targets(ctx)
	if err != nil {
		return nil, err
	}
	vals, err := led.ValuesOf(ctx, month.String(), codes)
	if err != nil {
		return nil, err
	}
	actual := map[string]map[string]float64{}
	for _, v := range vals {
		if actual[v.Indicator] == nil {
			actual[v.Indicator] = map[string]float64{}
		}
		actual[v.Indicator][v.Unit] = v.Value
	}
	sc := Scores{}
	for _, c := range l.Components {
		got := map[string]float64{}
		switch c.Kind {
		case FromIndicator:
			ind, ok := byCode[c.Indicator]
			if !ok {
				return nil, slip.Unprocessable(CodeUnknownIndicator, "components", "榜单 %s 的指标 %s 不存在", l.Name, c.Indicator)
			}
			for _, m := range l.Members {
				v, ok := actual[c.Indicator][m.Code]
				if !ok {
					continue
				}
				if p := indicator.Measure(ind, month, targets[c.Indicator], &v); p.Pace != nil {
					got[m.Code] = IndicatorScore(*p.Pace)
				}
			}
		case FromSlips:
			if slips != nil {
				all, err := slips(ctx, month.String())
				if err != nil {
					return nil, err
				}
				for _, m := range l.Members {
					if v, ok := all[m.Code]; ok {
						got[m.Code] = v
					}
				}
			}
		}
		sc[c.Key()] = got
	}
	return sc, nil
}

// Build computes a list's standing for a month from the ledger as it stands.
func Build(ctx context.Context, led Ledger, slips SlipScores, code, month string) (Standing, error) {
	p, err := indicator.ParseMonth(month)
	if err != nil {
		return Standing{}, err
	}
	l, err := led.List(ctx, code)
	if err != nil {
		return Standing{}, err
	}
	sc, err := Gather(ctx, led, slips, l, p)
	if err != nil {
		return Standing{}, fmt.Errorf("list %s of %s: %w", code, month, err)
	}
	adj, err := led.ListAdjustments(ctx, code, month)
	if err != nil {
		return Standing{}, err
	}
	return Compute(l, month, sc, adj), nil
}

// Publish freezes a list's standing for a month that has ended (422
// otherwise), as of at, by the named user. A list already published keeps
// its first publication; Publish then reports false. Once any list of a
// month is published, the month's values are frozen too.
func Publish(ctx context.Context, led Ledger, slips SlipScores, code, month, by string, at time.Time) (bool, error) {
	p, err := indicator.ParseMonth(month)
	if err != nil {
		return false, err
	}
	if !calendar.DateOf(at).After(lastDay(p)) {
		return false, slip.Unprocessable("month_not_ended", "month", "%s 尚未结束，月底后才能发布榜单", month)
	}
	if _, err := led.List(ctx, code); err != nil {
		return false, err
	}
	return led.PublishList(ctx, code, month, by, at, func(ctx context.Context) (string, error) {
		st, err := Build(ctx, led, slips, code, month)
		if err != nil {
			return "", err
		}
		taken := at.UTC()
		b, err := json.Marshal(Published{Standing: st, Source: SourceSnapshot, TakenAt: &taken})
		if err != nil {
			return "", fmt.Errorf("encode list %s of %s: %w", code, month, err)
		}
		return string(b), nil
	})
}

// Get returns a list's published standing for a month, or, when it was not
// published, the standing computed live.
func Get(ctx context.Context, led Ledger, slips SlipScores, code, month string) (Published, error) {
	if _, err := indicator.ParseMonth(month); err != nil {
		return Published{}, err
	}
	body, _, err := led.ListSnapshot(ctx, code, month)
	switch {
	case err == nil:
		var out Published
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			return Published{}, fmt.Errorf("decode list %s of %s: %w", code, month, err)
		}
		return out, nil
	case !errors.Is(err, ErrNotPublished):
		return Published{}, err
	}
	st, err := Build(ctx, led, slips, code, month)
	if err != nil {
		return Published{}, err
	}
	return Published{Standing: st, Source: SourceLive}, nil
}

// lastDay is the last day of a month.
func lastDay(p indicator.Period) calendar.Date {
	first := calendar.Date{Year: p.Year, Month: time.Month(p.Index), Day: 1}
	next := first.AddDays(32)
	return calendar.Date{Year: next.Year, Month: next.Month, Day: 1}.AddDays(-1)
}
