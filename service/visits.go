package service

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/meeting"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
)

// PlannedVisit is a visit as planned, with the visits it would repeat
// (最多督一次): the office is asked to merge them onto one day.
type PlannedVisit struct {
	Visit   meeting.Visit   `json:"visit"`
	Clashes []meeting.Visit `json:"clashes"`
}

// PlanVisit records a planned 督查 visit and answers the visits to the same
// unit on the same matters within the window (default: the same month).
func (m *Meetings) PlanVisit(ctx context.Context, user identity.User, v meeting.Visit, w meeting.Window) (PlannedVisit, error) {
	if user.Role != slip.RoleOffice {
		return PlannedVisit{}, slip.Forbidden("只有督查室可以安排督查")
	}
	v.Normalize()
	v.Status, v.Findings, v.MergedInto = meeting.VisitPlanned, "", ""
	if err := v.Validate(); err != nil {
		return PlannedVisit{}, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return PlannedVisit{}, err
	}
	v.ID, v.CreatedBy, v.CreatedAt = id.String(), user.Name, m.slips.now()
	if err := m.slips.store.CreateVisit(ctx, v); err != nil {
		return PlannedVisit{}, err
	}
	clashes, err := m.clashes(ctx, v, w)
	if err != nil {
		return PlannedVisit{}, err
	}
	return PlannedVisit{Visit: v, Clashes: clashes}, nil
}

func (m *Meetings) clashes(ctx context.Context, v meeting.Visit, w meeting.Window) ([]meeting.Visit, error) {
	from, to := v.Date.AddDays(-max(w.Days, 31)), v.Date.AddDays(max(w.Days, 31))
	near, err := m.slips.store.ListVisits(ctx, from, to, v.Department)
	if err != nil {
		return nil, err
	}
	out := meeting.Clashes(near, v, w)
	if out == nil {
		out = []meeting.Visit{}
	}
	return out, nil
}

// MergeVisit folds a planned visit into another to the same unit: one day,
// one visit, the matters of both.
func (m *Meetings) MergeVisit(ctx context.Context, user identity.User, id, into string) (meeting.Visit, error) {
	if user.Role != slip.RoleOffice {
		return meeting.Visit{}, slip.Forbidden("只有督查室可以合并督查")
	}
	v, err := m.slips.store.GetVisit(ctx, id)
	if err != nil {
		return meeting.Visit{}, err
	}
	target, err := m.slips.store.GetVisit(ctx, into)
	if err != nil {
		return meeting.Visit{}, err
	}
	merged, kept, err := meeting.Merge(v, target)
	if err != nil {
		return meeting.Visit{}, err
	}
	if err := m.slips.store.SaveVisits(ctx, merged, kept); err != nil {
		return meeting.Visit{}, err
	}
	return kept, nil
}

// Checklist is everything open at a unit that a visit looks at: its open
// slips (as lead or co-unit) and the problems those slips are measures of.
type Checklist struct {
	Slips    []slip.Slip     `json:"-"`
	Problems []store.Problem `json:"problems"`
}

// VisitChecklist gathers what is open at the visit's unit.
func (m *Meetings) VisitChecklist(ctx context.Context, v meeting.Visit) (Checklist, error) {
	st := m.slips.store
	out := Checklist{Problems: []store.Problem{}}
	f := store.Filter{Department: v.Department, Statuses: slip.OpenStatuses(), PageSize: store.MaxPageSize, Sort: store.Sort("due")}
	for {
		page, err := st.ListSlips(ctx, f)
		if err != nil {
			return Checklist{}, err
		}
		out.Slips = append(out.Slips, page.Items...)
		if page.NextCursor == "" || len(out.Slips) >= 2000 {
			break
		}
		f.Cursor = page.NextCursor
	}
	var seen []string
	for _, sl := range out.Slips {
		if p := sl.Draft.ProblemID; p != "" && !slices.Contains(seen, p) {
			seen = append(seen, p)
			prob, err := st.GetProblem(ctx, p)
			if err != nil {
				return Checklist{}, err
			}
			out.Problems = append(out.Problems, prob)
		}
	}
	return out, nil
}

// Findings is what the office records after a visit: what was found, new
// slips to hand out (交办), and slips awaiting sign-off that the visit
// verified (销号 with the visit as evidence).
type Findings struct {
	Text  string       `json:"findings"`
	Issue []slip.Draft `json:"issue"`
	Close []string     `json:"close"`
}

// FindingsOutcome is what recording findings did.
type FindingsOutcome struct {
	Visit  meeting.Visit `json:"visit"`
	Issued []BatchResult `json:"issued"`
	Closed []RowOutcome  `json:"closed"`
}

// RecordFindings marks a visit done with its findings, issues the new slips
// (each once: their ids derive from the visit, so a retry issues nothing
// twice) and signs off the slips it verified.
func (m *Meetings) RecordFindings(ctx context.Context, user identity.User, id string, f Findings, requestID string) (FindingsOutcome, error) {
	if user.Role != slip.RoleOffice {
		return FindingsOutcome{}, slip.Forbidden("只有督查室可以登记督查结果")
	}
	v, err := m.slips.store.GetVisit(ctx, id)
	if err != nil {
		return FindingsOutcome{}, err
	}
	if v.Status == meeting.VisitMerged {
		return FindingsOutcome{}, &slip.Error{Kind: slip.KindConflict, Code: "visit_merged", Message: "该督查已合并到另一次督查，请在那一次登记结果"}
	}
	v.Findings, v.Status = strings.TrimSpace(f.Text), meeting.VisitDone
	if err := v.Validate(); err != nil {
		return FindingsOutcome{}, err
	}
	if v.Findings == "" {
		return FindingsOutcome{}, slip.Invalid("findings", "请填写督查发现")
	}
	if len(f.Issue) > 100 || len(f.Close) > 500 {
		return FindingsOutcome{}, slip.Invalid("issue", "一次最多交办 100 项、销号 500 项")
	}
	if err := m.slips.store.SaveVisits(ctx, v); err != nil {
		return FindingsOutcome{}, err
	}
	out := FindingsOutcome{Visit: v, Issued: []BatchResult{}, Closed: []RowOutcome{}}
	items := make([]BatchItem, len(f.Issue))
	for i, d := range f.Issue {
		if d.Source == "" {
			d.Source = fmt.Sprintf("督查走访（%s，%s）", v.Date, v.Team)
		}
		items[i] = BatchItem{ID: uuid.NewSHA1(batchNamespace, fmt.Appendf(nil, "visit\x00%s\x00%d", v.ID, i)).String(), Draft: d}
	}
	if len(items) > 0 {
		if out.Issued, err = m.slips.IssueBatch(ctx, user, items, requestID, nil); err != nil {
			return FindingsOutcome{}, err
		}
	}
	for i, sid := range f.Close {
		cmd := slip.Command{Action: slip.ActionSignOff, Comment: fmt.Sprintf("经%s督查走访（%s）核实，同意销号", v.Date, v.Team)}
		acted, err := m.slips.Act(ctx, user, sid, cmd, "visit-"+v.ID+"-"+sid, requestID)
		res := RowOutcome{Line: i + 1, BatchResult: BatchResult{ID: sid, Status: "closed"}}
		if err != nil {
			de := slip.AsError(err)
			if de == nil {
				return FindingsOutcome{}, err
			}
			res.Status, res.Error = BatchFailed, de
		} else {
			res.Number = acted.Slip.Number
		}
		out.Closed = append(out.Closed, res)
	}
	return out, nil
}

// VisitMonth lists a month's visits (the monthly view by unit).
func (m *Meetings) VisitMonth(ctx context.Context, month calendar.Date) ([]meeting.Visit, error) {
	first := calendar.Date{Year: month.Year, Month: month.Month, Day: 1}
	next := calendar.Date{Year: month.Year, Month: month.Month + 1, Day: 1}
	if month.Month == 12 {
		next = calendar.Date{Year: month.Year + 1, Month: 1, Day: 1}
	}
	last := next.AddDays(-1)
	return m.slips.store.ListVisits(ctx, first, last, "")
}
