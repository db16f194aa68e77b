package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/project"
	"github.com/duban-gov/duban/slip"
)

type projectCategoryRow struct {
	Code      string `gorm:"primaryKey"`
	Name      string
	Doc       string
	UpdatedAt time.Time
}

func (projectCategoryRow) TableName() string { return "project_categories" }

type projectRow struct {
	ID         string `gorm:"primaryKey"`
	Name       string
	Category   string
	Batch      string
	OwnerUnit  string
	LeaderID   int64
	LeaderName string
	Investment int64
	EndDate    string
	Status     string
	WorstDue   string
	Started    bool
	Doc        string
	Seq        int64
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (projectRow) TableName() string { return "projects" }

type projectMilestoneRow struct {
	ProjectID       string `gorm:"primaryKey"`
	Milestone       string `gorm:"primaryKey"`
	Position        int
	Name            string
	OwnerUnit       string
	Planned         string
	Due             string
	Actual          string
	Status          string
	EscalationLevel int
}

func (projectMilestoneRow) TableName() string { return "project_milestones" }

type projectEventRow struct {
	ProjectID string `gorm:"primaryKey"`
	Seq       int64  `gorm:"primaryKey"`
	Type      string
	At        time.Time
	Doc       string
}

func (projectEventRow) TableName() string { return "project_events" }

// dateText is a date as the project tables keep it ("" for none), so that
// text order is date order.
func dateText(d calendar.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// PutProjectCategory creates or replaces a project category (the admin's
// template). Running projects keep the milestones they were created with.
func (s *Store) PutProjectCategory(ctx context.Context, c project.Category, now time.Time) error {
	doc, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode category %s: %w", c.Code, err)
	}
	row := projectCategoryRow{Code: c.Code, Name: c.Name, Doc: string(doc), UpdatedAt: now.UTC()}
	err = s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "code"}},
		DoUpdates: clause.AssignmentColumns([]string{"name", "doc", "updated_at"}),
	}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("put category %s: %w", c.Code, err)
	}
	return nil
}

// ProjectCategory returns the category with code, or a not-found error.
func (s *Store) ProjectCategory(ctx context.Context, code string) (project.Category, error) {
	var row projectCategoryRow
	if err := s.db.WithContext(ctx).Where("code = ?", code).Take(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return project.Category{}, slip.NotFound("项目类别", code)
		}
		return project.Category{}, fmt.Errorf("read category %s: %w", code, err)
	}
	var c project.Category
	if err := json.Unmarshal([]byte(row.Doc), &c); err != nil {
		return project.Category{}, fmt.Errorf("decode category %s: %w", code, err)
	}
	return c, nil
}

// ProjectCategories lists every category by code.
func (s *Store) ProjectCategories(ctx context.Context) ([]project.Category, error) {
	var rows []projectCategoryRow
	if err := s.db.WithContext(ctx).Order("code").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list categories: %w", err)
	}
	out := make([]project.Category, 0, len(rows))
	for _, r := range rows {
		var c project.Category
		if err := json.Unmarshal([]byte(r.Doc), &c); err != nil {
			return nil, fmt.Errorf("decode category %s: %w", r.Code, err)
		}
		out = append(out, c)
	}
	return out, nil
}

// ProjectProject writes a project event and the project as it stands after
// it, in one transaction. The event is inserted by (project, seq) and never
// duplicated; the project row and its milestone rows move only forward
// (a retry or a late write of an older state changes nothing).
func (s *Store) ProjectProject(ctx context.Context, p project.Project, ev project.Event) error {
	doc, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode project %s: %w", p.ID, err)
	}
	evDoc, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("encode event %d of project %s: %w", ev.Seq, p.ID, err)
	}
	now := ev.At.UTC()
	row := projectRow{ID: p.ID, Name: p.Name, Category: p.Category, Batch: p.Batch, OwnerUnit: p.OwnerUnit, LeaderID: p.LeaderID,
		LeaderName: p.LeaderName, Investment: p.Investment, EndDate: dateText(p.EndDate), Status: string(p.Status),
		WorstDue: dateText(p.WorstDue()), Started: p.Started(), Doc: string(doc), Seq: p.Seq, CreatedAt: p.CreatedAt.UTC(), UpdatedAt: now}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// The ledger may hold another event under this number (one whose
		// workflow task was lost after it was written): the proposed one
		// must not pass for it. A repeat of this very write goes through as
		// a no-op. (A project's writes are serialised by its workflow.)
		var held []projectEventRow
		if err := tx.Where("project_id = ? AND seq = ?", p.ID, ev.Seq).Limit(1).Find(&held).Error; err != nil {
			return fmt.Errorf("read event %d: %w", ev.Seq, err)
		}
		if len(held) == 1 {
			var heldEv project.Event
			if err := json.Unmarshal([]byte(held[0].Doc), &heldEv); err != nil {
				return fmt.Errorf("decode event %d: %w", ev.Seq, err)
			}
			if heldEv.Type != ev.Type || heldEv.Milestone != ev.Milestone {
				return &ProjectEventConflictError{ProjectID: p.ID, Seq: ev.Seq, Held: heldEv.Type, Proposed: ev.Type}
			}
		}
		upd := tx.Clauses(clause.OnConflict{
			Columns: []clause.Column{{Name: "id"}},
			DoUpdates: clause.AssignmentColumns([]string{"name", "batch", "owner_unit", "leader_id", "leader_name", "investment",
				"end_date", "status", "worst_due", "started", "doc", "seq", "updated_at"}),
			Where: clause.Where{Exprs: []clause.Expression{clause.Expr{SQL: "projects.seq < ?", Vars: []any{row.Seq}}}},
		}).Create(&row)
		if upd.Error != nil {
			return upd.Error
		}
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&projectEventRow{ProjectID: p.ID, Seq: ev.Seq,
			Type: string(ev.Type), At: now, Doc: string(evDoc)}).Error; err != nil {
			return err
		}
		if upd.RowsAffected == 0 {
			return nil // the ledger holds this state or a later one
		}
		if err := tx.Where("project_id = ?", p.ID).Delete(&projectMilestoneRow{}).Error; err != nil {
			return err
		}
		ms := make([]projectMilestoneRow, 0, len(p.Milestones))
		for i, m := range p.Milestones {
			ms = append(ms, projectMilestoneRow{ProjectID: p.ID, Milestone: m.Key, Position: i, Name: m.Name, OwnerUnit: m.OwnerUnit,
				Planned: dateText(m.Planned), Due: dateText(m.Due), Actual: dateText(m.Actual), Status: string(m.Status), EscalationLevel: m.EscalationLevel})
		}
		if len(ms) == 0 {
			return nil
		}
		return tx.Create(&ms).Error
	})
	if err != nil {
		return fmt.Errorf("project event %d (%s) of project %s: %w", ev.Seq, ev.Type, p.ID, err)
	}
	return nil
}

// ProjectEventConflictError says the ledger holds another event under a
// project event's number: the ledger is ahead of the workflow proposing it.
// The proposed action is refused, never written over the held one.
type ProjectEventConflictError struct {
	ProjectID string
	Seq       int64
	Held      project.Action
	Proposed  project.Action
}

func (e *ProjectEventConflictError) Error() string {
	return fmt.Sprintf("project %s: the ledger holds %s as event %d, not %s", e.ProjectID, e.Held, e.Seq, e.Proposed)
}

// GetProject returns the project with id as the ledger has it.
func (s *Store) GetProject(ctx context.Context, id string) (project.Project, error) {
	var row projectRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return project.Project{}, slip.NotFound("项目", id)
		}
		return project.Project{}, fmt.Errorf("read project %s: %w", id, err)
	}
	return decodeProject(row)
}

func decodeProject(row projectRow) (project.Project, error) {
	var p project.Project
	if err := json.Unmarshal([]byte(row.Doc), &p); err != nil {
		return project.Project{}, fmt.Errorf("decode project %s: %w", row.ID, err)
	}
	return p, nil
}

// ProjectTimeline returns a project's events in order.
func (s *Store) ProjectTimeline(ctx context.Context, id string) ([]project.Event, error) {
	var rows []projectEventRow
	if err := s.db.WithContext(ctx).Where("project_id = ?", id).Order("seq").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("timeline of project %s: %w", id, err)
	}
	out := make([]project.Event, 0, len(rows))
	for _, r := range rows {
		var ev project.Event
		if err := json.Unmarshal([]byte(r.Doc), &ev); err != nil {
			return nil, fmt.Errorf("decode event %d of project %s: %w", r.Seq, id, err)
		}
		out = append(out, ev)
	}
	return out, nil
}

// ProjectFilter selects projects; zero fields select all. Units, when set,
// keeps only the projects those units may see: owned, or owning a
// milestone (identity.ProjectScope decides when it is set). Colour needs
// Today and YellowBy.
type ProjectFilter struct {
	// Units, when not nil, keeps the projects owned by one of them or with
	// a milestone owned by one (none when empty).
	Units    []string
	Batch    string
	Owner    string
	LeaderID int64
	Category string
	Colour   string // red, yellow, green, or "closed" for 已销号
	Today    calendar.Date
	YellowBy calendar.Date
}

func (f ProjectFilter) apply(q *gorm.DB) *gorm.DB {
	switch {
	case f.Units == nil:
	case len(f.Units) == 0:
		q = q.Where("1 = 0")
	default:
		q = q.Where("(p.owner_unit IN ? OR EXISTS (SELECT 1 FROM project_milestones m WHERE m.project_id = p.id AND m.owner_unit IN ?))", f.Units, f.Units)
	}
	for col, v := range map[string]string{"p.batch": f.Batch, "p.owner_unit": f.Owner, "p.category": f.Category} {
		if v != "" {
			q = q.Where(col+" = ?", v)
		}
	}
	if f.LeaderID != 0 {
		q = q.Where("p.leader_id = ?", f.LeaderID)
	}
	if f.Colour != "" {
		q = q.Where(colourCase(f)+" = ?", f.Colour)
	}
	return q
}

// colourCase is a project's 三色 in SQL, as project.Project.Colour computes
// it: by its worst open milestone's due date.
func colourCase(f ProjectFilter) string {
	today, yellow := dateText(f.Today), dateText(f.YellowBy)
	return fmt.Sprintf(`(CASE WHEN p.status = 'signed_off' THEN 'closed'
		WHEN p.worst_due <> '' AND p.worst_due < '%s' THEN 'red'
		WHEN p.worst_due <> '' AND p.worst_due <= '%s' THEN 'yellow'
		ELSE 'green' END)`, today, yellow)
}

// ListProjects returns the projects f selects, soonest end date first.
func (s *Store) ListProjects(ctx context.Context, f ProjectFilter) ([]project.Project, error) {
	var rows []projectRow
	q := f.apply(s.db.WithContext(ctx).Table("projects p").Select("p.*"))
	if err := q.Order("p.end_date, p.id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list projects: %w", err)
	}
	out := make([]project.Project, 0, len(rows))
	for _, r := range rows {
		p, err := decodeProject(r)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// ProjectCount is one group of the project statistics.
type ProjectCount struct {
	Key       string `json:"key"`
	Total     int    `json:"total"`
	Started   int    `json:"started"`
	SignedOff int    `json:"signed_off"`
	Red       int    `json:"red"`
	Yellow    int    `json:"yellow"`
	Green     int    `json:"green"`
}

// ProjectGroupings are the columns project counts group by.
var ProjectGroupings = map[string]string{"batch": "p.batch", "owner": "p.owner_unit", "category": "p.category", "leader": "p.leader_name", "": "''"}

// CountProjects counts the projects f selects by group ("batch", "owner",
// "category", "leader", or "" for one total row): started (已开工),
// signed off (已销号) and each colour.
func (s *Store) CountProjects(ctx context.Context, f ProjectFilter, groupBy string) ([]ProjectCount, error) {
	col, ok := ProjectGroupings[groupBy]
	if !ok {
		return nil, slip.Invalid("group_by", "只能按 batch、owner、category 或 leader 分组")
	}
	colour := colourCase(f)
	var out []ProjectCount
	q := f.apply(s.db.WithContext(ctx).Table("projects p").Select(col + ` AS key, COUNT(*) AS total,
		COALESCE(SUM(CASE WHEN p.started THEN 1 ELSE 0 END), 0) AS started,
		COALESCE(SUM(CASE WHEN p.status = 'signed_off' THEN 1 ELSE 0 END), 0) AS signed_off,
		COALESCE(SUM(CASE WHEN ` + colour + ` = 'red' THEN 1 ELSE 0 END), 0) AS red,
		COALESCE(SUM(CASE WHEN ` + colour + ` = 'yellow' THEN 1 ELSE 0 END), 0) AS yellow,
		COALESCE(SUM(CASE WHEN ` + colour + ` = 'green' THEN 1 ELSE 0 END), 0) AS green`))
	if groupBy != "" {
		q = q.Group(col).Order(col)
	}
	if err := q.Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("count projects by %q: %w", groupBy, err)
	}
	if out == nil {
		out = []ProjectCount{}
	}
	return out, nil
}

// MilestoneCount is one unit's milestones: met on time, met late, open and
// overdue, open and not yet due, accepted.
type MilestoneCount struct {
	Unit     string `json:"unit"`
	Total    int    `json:"total"`
	OnTime   int    `json:"on_time"`
	Late     int    `json:"late"`
	Overdue  int    `json:"overdue"`
	Open     int    `json:"open"`
	Accepted int    `json:"accepted"`
}

// CountMilestones counts the milestones of the projects f selects by the
// unit that owns each milestone, on date f.Today.
func (s *Store) CountMilestones(ctx context.Context, f ProjectFilter) ([]MilestoneCount, error) {
	today := dateText(f.Today)
	var out []MilestoneCount
	q := f.apply(s.db.WithContext(ctx).Table("project_milestones pm").Joins("JOIN projects p ON p.id = pm.project_id").
		Select(`pm.owner_unit AS unit, COUNT(*) AS total,
		COALESCE(SUM(CASE WHEN pm.actual <> '' AND pm.actual <= pm.due THEN 1 ELSE 0 END), 0) AS on_time,
		COALESCE(SUM(CASE WHEN pm.actual <> '' AND pm.actual > pm.due THEN 1 ELSE 0 END), 0) AS late,
		COALESCE(SUM(CASE WHEN pm.status = 'open' AND pm.due < ? THEN 1 ELSE 0 END), 0) AS overdue,
		COALESCE(SUM(CASE WHEN pm.status = 'open' THEN 1 ELSE 0 END), 0) AS open,
		COALESCE(SUM(CASE WHEN pm.status = 'accepted' THEN 1 ELSE 0 END), 0) AS accepted`, today))
	if err := q.Group("pm.owner_unit").Order("pm.owner_unit").Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("count milestones: %w", err)
	}
	if out == nil {
		out = []MilestoneCount{}
	}
	return out, nil
}

// ProjectImport is an uploaded project list as kept: the preview and, once
// confirmed, the results (the service's JSON; the store does not read it).
type ProjectImport struct {
	ID         string          `json:"id"`
	FileName   string          `json:"file_name"`
	FileSHA256 string          `json:"file_sha256"`
	Preview    json.RawMessage `json:"preview"`
	Status     string          `json:"status"`
	Results    json.RawMessage `json:"results"`
	CreatedBy  string          `json:"created_by"`
	CreatedAt  time.Time       `json:"created_at"`
}

type projectImportRow struct {
	ID         string `gorm:"primaryKey"`
	FileName   string
	FileSha256 string
	Preview    string
	Status     string
	Results    string
	CreatedBy  string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (projectImportRow) TableName() string { return "project_imports" }

// CreateProjectImport keeps an uploaded list's preview.
func (s *Store) CreateProjectImport(ctx context.Context, im ProjectImport) error {
	now := time.Now().UTC()
	row := projectImportRow{ID: im.ID, FileName: im.FileName, FileSha256: im.FileSHA256, Preview: string(im.Preview),
		Status: ImportPreviewed, Results: "[]", CreatedBy: im.CreatedBy, CreatedAt: now, UpdatedAt: now}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return fmt.Errorf("create project import: %w", err)
	}
	return nil
}

// GetProjectImport returns one project import, or a not-found error.
func (s *Store) GetProjectImport(ctx context.Context, id string) (ProjectImport, error) {
	var row projectImportRow
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ProjectImport{}, slip.NotFound("导入记录", id)
	}
	if err != nil {
		return ProjectImport{}, fmt.Errorf("get project import %s: %w", id, err)
	}
	return ProjectImport{ID: row.ID, FileName: row.FileName, FileSHA256: row.FileSha256, Preview: json.RawMessage(row.Preview),
		Status: row.Status, Results: json.RawMessage(row.Results), CreatedBy: row.CreatedBy, CreatedAt: row.CreatedAt.In(calendar.Zone)}, nil
}

// FinishProjectImport records what each entry of a confirmed list became.
func (s *Store) FinishProjectImport(ctx context.Context, id string, results json.RawMessage) error {
	err := s.db.WithContext(ctx).Model(&projectImportRow{}).Where("id = ?", id).Updates(map[string]any{
		"status": ImportDone, "results": string(results), "updated_at": time.Now().UTC()}).Error
	if err != nil {
		return fmt.Errorf("finish project import %s: %w", id, err)
	}
	return nil
}
