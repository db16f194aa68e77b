package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/sheetimport"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
)

// RowIssue is one thing wrong with (or worth knowing about) a row of an
// uploaded table. A blocking issue keeps the table from being confirmed
// until the row is fixed or skipped.
type RowIssue struct {
	Code     string `json:"code"`
	Field    string `json:"field,omitempty"`
	Message  string `json:"message"`
	Blocking bool   `json:"blocking"`
}

// The issues a row can have.
const (
	IssueMissingTitle    = "missing_title"
	IssueUnknownUnit     = "unknown_unit"
	IssueAmbiguousUnit   = "ambiguous_unit"
	IssueAbbreviation    = "matched_by_abbreviation"
	IssueMissingDeadline = "missing_deadline"
	IssueBadDeadline     = "bad_deadline"
	IssueDeadlinePassed  = "deadline_in_past"
	IssueBadPriority     = "bad_priority"
	IssueDuplicateRow    = "duplicate_row"
	IssueDuplicateOpen   = "duplicate_open_slip"
	IssueAlreadyIssued   = "already_issued"
	IssueTooLong         = "too_long"
	IssueMissingLead     = "missing_lead"
)

// unknownCode is the issue of a unit code (chosen in the preview) that is
// no department.
const unknownCode = "所选单位不存在，请重新选择"

// ImportRow is one row of an uploaded table: as written (Raw), as duban
// reads it, and what is wrong with it. The office fixes rows in the preview
// (units, deadline) or skips them, then confirms.
type ImportRow struct {
	Line                int                          `json:"line"`
	Raw                 map[sheetimport.Field]string `json:"raw"`
	Problem             string                       `json:"problem,omitempty"`
	Title               string                       `json:"title"`
	Content             string                       `json:"content"`
	LeadDepartment      string                       `json:"lead_department"`
	CoDepartments       []string                     `json:"co_departments"`
	Leader              string                       `json:"leader"`
	Category            string                       `json:"category"`
	Priority            slip.Priority                `json:"priority"`
	Deadline            calendar.Date                `json:"deadline,omitzero"`
	DeadlineWorkingDays int                          `json:"deadline_working_days,omitempty"`
	Skip                bool                         `json:"skip,omitempty"`
	// SlipID is the id the row's slip has (or will have) on the ledger;
	// Number its number when it is issued already.
	SlipID string     `json:"slip_id"`
	Number string     `json:"number,omitempty"`
	Issues []RowIssue `json:"issues"`
}

// Blocked reports whether a blocking issue keeps the row from being issued.
func (r ImportRow) Blocked() bool {
	return slices.ContainsFunc(r.Issues, func(i RowIssue) bool { return i.Blocking })
}

// Preview is what the office sees after uploading a table.
type Preview struct {
	ID         string                       `json:"id"`
	MeetingID  string                       `json:"meeting_id"`
	FileName   string                       `json:"file_name"`
	Format     string                       `json:"format"`
	HeaderLine int                          `json:"header_line"`
	Columns    map[sheetimport.Field]string `json:"columns"`
	Rows       []ImportRow                  `json:"rows"`
	Summary    PreviewSummary               `json:"summary"`
}

// PreviewSummary counts the rows of a preview.
type PreviewSummary struct {
	Rows     int `json:"rows"`
	Ready    int `json:"ready"`    // will be issued on confirm
	Blocked  int `json:"blocked"`  // need fixing or skipping
	Issued   int `json:"issued"`   // already on the ledger: confirm leaves them
	Skipped  int `json:"skipped"`  // skipped by the office
	Problems int `json:"problems"` // distinct problems (问题) the rows group into
}

// ImportLimits bound what an upload may be; sheetimport.DefaultLimits
// unless a test lowers them.
var ImportLimits = sheetimport.DefaultLimits

// PreviewImport reads an uploaded table for a meeting and answers every row
// with its problems. Nothing is issued; the preview is kept for Confirm.
func (m *Meetings) PreviewImport(ctx context.Context, user identity.User, meetingID, fileName string, data []byte) (Preview, error) {
	if user.Role != slip.RoleOffice {
		return Preview{}, slip.Forbidden("只有督查室可以导入交办清单")
	}
	st := m.slips.store
	if _, err := st.GetMeeting(ctx, meetingID); err != nil {
		return Preview{}, err
	}
	tab, err := sheetimport.Parse(fileName, data, ImportLimits)
	if err != nil {
		return Preview{}, err
	}
	dir, err := m.directory(ctx)
	if err != nil {
		return Preview{}, err
	}
	rows := make([]ImportRow, len(tab.Rows))
	for i, r := range tab.Rows {
		rows[i] = readRow(r, dir, meetingID)
	}
	if err := m.check(ctx, meetingID, rows); err != nil {
		return Preview{}, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return Preview{}, err
	}
	sum := sha256.Sum256(data)
	p := Preview{ID: id.String(), MeetingID: meetingID, FileName: fileName, Format: tab.Format, HeaderLine: tab.HeaderLine,
		Columns: tab.Columns, Rows: rows, Summary: summarize(rows)}
	raw, err := json.Marshal(p)
	if err != nil {
		return Preview{}, fmt.Errorf("encode preview: %w", err)
	}
	err = st.CreateImport(ctx, store.SheetImport{ID: p.ID, MeetingID: meetingID, FileName: fileName, FileSHA256: hex.EncodeToString(sum[:]),
		Rows: raw, Total: len(rows), CreatedBy: user.Name})
	if err != nil {
		return Preview{}, err
	}
	m.slips.log.InfoContext(ctx, "table previewed", "import_id", p.ID, "meeting_id", meetingID, "rows", len(rows), "blocked", p.Summary.Blocked)
	return p, nil
}

func (m *Meetings) directory(ctx context.Context) (*sheetimport.Directory, error) {
	return unitDirectory(ctx, m.slips.store)
}

// unitDirectory matches unit names as tables write them, for every kind of
// imported table (a meeting's, a project list).
func unitDirectory(ctx context.Context, st *store.Store) (*sheetimport.Directory, error) {
	depts, err := st.ListDepartments(ctx)
	if err != nil {
		return nil, err
	}
	aliases, err := st.ListDepartmentAliases(ctx)
	if err != nil {
		return nil, err
	}
	byAlias := map[string]string{}
	for _, a := range aliases {
		byAlias[a.Alias] = a.DepartmentCode
	}
	return sheetimport.NewDirectory(depts, byAlias), nil
}

// readRow reads one row's cells into what a slip needs, noting what cannot
// be read. Checks that need the ledger or the clock come in check.
func readRow(r sheetimport.Row, dir *sheetimport.Directory, meetingID string) ImportRow {
	out := ImportRow{Line: r.Line, Raw: r.Values, Problem: r.Get(sheetimport.FieldProblem), Title: r.Get(sheetimport.FieldTitle),
		Content: r.Get(sheetimport.FieldRequirement), Leader: r.Get(sheetimport.FieldLeader), Category: r.Get(sheetimport.FieldCategory),
		CoDepartments: []string{}, Issues: []RowIssue{}}
	unit := func(field, name string) string {
		mt := dir.Lookup(name)
		switch {
		case mt.Code != "" && mt.How == "abbreviation":
			out.Issues = append(out.Issues, RowIssue{Code: IssueAbbreviation, Field: field,
				Message: fmt.Sprintf("“%s”按简称匹配为%s，请核对", name, dir.Name(mt.Code))})
		case len(mt.Candidates) > 0:
			var names []string
			for _, c := range mt.Candidates {
				names = append(names, dir.Name(c))
			}
			out.Issues = append(out.Issues, RowIssue{Code: IssueAmbiguousUnit, Field: field, Blocking: true,
				Message: fmt.Sprintf("“%s”可能是：%s，请选择", name, strings.Join(names, "、"))})
		case mt.Code == "":
			out.Issues = append(out.Issues, RowIssue{Code: IssueUnknownUnit, Field: field, Blocking: true,
				Message: fmt.Sprintf("单位“%s”不存在，请选择正确的单位（或请管理员添加别名）", name)})
		}
		return mt.Code
	}
	if lead := r.Get(sheetimport.FieldLead); lead != "" {
		out.LeadDepartment = unit("lead_department", lead)
	}
	for _, name := range sheetimport.SplitUnits(r.Get(sheetimport.FieldCo)) {
		if code := unit("co_departments", name); code != "" && code != out.LeadDepartment && !slices.Contains(out.CoDepartments, code) {
			out.CoDepartments = append(out.CoDepartments, code)
		}
	}
	if raw := r.Get(sheetimport.FieldDeadline); raw != "" {
		if dl, ok := sheetimport.ParseDeadline(raw); ok {
			out.Deadline, out.DeadlineWorkingDays = dl.Date, dl.WorkingDays
		} else {
			out.Issues = append(out.Issues, RowIssue{Code: IssueBadDeadline, Field: "deadline", Blocking: true,
				Message: fmt.Sprintf("办结时限“%s”无法识别：请写日期（如 2026-03-31）或“N个工作日”", raw)})
		}
	}
	if p, ok := sheetimport.ParsePriority(r.Get(sheetimport.FieldPriority)); ok {
		out.Priority = p
	} else {
		out.Priority = slip.PriorityNormal
		out.Issues = append(out.Issues, RowIssue{Code: IssueBadPriority, Field: "priority", Blocking: true,
			Message: fmt.Sprintf("紧急程度“%s”无法识别：一般、急办或特急", r.Get(sheetimport.FieldPriority))})
	}
	return out
}

// check adds the issues that depend on the whole list, the ledger and the
// clock, and sets each row's slip id. It keeps the issues readRow found
// about the cells themselves (units, unreadable values) and recomputes the
// rest, so it can run again after the office's fixes.
func (m *Meetings) check(ctx context.Context, meetingID string, rows []ImportRow) error {
	today := calendar.DateOf(m.slips.now())
	var titles []string
	var ids []string
	for i := range rows {
		r := &rows[i]
		r.Issues = slices.DeleteFunc(r.Issues, func(is RowIssue) bool {
			switch is.Code {
			case IssueMissingTitle, IssueMissingDeadline, IssueDeadlinePassed, IssueDuplicateRow, IssueDuplicateOpen, IssueAlreadyIssued, IssueTooLong, IssueMissingLead:
				return true
			}
			return is.Code == IssueUnknownUnit && is.Message == unknownCode
		})
		r.Number = ""
		r.SlipID = BatchSlipID(meetingID, r.Problem, r.Title, r.LeadDepartment)
		ids = append(ids, r.SlipID)
		titles = append(titles, r.Title)
		block := func(code, field, format string, args ...any) {
			r.Issues = append(r.Issues, RowIssue{Code: code, Field: field, Blocking: true, Message: fmt.Sprintf(format, args...)})
		}
		if r.Title == "" {
			block(IssueMissingTitle, "title", "缺少事项内容")
		}
		if err := (slip.Draft{Title: r.Title, Content: r.Content, Category: r.Category, Leader: r.Leader, LeadDepartment: "x", Deadline: today, Priority: slip.PriorityNormal}).Validate(); err != nil && r.Title != "" {
			block(IssueTooLong, slip.AsError(err).Field, "%s", slip.AsError(err).Message)
		}
		if len([]rune(r.Problem)) > slip.MaxTitle {
			block(IssueTooLong, "problem", "问题描述超过 %d 字", slip.MaxTitle)
		}
		hasBadDeadline := slices.ContainsFunc(r.Issues, func(is RowIssue) bool { return is.Code == IssueBadDeadline })
		switch {
		case r.Deadline.IsZero() && r.DeadlineWorkingDays == 0 && !hasBadDeadline:
			block(IssueMissingDeadline, "deadline", "缺少办结时限")
		case !r.Deadline.IsZero() && r.Deadline.Before(today):
			block(IssueDeadlinePassed, "deadline", "办结时限 %s 早于今天（%s）", r.Deadline, today)
		}
	}
	var codes []string
	for _, r := range rows {
		if r.LeadDepartment != "" {
			codes = append(codes, r.LeadDepartment)
		}
		codes = append(codes, r.CoDepartments...)
	}
	missing, err := m.slips.store.MissingDepartments(ctx, codes)
	if err != nil {
		return err
	}
	for i := range rows {
		r := &rows[i]
		named := slices.ContainsFunc(r.Issues, func(is RowIssue) bool { return is.Field == "lead_department" && is.Blocking })
		if r.LeadDepartment == "" && !named {
			r.Issues = append(r.Issues, RowIssue{Code: IssueMissingLead, Field: "lead_department", Blocking: true, Message: "缺少牵头单位"})
		}
		for _, c := range append([]string{r.LeadDepartment}, r.CoDepartments...) {
			if slices.Contains(missing, c) {
				r.Issues = append(r.Issues, RowIssue{Code: IssueUnknownUnit, Field: "lead_department", Blocking: true, Message: unknownCode})
				break
			}
		}
	}
	existing, err := m.slips.store.ExistingSlips(ctx, ids)
	if err != nil {
		return err
	}
	var leads []string
	for _, r := range rows {
		if r.LeadDepartment != "" && !slices.Contains(leads, r.LeadDepartment) {
			leads = append(leads, r.LeadDepartment)
		}
	}
	open, err := m.slips.store.OpenSlipsLike(ctx, titles, leads)
	if err != nil {
		return err
	}
	firstLine := map[string]int{}
	for i := range rows {
		r := &rows[i]
		if number, ok := existing[r.SlipID]; ok {
			// Issued before from this meeting's table: confirm leaves it.
			r.Number = number
			r.Issues = append(r.Issues, RowIssue{Code: IssueAlreadyIssued, Message: "已交办（" + number + "），确认时不会重复交办"})
			continue
		}
		if r.Skip || r.Title == "" {
			continue
		}
		if line, dup := firstLine[r.SlipID]; dup {
			r.Issues = append(r.Issues, RowIssue{Code: IssueDuplicateRow, Blocking: true,
				Message: fmt.Sprintf("与第 %d 行重复（同一事项、同一牵头单位）；请删除或跳过其中一行", line)})
			continue
		}
		firstLine[r.SlipID] = r.Line
		if number, ok := open[r.Title][r.LeadDepartment]; ok && r.LeadDepartment != "" {
			r.Issues = append(r.Issues, RowIssue{Code: IssueDuplicateOpen,
				Message: fmt.Sprintf("台账中已有相同事项的在办交办单（%s），请确认不是重复交办", number)})
		}
	}
	return nil
}

func summarize(rows []ImportRow) PreviewSummary {
	s := PreviewSummary{Rows: len(rows)}
	problems := map[string]bool{}
	for _, r := range rows {
		if r.Problem != "" {
			problems[r.Problem] = true
		}
		switch {
		case r.Skip:
			s.Skipped++
		case r.Number != "":
			s.Issued++
		case r.Blocked():
			s.Blocked++
		default:
			s.Ready++
		}
	}
	s.Problems = len(problems)
	return s
}

// RowFix is the office's correction of one row in the preview: the units,
// the deadline, or skipping the row. Nil fields stay as read.
type RowFix struct {
	Line                int            `json:"line"`
	LeadDepartment      *string        `json:"lead_department,omitempty"`
	CoDepartments       *[]string      `json:"co_departments,omitempty"`
	Deadline            *calendar.Date `json:"deadline,omitempty"`
	DeadlineWorkingDays *int           `json:"deadline_working_days,omitempty"`
	Skip                bool           `json:"skip,omitempty"`
}

// ImportOutcome is what Confirm did, row by row.
type ImportOutcome struct {
	ID       string       `json:"id"`
	Status   string       `json:"status"`
	Issued   int          `json:"issued"`
	Existing int          `json:"existing"`
	Failed   int          `json:"failed"`
	Skipped  int          `json:"skipped"`
	Problems int          `json:"problems"`
	Rows     []RowOutcome `json:"rows"`
}

// RowOutcome is one row's result.
type RowOutcome struct {
	Line int `json:"line"`
	BatchResult
}

// ConfirmImport applies the office's fixes to a previewed table and issues
// every row not skipped, in one go. It refuses, issuing nothing, while any
// row still has a blocking issue. Each row becomes the slip of its id
// (BatchSlipID), so confirming again — after a timeout, or the same table
// uploaded again — issues only what is not on the ledger yet.
func (m *Meetings) ConfirmImport(ctx context.Context, user identity.User, importID string, fixes []RowFix, requestID string) (ImportOutcome, error) {
	if user.Role != slip.RoleOffice {
		return ImportOutcome{}, slip.Forbidden("只有督查室可以交办")
	}
	st := m.slips.store
	im, err := st.GetImport(ctx, importID)
	if err != nil {
		return ImportOutcome{}, err
	}
	mt, err := st.GetMeeting(ctx, im.MeetingID)
	if err != nil {
		return ImportOutcome{}, err
	}
	var p Preview
	if err := json.Unmarshal(im.Rows, &p); err != nil {
		return ImportOutcome{}, fmt.Errorf("decode import %s: %w", importID, err)
	}
	if err := applyFixes(p.Rows, fixes); err != nil {
		return ImportOutcome{}, err
	}
	if err := m.check(ctx, mt.ID, p.Rows); err != nil {
		return ImportOutcome{}, err
	}
	var blocked []string
	for _, r := range p.Rows {
		if !r.Skip && r.Number == "" && r.Blocked() {
			blocked = append(blocked, fmt.Sprint(r.Line))
		}
	}
	if len(blocked) > 0 {
		return ImportOutcome{}, slip.Unprocessable("rows_invalid", "rows", "第 %s 行仍有问题，请修正或跳过后再确认；未交办任何事项", strings.Join(blocked, "、"))
	}

	// Problems first, each once (by id): a measure names its problem.
	problemIDs := map[string]string{}
	var problems []store.Problem
	var items []BatchItem
	var lines []int
	for _, r := range p.Rows {
		if r.Skip {
			continue
		}
		d := slip.Draft{Title: r.Title, Content: r.Content, Source: mt.Title, Category: r.Category, Priority: r.Priority,
			LeadDepartment: r.LeadDepartment, CoDepartments: r.CoDepartments, Leader: r.Leader, Deadline: r.Deadline,
			DeadlineWorkingDays: r.DeadlineWorkingDays, MeetingID: mt.ID}
		if d.Content == "" {
			d.Content = r.Title
		}
		if r.Problem != "" {
			pid, ok := problemIDs[r.Problem]
			if !ok {
				pid = ProblemID(mt.ID, r.Problem)
				problemIDs[r.Problem] = pid
				problems = append(problems, store.Problem{ID: pid, MeetingID: mt.ID, Title: r.Problem, Position: r.Line})
			}
			d.ProblemID = pid
		}
		items = append(items, BatchItem{ID: r.SlipID, Draft: d})
		lines = append(lines, r.Line)
	}
	if err := st.AddProblems(ctx, problems); err != nil {
		return ImportOutcome{}, err
	}
	fixed, err := json.Marshal(p)
	if err != nil {
		return ImportOutcome{}, fmt.Errorf("encode import: %w", err)
	}
	if err := st.StartIssuingImport(ctx, importID, fixed, len(items)); err != nil {
		return ImportOutcome{}, err
	}
	start := time.Now()
	var pending atomic.Int64
	progress := func(n int) {
		// Progress is for a person watching: every few rows is enough, and
		// keeps the ledger's writer free for the slips themselves.
		if pending.Add(int64(n)) >= 5 {
			if k := pending.Swap(0); k > 0 {
				if err := st.AddImportProgress(context.WithoutCancel(ctx), importID, int(k)); err != nil {
					m.slips.log.WarnContext(ctx, "import progress", "import_id", importID, "error", err)
				}
			}
		}
	}
	results, err := m.slips.IssueBatch(ctx, user, items, requestID, progress)
	if err != nil {
		return ImportOutcome{}, err
	}
	if k := pending.Swap(0); k > 0 {
		_ = st.AddImportProgress(context.WithoutCancel(ctx), importID, int(k))
	}
	out := ImportOutcome{ID: importID, Status: store.ImportDone, Problems: len(problems), Rows: []RowOutcome{}}
	for i, res := range results {
		out.Rows = append(out.Rows, RowOutcome{Line: lines[i], BatchResult: res})
		switch res.Status {
		case BatchIssued:
			out.Issued++
		case BatchExisting:
			out.Existing++
		case BatchFailed:
			out.Failed++
		}
	}
	out.Skipped = len(p.Rows) - len(items)
	raw, err := json.Marshal(out)
	if err != nil {
		return ImportOutcome{}, fmt.Errorf("encode outcome: %w", err)
	}
	if err := st.FinishImport(context.WithoutCancel(ctx), importID, raw); err != nil {
		return ImportOutcome{}, err
	}
	m.slips.log.InfoContext(ctx, "table issued", "import_id", importID, "meeting_id", mt.ID, "issued", out.Issued,
		"existing", out.Existing, "failed", out.Failed, "seconds", time.Since(start).Seconds(), "failures", batchError(results))
	return out, nil
}

// ProblemID is the id of a problem of a meeting's list, from its text: the
// same list imported twice names each problem once.
func ProblemID(meetingID, problem string) string {
	return uuid.NewSHA1(batchNamespace, []byte("problem\x00"+meetingID+"\x00"+problem)).String()
}

func applyFixes(rows []ImportRow, fixes []RowFix) error {
	byLine := map[int]int{}
	for i, r := range rows {
		byLine[r.Line] = i
	}
	for _, f := range fixes {
		i, ok := byLine[f.Line]
		if !ok {
			return slip.Invalid("rows", "表中没有第 %d 行", f.Line)
		}
		r := &rows[i]
		r.Skip = f.Skip
		if f.LeadDepartment != nil {
			r.LeadDepartment = strings.TrimSpace(*f.LeadDepartment)
			dropIssues(r, "lead_department")
		}
		if f.CoDepartments != nil {
			r.CoDepartments = slices.DeleteFunc(slices.Clone(*f.CoDepartments), func(c string) bool { return c == "" || c == r.LeadDepartment })
			dropIssues(r, "co_departments")
		}
		if f.Deadline != nil || f.DeadlineWorkingDays != nil {
			r.Deadline, r.DeadlineWorkingDays = calendar.Date{}, 0
			if f.Deadline != nil {
				r.Deadline = *f.Deadline
			}
			if f.DeadlineWorkingDays != nil {
				r.DeadlineWorkingDays = *f.DeadlineWorkingDays
			}
			dropIssues(r, "deadline")
		}
	}
	return nil
}

// dropIssues forgets what readRow found about a field the office has now
// set by hand.
func dropIssues(r *ImportRow, field string) {
	r.Issues = slices.DeleteFunc(r.Issues, func(is RowIssue) bool { return is.Field == field })
}

// ImportProgress is an import's state for a progress bar.
func (m *Meetings) ImportProgress(ctx context.Context, user identity.User, importID string) (store.SheetImport, error) {
	if user.Role != slip.RoleOffice {
		return store.SheetImport{}, slip.Forbidden("只有督查室可以查看导入进度")
	}
	return m.slips.store.GetImport(ctx, importID)
}
