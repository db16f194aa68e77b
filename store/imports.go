package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/slip"
)

// sheetImportRow is an uploaded table: its preview and, once confirmed,
// the progress and outcome of issuing it.
type sheetImportRow struct {
	ID         string `gorm:"primaryKey"`
	MeetingID  string
	FileName   string
	FileSha256 string `gorm:"column:file_sha256"`
	Rows       string
	Status     string
	Total      int
	Done       int
	Results    string
	CreatedBy  string
	CreatedAt  time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt  time.Time `gorm:"autoUpdateTime:false"`
}

func (sheetImportRow) TableName() string { return "sheet_imports" }

// The states of an import.
const (
	ImportPreviewed = "previewed"
	ImportIssuing   = "issuing"
	ImportDone      = "done"
)

// SheetImport is an uploaded table as kept. Rows and Results are the
// service's JSON; the store does not read them.
type SheetImport struct {
	ID         string          `json:"id"`
	MeetingID  string          `json:"meeting_id"`
	FileName   string          `json:"file_name"`
	FileSHA256 string          `json:"file_sha256"`
	Rows       json.RawMessage `json:"rows"`
	Status     string          `json:"status"`
	Total      int             `json:"total"`
	Done       int             `json:"done"`
	Results    json.RawMessage `json:"results"`
	CreatedBy  string          `json:"created_by"`
	CreatedAt  time.Time       `json:"created_at"`
	UpdatedAt  time.Time       `json:"updated_at"`
}

func (r sheetImportRow) toImport() SheetImport {
	return SheetImport{ID: r.ID, MeetingID: r.MeetingID, FileName: r.FileName, FileSHA256: r.FileSha256, Rows: json.RawMessage(r.Rows),
		Status: r.Status, Total: r.Total, Done: r.Done, Results: json.RawMessage(r.Results), CreatedBy: r.CreatedBy,
		CreatedAt: r.CreatedAt.In(calendar.Zone), UpdatedAt: r.UpdatedAt.In(calendar.Zone)}
}

// CreateImport keeps an uploaded table's preview.
func (s *Store) CreateImport(ctx context.Context, im SheetImport) error {
	now := time.Now().UTC()
	row := sheetImportRow{ID: im.ID, MeetingID: im.MeetingID, FileName: im.FileName, FileSha256: im.FileSHA256, Rows: string(im.Rows),
		Status: ImportPreviewed, Total: im.Total, Results: "[]", CreatedBy: im.CreatedBy, CreatedAt: now, UpdatedAt: now}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return fmt.Errorf("create import: %w", err)
	}
	return nil
}

// GetImport returns one import, or a not-found error.
func (s *Store) GetImport(ctx context.Context, id string) (SheetImport, error) {
	var row sheetImportRow
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return SheetImport{}, slip.NotFound("导入记录", id)
	}
	if err != nil {
		return SheetImport{}, fmt.Errorf("get import %s: %w", id, err)
	}
	return row.toImport(), nil
}

// StartIssuingImport records the confirmed rows and that issuing them has
// begun (again, for a retried confirm), with no progress yet.
func (s *Store) StartIssuingImport(ctx context.Context, id string, rows json.RawMessage, total int) error {
	err := s.db.WithContext(ctx).Model(&sheetImportRow{}).Where("id = ?", id).Updates(map[string]any{
		"rows": string(rows), "status": ImportIssuing, "total": total, "done": 0, "updated_at": time.Now().UTC()}).Error
	if err != nil {
		return fmt.Errorf("start import %s: %w", id, err)
	}
	return nil
}

// AddImportProgress counts n more rows of an import handled.
func (s *Store) AddImportProgress(ctx context.Context, id string, n int) error {
	err := s.db.WithContext(ctx).Exec(`UPDATE sheet_imports SET done = done + ?, updated_at = ? WHERE id = ?`, n, time.Now().UTC(), id).Error
	if err != nil {
		return fmt.Errorf("import %s progress: %w", id, err)
	}
	return nil
}

// FinishImport records the outcome of every row.
func (s *Store) FinishImport(ctx context.Context, id string, results json.RawMessage) error {
	err := s.db.WithContext(ctx).Model(&sheetImportRow{}).Where("id = ?", id).Updates(map[string]any{
		"status": ImportDone, "results": string(results), "updated_at": time.Now().UTC()}).Error
	if err != nil {
		return fmt.Errorf("finish import %s: %w", id, err)
	}
	return nil
}

// ExistingSlips returns which of ids are on the ledger, with their numbers.
func (s *Store) ExistingSlips(ctx context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	for start := 0; start < len(ids); start += 500 {
		var rows []slipRow
		end := min(start+500, len(ids))
		if err := s.db.WithContext(ctx).Select("id, number").Where("id IN ?", ids[start:end]).Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("look up slips: %w", err)
		}
		for _, r := range rows {
			out[r.ID] = r.Number
		}
	}
	return out, nil
}

// OpenSlipsLike returns the open slips led by one of leads with one of
// these titles, as title → lead department → slip number: what a new row
// would duplicate. The leads narrow the search to the (lead, status) index.
func (s *Store) OpenSlipsLike(ctx context.Context, titles, leads []string) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	if len(leads) == 0 {
		return out, nil
	}
	for start := 0; start < len(titles); start += 500 {
		var rows []slipRow
		end := min(start+500, len(titles))
		err := s.db.WithContext(ctx).Select("id, number, title, lead_department").
			Where("lead_department IN ? AND status IN ? AND title IN ?", leads, statusStrings(slip.OpenStatuses()), titles[start:end]).Find(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("look up open slips: %w", err)
		}
		for _, r := range rows {
			if out[r.Title] == nil {
				out[r.Title] = map[string]string{}
			}
			out[r.Title][r.LeadDepartment] = r.Number
		}
	}
	return out, nil
}
