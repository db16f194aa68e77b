package evidence

import (
	"slices"
	"time"
)

// Purpose says what a file backs.
type Purpose string

// The purposes of evidence files.
const (
	PurposeProgress     Purpose = "progress"     // 进展报送
	PurposeResolution   Purpose = "resolution"   // 申请办结
	PurposeReinspection Purpose = "reinspection" // 回头看
)

// Purposes lists every purpose.
var Purposes = []Purpose{PurposeProgress, PurposeResolution, PurposeReinspection}

var purposeLabels = map[Purpose]string{PurposeProgress: "进展材料", PurposeResolution: "办结材料", PurposeReinspection: "回头看材料"}

// Valid reports whether p is a known purpose.
func (p Purpose) Valid() bool { return slices.Contains(Purposes, p) }

// Label is the purpose in Chinese.
func (p Purpose) Label() string { return purposeLabels[p] }

// File is a stored evidence file of a slip: what the ledger keeps about it.
// Files are never deleted: they are kept as long as their slip, which is a
// government record kept for good.
type File struct {
	ID      string  `json:"id"`
	SlipID  string  `json:"slip_id"`
	Purpose Purpose `json:"purpose"`
	// Name is the file name the uploader gave (shown, never used as a path).
	Name   string `json:"name"`
	MIME   string `json:"content_type"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	// BlobKey names the contents in Blobs.
	BlobKey string `json:"-"`
	// Department is the uploader's department; empty for the office.
	Department   string    `json:"department,omitempty"`
	UploadedBy   string    `json:"uploaded_by"`
	UploadedByID int64     `json:"uploaded_by_id"`
	UploadedAt   time.Time `json:"uploaded_at"`
}
