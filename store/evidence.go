package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"gorm.io/gorm"

	"github.com/duban-gov/duban/evidence"
	"github.com/duban-gov/duban/slip"
)

// evidenceRow is a row of evidence_files.
type evidenceRow struct {
	ID           string `gorm:"primaryKey"`
	SlipID       string
	Purpose      string
	Name         string
	Mime         string
	Size         int64
	Sha256       string `gorm:"column:sha256"`
	BlobKey      string
	Department   string
	UploadedBy   string
	UploadedByID int64
	UploadedAt   time.Time
}

func (evidenceRow) TableName() string { return "evidence_files" }

func (r evidenceRow) file() evidence.File {
	return evidence.File{ID: r.ID, SlipID: r.SlipID, Purpose: evidence.Purpose(r.Purpose), Name: r.Name, MIME: r.Mime,
		Size: r.Size, SHA256: r.Sha256, BlobKey: r.BlobKey, Department: r.Department,
		UploadedBy: r.UploadedBy, UploadedByID: r.UploadedByID, UploadedAt: r.UploadedAt.UTC()}
}

// AddEvidence records a file whose contents are already stored.
func (s *Store) AddEvidence(ctx context.Context, f evidence.File) error {
	row := evidenceRow{ID: f.ID, SlipID: f.SlipID, Purpose: string(f.Purpose), Name: f.Name, Mime: f.MIME, Size: f.Size,
		Sha256: f.SHA256, BlobKey: f.BlobKey, Department: f.Department, UploadedBy: f.UploadedBy,
		UploadedByID: f.UploadedByID, UploadedAt: f.UploadedAt.UTC()}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return fmt.Errorf("add evidence %s of slip %s: %w", f.ID, f.SlipID, err)
	}
	return nil
}

// ListEvidence returns a slip's files, oldest first.
func (s *Store) ListEvidence(ctx context.Context, slipID string) ([]evidence.File, error) {
	var rows []evidenceRow
	if err := s.db.WithContext(ctx).Where("slip_id = ?", slipID).Order("uploaded_at, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list evidence of slip %s: %w", slipID, err)
	}
	out := make([]evidence.File, len(rows))
	for i, r := range rows {
		out[i] = r.file()
	}
	return out, nil
}

// GetEvidence returns file id of slip slipID; a file of another slip is not
// found.
func (s *Store) GetEvidence(ctx context.Context, slipID, id string) (evidence.File, error) {
	var rows []evidenceRow
	if err := s.db.WithContext(ctx).Where("slip_id = ? AND id = ?", slipID, id).Limit(1).Find(&rows).Error; err != nil {
		return evidence.File{}, fmt.Errorf("get evidence %s of slip %s: %w", id, slipID, err)
	}
	if len(rows) == 0 {
		return evidence.File{}, slip.NotFound("证明材料", id)
	}
	return rows[0].file(), nil
}

// chunkSize is the most bytes of a file one evidence_chunks row holds.
const chunkSize = 256 << 10

// EvidenceBlobs keeps evidence contents in the ledger's own database, in
// chunks: the production store (see README, "Evidence files"). A Put is one
// transaction, so a file interrupted half-way leaves no row.
func (s *Store) EvidenceBlobs() evidence.Blobs { return chunkBlobs{s} }

// EvidenceBlobCount counts the files whose contents the database holds
// (operators' checks, tests).
func (s *Store) EvidenceBlobCount(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Table("evidence_chunks").Where("n = 0").Count(&n).Error
	if err != nil {
		return 0, fmt.Errorf("count evidence blobs: %w", err)
	}
	return n, nil
}

type chunkRow struct {
	BlobKey string `gorm:"primaryKey"`
	N       int    `gorm:"primaryKey"`
	Data    []byte
}

func (chunkRow) TableName() string { return "evidence_chunks" }

type chunkBlobs struct{ s *Store }

// Put implements evidence.Blobs.
func (b chunkBlobs) Put(ctx context.Context, key string, r io.Reader) error {
	if !evidence.ValidKey(key) {
		return fmt.Errorf("put evidence blob: bad key %q", key)
	}
	buf := make([]byte, chunkSize)
	err := b.s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for n := 0; ; n++ {
			got, err := io.ReadFull(r, buf)
			if got > 0 {
				if err := tx.Create(&chunkRow{BlobKey: key, N: n, Data: buf[:got]}).Error; err != nil {
					return err
				}
			}
			switch {
			case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
				return nil
			case err != nil:
				return err
			}
		}
	})
	if err != nil {
		return fmt.Errorf("put evidence blob %s: %w", key, err)
	}
	return nil
}

// Open implements evidence.Blobs: the reader fetches one chunk at a time.
func (b chunkBlobs) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	var n int64
	if err := b.s.db.WithContext(ctx).Model(&chunkRow{}).Where("blob_key = ? AND n = 0", key).Count(&n).Error; err != nil {
		return nil, fmt.Errorf("open evidence blob %s: %w", key, err)
	}
	if n == 0 {
		return nil, evidence.ErrNotFound
	}
	return &chunkReader{ctx: ctx, s: b.s, key: key}, nil
}

// Delete implements evidence.Blobs.
func (b chunkBlobs) Delete(ctx context.Context, key string) error {
	if err := b.s.db.WithContext(ctx).Where("blob_key = ?", key).Delete(&chunkRow{}).Error; err != nil {
		return fmt.Errorf("delete evidence blob %s: %w", key, err)
	}
	return nil
}

type chunkReader struct {
	ctx  context.Context
	s    *Store
	key  string
	next int
	buf  []byte
	done bool
}

func (r *chunkReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.done {
			return 0, io.EOF
		}
		var rows []chunkRow
		if err := r.s.db.WithContext(r.ctx).Where("blob_key = ? AND n = ?", r.key, r.next).Limit(1).Find(&rows).Error; err != nil {
			return 0, fmt.Errorf("read evidence blob %s chunk %d: %w", r.key, r.next, err)
		}
		if len(rows) == 0 {
			r.done = true
			continue
		}
		r.buf, r.next = rows[0].Data, r.next+1
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

func (r *chunkReader) Close() error { r.done, r.buf = true, nil; return nil }
