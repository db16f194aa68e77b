package store

import (
	"encoding/base64"
	"encoding/json"

	"gorm.io/gorm"

	"github.com/duban-gov/duban/slip"
)

// Sort is an order of the ledger. Every order ends in the slip id, so a
// position in it is unique and keyset pagination neither skips nor repeats a
// slip however many are issued or change while a clerk pages.
type Sort string

// The orders. A leading "-" reverses one.
const (
	SortNewest         Sort = ""            // newest issued first (ids are time-ordered): the default
	SortIssued         Sort = "issued"      // issue date, oldest first
	SortIssuedDesc     Sort = "-issued"     // issue date, newest first
	SortDue            Sort = "due"         // effective deadline, most urgent first
	SortDueDesc        Sort = "-due"        // effective deadline, latest first
	SortDepartment     Sort = "department"  // lead department code
	SortDepartmentDesc Sort = "-department" // lead department code, reversed
)

// sortKey is the column an order sorts on before the id, and a row's value
// of it.
type sortKey struct {
	column string
	of     func(slipRow) string
}

// sortColumns are the keys of the named orders. All are text (dates as
// YYYY-MM-DD), so comparisons behave alike on both databases, and each has
// an index ending in id (migration 0004).
var sortColumns = map[Sort]sortKey{
	SortIssued:     {"issued_on", func(r slipRow) string { return r.IssuedOn }},
	SortDue:        {"effective_deadline", func(r slipRow) string { return r.EffectiveDeadline }},
	SortDepartment: {"lead_department", func(r slipRow) string { return r.LeadDepartment }},
}

// Valid reports whether o is a known order.
func (o Sort) Valid() bool {
	if o == SortNewest {
		return true
	}
	_, ok := sortColumns[Sort(trimMinus(string(o)))]
	return ok
}

func trimMinus(s string) string {
	if len(s) > 0 && s[0] == '-' {
		return s[1:]
	}
	return s
}

// InvalidSort is the error for an unknown order.
func InvalidSort() error {
	return slip.Invalid("sort", "排序方式只能是 issued、due、department（前加 - 为倒序）")
}

// key gives the sort key (zero for the id alone) and the direction.
func (o Sort) key() (k sortKey, desc bool) {
	if o == SortNewest {
		return sortKey{}, true
	}
	name := trimMinus(string(o))
	return sortColumns[Sort(name)], name != string(o)
}

// position is where a page ended: the sort key and id of its last slip.
type position struct {
	Sort Sort   `json:"s,omitempty"`
	Key  string `json:"k,omitempty"`
	ID   string `json:"id"`
}

// keyOf is row's value of the sort column ("" for the id alone).
func (o Sort) keyOf(r slipRow) string {
	if k, _ := o.key(); k.of != nil {
		return k.of(r)
	}
	return ""
}

// after orders q by o and, given a position, keeps only what comes after it.
func (o Sort) after(q *gorm.DB, p *position) *gorm.DB {
	k, desc := o.key()
	col := k.column
	dir, cmp := "ASC", ">"
	if desc {
		dir, cmp = "DESC", "<"
	}
	if col == "" {
		if p != nil {
			q = q.Where("id "+cmp+" ?", p.ID)
		}
		return q.Order("id " + dir)
	}
	if p != nil {
		q = q.Where("("+col+", id) "+cmp+" (?, ?)", p.Key, p.ID)
	}
	return q.Order(col + " " + dir).Order("id " + dir)
}

// encodeCursor is the opaque cursor of the position after row.
func (o Sort) encodeCursor(r slipRow) string {
	b, _ := json.Marshal(position{Sort: o, Key: o.keyOf(r), ID: r.ID}) // strings only: cannot fail
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor reads a cursor made by encodeCursor for the same order; any
// other is a domain error (400), never a query.
func (o Sort) decodeCursor(cursor string) (*position, error) {
	invalid := slip.Invalid("cursor", "分页游标无效（换了排序方式请从第一页开始）")
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || len(b) == 0 || len(b) > 512 {
		return nil, invalid
	}
	var p position
	if err := json.Unmarshal(b, &p); err != nil || p.ID == "" || p.Sort != o {
		return nil, invalid
	}
	return &p, nil
}
