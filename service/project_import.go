package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/project"
	"github.com/duban-gov/duban/sheetimport"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
)

// ProjectImportEntry is one project of an uploaded list: the rows it was
// read from, the draft duban made of them, and what is wrong with it. A
// project with a blocking issue keeps the list from being confirmed.
type ProjectImportEntry struct {
	Lines      []int         `json:"lines"`
	Draft      project.Draft `json:"draft"`
	LeaderName string        `json:"leader_name"`
	// Planned is true when the list gave no 节点 and the milestones were
	// planned backwards from the end date.
	Planned    bool                     `json:"planned"`
	Milestones []project.MilestoneDraft `json:"milestones"`
	Issues     []RowIssue               `json:"issues"`
}

// Blocked reports whether the entry has a blocking issue.
func (e ProjectImportEntry) Blocked() bool {
	for _, i := range e.Issues {
		if i.Blocking {
			return true
		}
	}
	return false
}

// ProjectPreview is an uploaded project list read and checked, nothing
// created: the office confirms it as a whole once no project is blocked.
type ProjectPreview struct {
	ID         string                       `json:"id"`
	FileName   string                       `json:"file_name"`
	Format     string                       `json:"format"`
	HeaderLine int                          `json:"header_line"`
	Columns    map[sheetimport.Field]string `json:"columns"`
	Entries    []ProjectImportEntry         `json:"entries"`
	Projects   int                          `json:"projects"`
	Blocked    int                          `json:"blocked"`
}

// ProjectImportOutcome is what a confirmed list became: a project per entry.
type ProjectImportOutcome struct {
	ID       string   `json:"id"`
	Projects []string `json:"projects"`
}

// projectImportLimits bound an uploaded project list (as a meeting's).
var projectImportLimits = sheetimport.DefaultLimits

// PreviewImport reads an uploaded project list (XLSX or CSV, with the
// refusals of a meeting's table) into projects and checks each as Create
// would, creating nothing. Rows with the same 项目名称 (or none, under a
// project's first row) are one project's milestones.
func (p *Projects) PreviewImport(ctx context.Context, user identity.User, fileName string, data []byte) (ProjectPreview, error) {
	if user.Role != slip.RoleOffice {
		return ProjectPreview{}, slip.Forbidden("只有督查室可以导入重点项目")
	}
	tab, err := sheetimport.ParseWith(fileName, data, projectImportLimits, sheetimport.ProjectSchema)
	if err != nil {
		return ProjectPreview{}, err
	}
	st := p.slips.store
	dir, err := unitDirectory(ctx, st)
	if err != nil {
		return ProjectPreview{}, err
	}
	users, err := st.ListUsers(ctx)
	if err != nil {
		return ProjectPreview{}, err
	}
	leaders := map[string]int64{}
	for _, u := range users {
		if u.Role == slip.RoleLeader && !u.Disabled {
			leaders[u.Name] = u.ID
		}
	}
	cats, err := st.ProjectCategories(ctx)
	if err != nil {
		return ProjectPreview{}, err
	}
	entries := groupProjects(tab.Rows, dir, leaders, cats)
	out := ProjectPreview{FileName: fileName, Format: tab.Format, HeaderLine: tab.HeaderLine, Columns: tab.Columns, Entries: entries, Projects: len(entries)}
	for i := range out.Entries {
		e := &out.Entries[i]
		if !e.Blocked() {
			pr, err := p.prepare(ctx, user, e.Draft)
			if de := slip.AsError(err); de != nil {
				e.Issues = append(e.Issues, RowIssue{Code: de.Code, Field: de.Field, Message: de.Message, Blocking: true})
			} else if err != nil {
				return ProjectPreview{}, err
			} else {
				e.Milestones = nil
				for _, m := range pr.Milestones {
					e.Milestones = append(e.Milestones, project.MilestoneDraft{Key: m.Key, OwnerUnit: m.OwnerUnit, Planned: m.Planned})
				}
			}
		}
		if e.Blocked() {
			out.Blocked++
		}
	}
	id, err := uuid.NewV7()
	if err != nil {
		return ProjectPreview{}, err
	}
	out.ID = id.String()
	raw, err := json.Marshal(out)
	if err != nil {
		return ProjectPreview{}, fmt.Errorf("encode project preview: %w", err)
	}
	sum := sha256.Sum256(data)
	if err := st.CreateProjectImport(ctx, store.ProjectImport{ID: out.ID, FileName: fileName, FileSHA256: hex.EncodeToString(sum[:]),
		Preview: raw, CreatedBy: user.Name}); err != nil {
		return ProjectPreview{}, err
	}
	p.slips.log.InfoContext(ctx, "project list previewed", "import_id", out.ID, "projects", out.Projects, "blocked", out.Blocked)
	return out, nil
}

// ConfirmImport creates every project of a previewed list, or none while
// one is blocked (422 rows_invalid). Each project's idempotency key is the
// import's and its place in the list, so a confirm retried after a timeout
// creates only what the first did not.
func (p *Projects) ConfirmImport(ctx context.Context, user identity.User, importID string) (ProjectImportOutcome, error) {
	if user.Role != slip.RoleOffice {
		return ProjectImportOutcome{}, slip.Forbidden("只有督查室可以导入重点项目")
	}
	im, err := p.slips.store.GetProjectImport(ctx, importID)
	if err != nil {
		return ProjectImportOutcome{}, err
	}
	var pv ProjectPreview
	if err := json.Unmarshal(im.Preview, &pv); err != nil {
		return ProjectImportOutcome{}, fmt.Errorf("decode project import %s: %w", importID, err)
	}
	var blocked []string
	for _, e := range pv.Entries {
		if e.Blocked() {
			blocked = append(blocked, e.Draft.Name)
		}
	}
	if len(blocked) > 0 {
		return ProjectImportOutcome{}, slip.Unprocessable("rows_invalid", "entries", "项目“%s”仍有问题，请修改表格后重新导入；未登记任何项目", strings.Join(blocked, "”“"))
	}
	out := ProjectImportOutcome{ID: importID, Projects: []string{}}
	for i, e := range pv.Entries {
		pr, err := p.Create(ctx, user, e.Draft, fmt.Sprintf("import/%s/%d", importID, i))
		if err != nil {
			return ProjectImportOutcome{}, fmt.Errorf("project %d (%s) of import %s: %w", i+1, e.Draft.Name, importID, err)
		}
		out.Projects = append(out.Projects, pr.ID)
	}
	raw, err := json.Marshal(out)
	if err != nil {
		return ProjectImportOutcome{}, fmt.Errorf("encode project import outcome: %w", err)
	}
	if err := p.slips.store.FinishProjectImport(context.WithoutCancel(ctx), importID, raw); err != nil {
		return ProjectImportOutcome{}, err
	}
	return out, nil
}

// groupProjects reads rows into projects: a row naming a project starts it
// (or continues it, when it names the one above); a row without a name
// adds a milestone to the project above.
func groupProjects(rows []sheetimport.Row, dir *sheetimport.Directory, leaders map[string]int64, cats []project.Category) []ProjectImportEntry {
	var out []ProjectImportEntry
	var cat project.Category
	for _, r := range rows {
		name := r.Get(sheetimport.FieldProject)
		if name == "" && len(out) == 0 {
			name = "（未填项目名称）"
		}
		if name != "" && (len(out) == 0 || out[len(out)-1].Draft.Name != name) {
			out = append(out, ProjectImportEntry{Draft: project.Draft{Name: name}, Issues: []RowIssue{}})
			cat = project.Category{}
		}
		e := &out[len(out)-1]
		e.Lines = append(e.Lines, r.Line)
		issue := func(code, field, format string, args ...any) {
			e.Issues = append(e.Issues, RowIssue{Code: code, Field: field, Message: fmt.Sprintf("第 %d 行：", r.Line) + fmt.Sprintf(format, args...), Blocking: true})
		}
		unit := func(field sheetimport.Field) string {
			v := r.Get(field)
			if v == "" {
				return ""
			}
			m := dir.Lookup(v)
			switch {
			case m.Code != "":
				return m.Code
			case len(m.Candidates) > 0:
				issue(IssueAmbiguousUnit, string(field), "单位“%s”可能是 %s，请写全称", v, strings.Join(m.Candidates, "、"))
			default:
				issue(IssueUnknownUnit, string(field), "单位“%s”不存在", v)
			}
			return ""
		}
		d := &e.Draft
		if v := r.Get(sheetimport.FieldCategory); v != "" && d.Category == "" {
			for _, c := range cats {
				if c.Code == v || c.Name == v {
					d.Category, cat = c.Code, c
				}
			}
			if d.Category == "" {
				issue(project.CodeUnknownCategory, "category", "项目类别“%s”不存在", v)
			}
		}
		if v := r.Get(sheetimport.FieldBatch); v != "" && d.Batch == "" {
			d.Batch = v
		}
		if d.OwnerUnit == "" {
			d.OwnerUnit = unit(sheetimport.FieldOwner)
		}
		if v := r.Get(sheetimport.FieldLeader); v != "" && d.LeaderID == 0 {
			e.LeaderName = v
			if d.LeaderID = leaders[v]; d.LeaderID == 0 {
				issue(project.CodeUnknownLeader, "leader", "责任领导“%s”不是领导账号", v)
			}
		}
		if v := r.Get(sheetimport.FieldInvestment); v != "" && d.Investment == 0 {
			n, ok := parseWan(v)
			if !ok {
				issue("bad_investment", "investment", "总投资“%s”须为万元数，最多两位小数", v)
			}
			d.Investment = n
		}
		if v := r.Get(sheetimport.FieldEndDate); v != "" && d.EndDate.IsZero() {
			if dl, ok := sheetimport.ParseDeadline(v); ok && !dl.Date.IsZero() {
				d.EndDate = dl.Date
			} else {
				issue(IssueBadDeadline, "end_date", "完成时间“%s”须为日期", v)
			}
		}
		if v := r.Get(sheetimport.FieldMilestone); v != "" {
			md := project.MilestoneDraft{Key: v, OwnerUnit: unit(sheetimport.FieldMilestoneOwner)}
			for _, n := range cat.Nodes {
				if n.Name == v || n.Key == v {
					md.Key = n.Key
				}
			}
			if pv := r.Get(sheetimport.FieldPlanned); pv != "" {
				if dl, ok := sheetimport.ParseDeadline(pv); ok && !dl.Date.IsZero() {
					md.Planned = dl.Date
				} else {
					issue(IssueBadDeadline, "planned", "节点计划时间“%s”须为日期", pv)
				}
			}
			d.Milestones = append(d.Milestones, md)
		}
	}
	for i := range out {
		out[i].Planned = len(out[i].Draft.Milestones) == 0
	}
	return out
}

var wanPattern = regexp.MustCompile(`^(\d{1,12})(?:\.(\d{1,2}))?$`)

// parseWan reads an amount in 万元 ("1,250.5") into hundredths, exactly.
func parseWan(s string) (int64, bool) {
	s = strings.ReplaceAll(strings.ReplaceAll(strings.TrimSpace(s), ",", ""), "，", "")
	m := wanPattern.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	whole, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		return 0, false
	}
	frac := 0
	if m[2] != "" {
		frac, _ = strconv.Atoi((m[2] + "0")[:2])
	}
	return whole*100 + int64(frac), true
}
