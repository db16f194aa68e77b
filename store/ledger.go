package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgtype"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/duban-gov/duban/slip"
)

// Page sizes of the ledger.
const (
	DefaultPageSize = 20
	MaxPageSize     = 200
)

// MaxCount is how far the ledger counts the slips a filter matches. Past it a
// page says "more than MaxCount" (Page.TotalCapped) instead of counting a
// department's hundred thousand slips on every page: exact figures at any
// size are what the statistics are for.
const MaxCount = 10_000

// MaxKeywordCount is how far the ledger counts the slips a keyword search
// (Filter.Query) matches: each match is confirmed on its row, so counting to
// MaxCount read ten thousand rows at a million slips (about 150 ms); a search
// past a thousand matches is narrowed, not paged through.
const MaxKeywordCount = 1000

// countLimit is MaxCount and keywordCountLimit MaxKeywordCount, lowered by
// tests.
var (
	countLimit        int64 = MaxCount
	keywordCountLimit int64 = MaxKeywordCount
)

// Filter selects slips from the ledger. Zero fields do not filter.
type Filter struct {
	Statuses   []slip.Status
	Department string // lead or co-unit
	// VisibleTo, when set, restricts the ledger to the slips this
	// department leads or helps with: what a department user may see.
	VisibleTo string
	// VisibleUnits, when not nil, restricts the ledger to the slips on any
	// of these departments (lead or co-unit): a department with its 专班, a
	// scoped office's subtree (identity.User.Visible). Empty: nothing.
	VisibleUnits []string
	// LeaderID keeps the slips whose 责任领导 is this user.
	LeaderID int64
	Batch    string
	Category string
	// Meeting and Problem keep the slips of one meeting, or the measures
	// of one problem.
	Meeting string
	Problem string
	// OverdueOn, when set (YYYY-MM-DD), keeps only open slips whose
	// deadline is before that day.
	OverdueOn string
	// Colour keeps open slips of one 三色 colour ("red", "yellow", "green")
	// as of Today, with YellowBy the last deadline that counts as due soon.
	Colour   string
	Today    string
	YellowBy string
	// MinEscalation keeps slips whose escalation level is at least this.
	MinEscalation int
	// PendingExtension keeps slips with an extension request awaiting the
	// office's decision (延期待批): the office's queue, however deep in the
	// ledger those slips lie.
	PendingExtension bool
	// SentBack keeps slips sent back for rework at least once (退回重办):
	// a department's workbench names the reasons of its own in progress.
	SentBack bool
	Query    string // substring of title or content
	// Lead keeps slips this department leads (牵头); Department matches
	// lead or co-unit.
	Lead     string
	Priority string
	// IssuedFrom..IssuedTo and DueFrom..DueTo are inclusive date ranges
	// (YYYY-MM-DD, either end may be empty) on the issue date and on the
	// effective deadline.
	IssuedFrom, IssuedTo string
	DueFrom, DueTo       string
	Sort                 Sort
	PageSize             int
	Cursor               string // from Page.NextCursor, made for the same Sort
}

// Page is one page of the ledger, in the filter's order.
type Page struct {
	Items      []slip.Slip
	NextCursor string // empty on the last page
	// Total counts the slips matching the filter over all pages, up to
	// MaxCount (MaxKeywordCount with a keyword); TotalCapped says there are
	// more than that.
	Total       int64
	TotalCapped bool
}

// GetSlip returns one slip, or a not-found domain error.
func (s *Store) GetSlip(ctx context.Context, id string) (slip.Slip, error) {
	rows, err := s.readSlip(ctx, id)
	if err != nil {
		return slip.Slip{}, fmt.Errorf("get slip %s: %w", id, err)
	}
	if len(rows) == 0 {
		return slip.Slip{}, slip.NotFound("交办单", id)
	}
	slips, err := s.withDepartments(ctx, rows)
	if err != nil {
		return slip.Slip{}, err
	}
	return slips[0], nil
}

// readSlip reads the row of slip id (none if there is none) in a statement
// written by hand: every action's request reads its slip first.
func (s *Store) readSlip(ctx context.Context, id string) ([]slipRow, error) {
	q := newRawSQL(s.db, 1)
	q.WriteString("SELECT * FROM slips WHERE id = ")
	q.arg(id)
	rs, err := q.queryIn(ctx, s.db)
	if err != nil {
		return nil, err
	}
	return s.scanSlipRows(rs)
}

// Timeline returns a slip's events in sequence order.
func (s *Store) Timeline(ctx context.Context, id string) ([]slip.Event, error) {
	var rows []eventRow
	if err := s.db.WithContext(ctx).Where("slip_id = ?", id).Order("seq").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("timeline of slip %s: %w", id, err)
	}
	events := make([]slip.Event, 0, len(rows))
	for _, r := range rows {
		e, err := r.toEvent()
		if err != nil {
			return nil, err
		}
		events = append(events, e)
	}
	return events, nil
}

// escapeLike makes s match literally inside a LIKE pattern with ESCAPE '!'.
func escapeLike(s string) string {
	r := strings.NewReplacer("!", "!!", "%", "!%", "_", "!_")
	return r.Replace(s)
}

// filteredBy is the query of the slips f selects, narrowing a keyword by the
// keyword index only when useIndex (see useKeywordIndex): the index finds
// every slip with the keyword's pairs, which is what a rare keyword wants and
// a common one does not (there, walking the page's order and testing each
// slip finds a page sooner).
func (s *Store) filteredBy(ctx context.Context, f Filter, useIndex bool) *gorm.DB {
	q := s.db.WithContext(ctx).Model(&slipRow{})
	switch {
	case len(f.Statuses) == 1 && f.Sort == SortNewest && s.dialect == Postgres:
		// Not "status = ?": PostgreSQL would then drop the status from
		// the order as constant (see Filter.ordered).
		q = q.Where("status = ANY(ARRAY[?])", statusStrings(f.Statuses))
	case len(f.Statuses) > 0:
		q = q.Where("status IN ?", statusStrings(f.Statuses))
	}
	if f.Department != "" {
		q = q.Where(inDepartment, f.Department)
	}
	if f.VisibleTo != "" && !f.byOwnPart() { // else implied by the part's condition (colour.go)
		q = q.Where(inDepartment, f.VisibleTo)
	}
	if f.VisibleUnits != nil {
		q = q.Where(inUnits, f.VisibleUnits)
	}
	if f.LeaderID != 0 {
		q = q.Where("leader_user_id = ?", f.LeaderID)
	}
	if f.Batch != "" {
		q = q.Where("batch = ?", f.Batch)
	}
	if f.Category != "" {
		q = q.Where("category = ?", f.Category)
	}
	if f.Meeting != "" {
		q = q.Where("meeting_id = ?", f.Meeting)
	}
	if f.Problem != "" {
		q = q.Where("problem_id = ?", f.Problem)
	}
	for _, c := range f.colourFilters() {
		q = q.Where(c.sql, c.args...)
	}
	if f.Lead != "" {
		q = q.Where("lead_department = ?", f.Lead)
	}
	if f.Priority != "" {
		q = q.Where("priority = ?", f.Priority)
	}
	for _, r := range []struct{ cond, value string }{
		{"issued_on >= ?", f.IssuedFrom}, {"issued_on <= ?", f.IssuedTo},
		{"effective_deadline >= ?", f.DueFrom}, {"effective_deadline <= ?", f.DueTo},
	} {
		if r.value != "" {
			q = q.Where(r.cond, r.value)
		}
	}
	if f.MinEscalation > 0 {
		q = q.Where("escalation_level >= ?", f.MinEscalation)
	}
	if f.PendingExtension {
		q = q.Where("pending_extension IS NOT NULL")
	}
	if f.SentBack {
		q = q.Where("rework_count > 0")
	}
	if f.Query != "" {
		lower := strings.ToLower(f.Query)
		if useIndex && s.indexesKeyword(f) {
			// Narrowed by the keyword index (migration 0100): the slips
			// with every pair of the keyword, or (one character) with any
			// pair that holds it (keyword_pairs, migration 0130).
			unit, byUnit := f.keywordUnit()
			oneCharacter := utf8.RuneCountInString(lower) == 1
			switch {
			case oneCharacter && byUnit:
				q = q.Where(keywordTerms+" @> ARRAY[duban_unit_term(?)] AND "+keywordTerms+" && "+pairsHolding, unit, lower, lower)
			case oneCharacter:
				q = q.Where(keywordTerms+" && "+pairsHolding, lower, lower)
			case byUnit:
				q = q.Where(keywordTerms+" @> (duban_bigrams(?) || duban_unit_term(?))", lower, unit)
			default:
				q = q.Where(keywordTerms+" @> duban_bigrams(?)", lower)
			}
		}
		q = q.Where("("+textHas(lower)+")", textHasArgs(lower)...)
	}
	return q
}

// textHas is the condition that a slip's title or content holds the
// lowercased keyword lower (its arguments: textHasArgs). A keyword of
// characters that have no case (caseless: Chinese, digits, punctuation) is
// looked for in the text as it is, since lowercasing cannot make or unmake a
// match of it: LOWER of a slip's text was most of a common keyword's search
// (河's count, 6.4k rows: 31 ms with it, 11-12 without).
//
// The text is still an expression there, the column joined to an empty
// string, not the bare column: PostgreSQL then guesses a keyword's share as
// it does for LOWER(title), and the ledger's plans stay those measured at a
// million slips. On the bare columns it estimates the share from their
// statistics and chose worse ones: 住建局's 小区 hashed all 35k matches
// before counting a thousand (330 ms instead of 35), and its 纺织厂宿舍 read
// the whole ledger and sorted it rather than walk the unit's newest slips
// (1.5 s instead of 35 ms).
func textHas(lower string) string {
	if strings.IndexFunc(lower, func(r rune) bool { return !caseless(r) }) < 0 {
		return "(title || '') LIKE ? ESCAPE '!' OR (content || '') LIKE ? ESCAPE '!'"
	}
	return "LOWER(title) LIKE ? ESCAPE '!' OR LOWER(content) LIKE ? ESCAPE '!'"
}

// textHasArgs are textHas's arguments: the LIKE pattern of lower, twice.
func textHasArgs(lower string) []any {
	pattern := "%" + escapeLike(lower) + "%"
	return []any{pattern, pattern}
}

// caseless reports whether no character but r itself lowercases to r, so that
// r is in a text exactly where it is in the text lowercased: the scripts
// without case (Han, kana, Hangul, Bopomofo), and any other character that is
// no letter and has no case partner (digits, punctuation, blanks). No letter
// is, even one without a partner, since lowercasing is not case folding:
// U+0130 (İ) has no partner to fold to and lowercases to i.
func caseless(r rune) bool {
	if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul, unicode.Bopomofo) {
		return true
	}
	return !unicode.IsLetter(r) && unicode.SimpleFold(r) == r
}

// keywordTerms is the expression the keyword index (slips_keyword_idx,
// migration 0100) keeps: the character pairs of a slip's lowercased title
// and content, and a term for each department it is on (slips.units).
const keywordTerms = "duban_keyword_terms(LOWER(title || ' ' || content), units)"

// pairsHolding is every character pair the keyword index may hold with one
// character ($1, $2: the character twice), from keyword_pairs (migration
// 0130): every character of a slip's text is in one of its pairs. Written
// as a subquery rather than sent as a list, the planner cannot guess from
// the list how common the character is, and so does not walk the ledger
// computing each slip's pairs to test them (what an index of single
// characters, tried before, made it do for a common one: 河 550 ms).
const pairsHolding = "ARRAY(SELECT DISTINCT pair FROM keyword_pairs WHERE left(pair, 1) = ? OR right(pair, 1) = ?)"

// indexesKeyword reports whether f's keyword can be narrowed by the keyword
// index: on PostgreSQL, any keyword but a single blank (the text's pairs
// hold every character of it, except the blank joining an empty title and
// content).
func (s *Store) indexesKeyword(f Filter) bool {
	if f.Query == "" || s.dialect != Postgres {
		return false
	}
	lower := strings.ToLower(f.Query)
	first, _ := utf8.DecodeRuneInString(lower)
	return utf8.RuneCountInString(lower) >= 2 || !unicode.IsSpace(first)
}

// useKeywordIndex reports whether a search for f's keyword is narrowed by
// the keyword index. On one unit's ledger it always is: the index finds the
// slips with the keyword and the unit together (河 on 住建局's, 12k of its
// 107k slips, in 40 ms). Across the ledger only if the keyword is rare
// (commonKeyword), since the index then finds every slip with it before the
// first page — 河's 146k at a million slips: 0.8 s to count a page, 57 s to
// export, as its bitmap outgrows work_mem and each slip's pairs are computed
// again to recheck it; 整治's 150k, 0.9 s to count — while walking the page's
// order finds a thousand within a few thousand.
func (s *Store) useKeywordIndex(ctx context.Context, f Filter) (bool, error) {
	if !s.indexesKeyword(f) {
		return false, nil
	}
	if _, ok := f.keywordUnit(); ok {
		return true, nil
	}
	common, err := s.commonKeyword(ctx, strings.ToLower(f.Query))
	return !common, err
}

// Sampling how common a keyword is (commonKeyword): the newest
// keywordSample slips of the ledger (the same sample every time: a scan's
// first rows depend on where another scan happens to be, and 桥, in 3.5 % of
// the slips, turned common now and then), common when more than
// commonKeywordShare of them have it. Below that the index's bitmap of a
// million slips keeps each page exactly (桥, in 3.5 %: 35k slips on 30k
// pages, within the default work_mem); above it walking the order meets a
// thousand matches within 20k slips.
// (commonKeywordShare is a variable for the tests, which take both ways.)
const keywordSample = 400

var commonKeywordShare = 0.05

// commonKeyword reports whether the keyword q is common in the ledger, from
// a sample of its slips (2–3 ms at a million).
func (s *Store) commonKeyword(ctx context.Context, q string) (bool, error) {
	sample := s.db.WithContext(ctx).Model(&slipRow{}).Select("title, content").Order("id DESC").Limit(keywordSample)
	var n int64
	err := s.db.WithContext(ctx).Table("(?) AS sample", sample).
		Where(textHas(q), textHasArgs(q)...).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("sample keyword %q: %w", q, err)
	}
	return float64(n) > commonKeywordShare*keywordSample, nil
}

// keywordUnit is the department whose term a keyword search asks the index
// for besides the keyword's pairs, when f keeps only that department's slips
// (a department's own ledger, the department filter, a scope of one unit): the
// index then finds the slips with the pairs on that department, instead of
// the whole city's for the exact filter to sift (issue 16: 24k rows read for
// 电梯 to keep 住建局's 6.5k). The exact filter stays in the query, so the
// term only narrows. A list of several units (a department with its 专班, a
// scoped office's subtree) asks for the pairs alone, as before.
func (f Filter) keywordUnit() (string, bool) {
	switch {
	case f.VisibleTo != "" && !f.byOwnPart():
		return f.VisibleTo, true
	case f.Department != "":
		return f.Department, true
	case len(f.VisibleUnits) == 1: // inUnits with one code: a one-unit scope
		return f.VisibleUnits[0], true
	}
	return "", false
}

// ListSlips returns one page of the ledger matching f, in f.Sort's order,
// with keyset pagination: a page does not shift when slips are issued
// meanwhile, and a deep page costs what the first one does.
func (s *Store) ListSlips(ctx context.Context, f Filter) (page Page, err error) {
	if f.Query == "" {
		// No parallel plan was ever seen for these pages; the transaction
		// of serially would only add its round trips (1–2 ms of 3–6).
		return s.listSlips(ctx, f)
	}
	err = s.serially(ctx, func(s *Store) error {
		page, err = s.listSlips(ctx, f)
		return err
	})
	return page, err
}

// listSlips is ListSlips on s as given.
func (s *Store) listSlips(ctx context.Context, f Filter) (Page, error) {
	if !f.Sort.Valid() {
		return Page{}, InvalidSort()
	}
	if f.PageSize <= 0 {
		f.PageSize = DefaultPageSize
	}
	if f.PageSize > MaxPageSize {
		f.PageSize = MaxPageSize
	}
	var after *position
	if f.Cursor != "" {
		p, err := f.Sort.decodeCursor(f.Cursor)
		if err != nil {
			return Page{}, err
		}
		after = p
	}
	useIndex, err := s.useKeywordIndex(ctx, f)
	if err != nil {
		return Page{}, err
	}
	_, byUnit := f.keywordUnit()
	var page Page
	limit := countLimit
	if f.Query != "" {
		limit = min(limit, keywordCountLimit)
	}
	if rollup, ok := s.rollupCount(ctx, f); ok {
		// Counted from the statistics' rollup: a few hundred rows instead
		// of up to MaxCount slips read one by one.
		if err := rollup.Scan(&page.Total).Error; err != nil {
			return Page{}, fmt.Errorf("count ledger: %w", err)
		}
	} else {
		capped := s.filteredBy(ctx, f, useIndex).Select("1").Limit(int(limit) + 1)
		if own, ok := s.ownPartCount(ctx, f, limit); ok {
			capped = own // a unit's own parts by colour or overdue (colour.go)
		} else if dept, ok := f.departmentOnly(); ok {
			// A department's whole ledger: its assignments alone say how many,
			// without touching a slip.
			capped = s.db.WithContext(ctx).Table("slip_departments").Select("1").
				Where("department_code = ?", dept).Limit(int(limit) + 1)
		}
		if units, ok := s.unitsCount(ctx, f, limit); ok && !(useIndex && byUnit) {
			// A subtree's or 专班 member's ledger (store/org.go). With a
			// keyword on one unit's ledger, the index's lookup of the
			// keyword and the unit together is cheaper than walking the
			// unit's assignments and testing each slip (a one-unit
			// scope's 电梯: 440 ms that way).
			capped = units
		}
		if err := s.db.WithContext(ctx).Table("(?) AS matching", capped).Count(&page.Total).Error; err != nil {
			return Page{}, fmt.Errorf("count ledger: %w", err)
		}
	}
	if page.Total > limit {
		page.Total, page.TotalCapped = limit, true
	}
	// A keyword matching more than keywordCountLimit slips is common
	// enough that walking the order finds a page within a few thousand
	// rows; the index would make the database read every match first.
	q, own := s.ownPartPage(ctx, f, after, f.PageSize+1) // a unit's own parts by colour or overdue (colour.go)
	if !own {
		q = f.ordered(s.filteredBy(ctx, f, useIndex && !page.TotalCapped), after).Limit(f.PageSize + 1)
	}
	rows, err := s.readSlipRows(q)
	if err != nil {
		return Page{}, fmt.Errorf("list ledger: %w", err)
	}
	if len(rows) > f.PageSize {
		rows = rows[:f.PageSize]
		page.NextCursor = f.Sort.encodeCursor(rows[len(rows)-1])
	}
	items, err := s.withDepartments(ctx, rows)
	if err != nil {
		return Page{}, err
	}
	page.Items = items
	return page, nil
}

// ordered orders q by f.Sort after a position (see Sort.after). Newest first
// with one status, it orders by the status first — the same order, as the
// status is fixed — so that PostgreSQL walks the (status, id) index
// (migration 0010): otherwise it walks every slip newest first expecting the
// status to turn up soon, and the newest slips are the open ones (a
// department's closed slips: 18k rows skipped, 16-30 ms; on the index, 2.6
// ms). filteredBy writes that one status as "= ANY(ARRAY[…])", which the
// planner does not treat as a constant to drop from the order.
func (f Filter) ordered(q *gorm.DB, after *position) *gorm.DB {
	if f.Sort == SortNewest && len(f.Statuses) == 1 {
		q = q.Order("status DESC")
	}
	return f.Sort.after(q, after)
}

// departmentOnly reports whether f selects exactly the slips of one
// department (lead or co-unit), and which: its page count can then come from
// the department's assignments alone.
func (f Filter) departmentOnly() (string, bool) {
	rest := f
	rest.VisibleTo, rest.Department, rest.Today, rest.YellowBy, rest.Sort, rest.PageSize, rest.Cursor = "", "", "", "", "", 0, ""
	if !reflect.DeepEqual(rest, Filter{}) {
		return "", false
	}
	switch {
	case f.VisibleTo != "" && f.Department != "" && f.VisibleTo != f.Department:
		return "", false
	case f.VisibleTo != "":
		return f.VisibleTo, true
	case f.Department != "":
		return f.Department, true
	}
	return "", false
}

// rollupCount is the query counting what f selects from the slip_stats
// rollup (migration 0005), when f filters only by what the rollup keeps: a
// department (lead or co-unit), a lead department, a scoped office's subtree
// (migration 0160), statuses, overdue and 三色 colour. The rollup counts
// each slip once per department it is on (and once for each above them),
// and keeps status, effective deadline and acknowledgement reminder for
// open slips, the columns those conditions read; it is kept in step with the
// slips in the transaction that changes them, so the count is exact. A
// department's whole ledger, and the whole ledger's filters, are left to the
// capped count (cheaper there: an index-only scan stopping at MaxCount).
func (s *Store) rollupCount(ctx context.Context, f Filter) (*gorm.DB, bool) {
	if !useRollup {
		return nil, false
	}
	rest := f
	rest.VisibleTo, rest.Department, rest.Lead, rest.Statuses, rest.OverdueOn = "", "", "", nil, ""
	rest.Colour, rest.Today, rest.YellowBy, rest.Sort, rest.PageSize, rest.Cursor = "", "", "", "", 0, ""
	rest.VisibleUnits = nil
	if !reflect.DeepEqual(rest, Filter{}) {
		return nil, false
	}
	if f.byOwnPart() {
		return nil, false // the rollup keeps slips' colours, not each unit's part's
	}
	colour, hasColour := colourConditions(rollupColourColumn, f.Today, f.YellowBy)[f.Colour]
	var scope string
	if f.VisibleUnits != nil {
		// A scoped office's subtree, by its root's rows in every role
		// (migration 0160), even unfiltered: its units' assignments
		// are tens of thousands to read for a district.
		var ok bool
		if scope, ok = s.scopeOf(ctx, f.VisibleUnits); !ok || f.VisibleTo != "" || f.Department != "" || f.Lead != "" {
			return nil, false
		}
	} else if len(f.Statuses) == 0 && f.OverdueOn == "" && !hasColour {
		return nil, false // no condition the rollup helps with
	}
	if f.VisibleTo != "" && f.Department != "" && f.VisibleTo != f.Department {
		return nil, false
	}
	dept := cmp.Or(f.VisibleTo, f.Department)
	q := s.db.WithContext(ctx).Table("slip_stats").Select("COALESCE(SUM(slips), 0)")
	switch {
	case scope != "":
		q = q.Where("department_code = ?", scope)
	case dept != "" && f.Lead != "" && f.Lead != dept:
		return nil, false // led by one, on another's ledger: not in the rollup
	case dept != "" && f.Lead != "":
		q = q.Where("department_code = ? AND role = ?", dept, "lead")
	case dept != "":
		q = q.Where("department_code = ? AND "+ownRoles, dept)
	case f.Lead != "":
		q = q.Where("department_code = ? AND role = ?", f.Lead, "lead")
	default:
		// The whole ledger by status, overdue or colour: the capped count
		// is an index-only scan on (status, id) or (status,
		// effective_deadline), cheaper than summing every department's
		// rows of open slips.
		return nil, false
	}
	if len(f.Statuses) > 0 {
		q = q.Where("status IN ?", statusStrings(f.Statuses))
	}
	if f.OverdueOn != "" {
		c := overdueOn(rollupColourColumn, f.OverdueOn)
		q = q.Where(c.sql, c.args...)
	}
	if hasColour {
		q = q.Where(colour.sql, colour.args...)
	}
	return q, true
}

// withDepartments loads the departments of rows in one query.
func (s *Store) withDepartments(ctx context.Context, rows []slipRow) ([]slip.Slip, error) {
	return s.appendSlips(ctx, make([]slip.Slip, 0, len(rows)), rows, decodeTrack)
}

// appendSlips appends to out the slips of rows, with their departments and
// parts (decoded by decode), and returns the extended slice (withDepartments
// into a batch the caller keeps).
func (s *Store) appendSlips(ctx context.Context, out []slip.Slip, rows []slipRow, decode trackDecoder) ([]slip.Slip, error) {
	start := len(out)
	// A row read by slipScanner on PostgreSQL came with its units, the lead
	// first, then the co-units, as slip_departments orders them; the others'
	// departments are asked for.
	var ids []string
	for _, r := range rows {
		if len(r.units) == 0 {
			ids = append(ids, r.ID)
		}
	}
	var bySlip map[string][]slipDepartmentRow
	if len(ids) > 0 {
		bySlip = make(map[string][]slipDepartmentRow, len(ids))
		if err := s.loadDepartments(ctx, ids, bySlip); err != nil {
			return nil, err
		}
	}
	for _, r := range rows {
		var co []string
		if n := len(r.units); n > 0 {
			co = r.units[1:n:n] // its own array (each row's units are); appending copies
		} else {
			co = coUnits(bySlip[r.ID])
		}
		out = append(out, r.toSlip(co))
	}
	if err := s.attachTracks(ctx, out[start:], decode); err != nil {
		return nil, err
	}
	return out, nil
}

// coUnits are the co-units among a slip's department rows, in order (never
// nil: a slip without co-units has an empty list).
func coUnits(depts []slipDepartmentRow) []string {
	co := []string{}
	for _, d := range depts {
		if d.Role == "co" {
			co = append(co, d.DepartmentCode)
		}
	}
	return co
}

// readSlipRows runs q, a query of the slips table, and reads its rows with
// slipScanner: on PostgreSQL each row then comes with its units, which
// saves withDepartments a query.
func (s *Store) readSlipRows(q *gorm.DB) ([]slipRow, error) {
	rs, err := q.Model(&slipRow{}).Rows()
	if err != nil {
		return nil, err
	}
	return s.scanSlipRows(rs)
}

// scanSlipRows reads the rows of rs, a query of the slips table, with
// slipScanner, and closes it.
func (s *Store) scanSlipRows(rs *sql.Rows) ([]slipRow, error) {
	defer rs.Close()
	scan, err := s.slipScanner(rs)
	if err != nil {
		return nil, err
	}
	var out []slipRow
	for rs.Next() {
		// Scanned in place: a row scanned into a local variable through the
		// scan function would be a kilobyte on the heap, copied.
		out = append(out, slipRow{})
		if err := scan(&out[len(out)-1]); err != nil {
			return nil, err
		}
	}
	return out, rs.Err()
}

// slipIn is the condition that slip_id is one of ids: on PostgreSQL one
// array parameter, rather than a parameter per id, which an export batch of
// a thousand made GORM write out and PostgreSQL parse and plan again for
// every batch. The array goes to pgx as its own array type, which it sends
// as is (a text form through driver.Valuer, it would parse again first).
func (s *Store) slipIn(ids []string) clause.Expr {
	if s.dialect == Postgres {
		arr := pgtype.Array[string]{Elements: ids, Dims: []pgtype.ArrayDimension{{Length: int32(len(ids)), LowerBound: 1}}, Valid: true}
		return clause.Expr{SQL: "slip_id = ANY(?)", Vars: []any{arr}}
	}
	return clause.Expr{SQL: "slip_id IN ?", Vars: []any{ids}}
}

// loadDepartments adds the departments of the slips ids to bySlip, in
// order (the lead first).
func (s *Store) loadDepartments(ctx context.Context, ids []string, bySlip map[string][]slipDepartmentRow) error {
	if len(ids) == 0 {
		return nil
	}
	// Scanned by hand: four fixed columns, read for every slip of every
	// page and export batch, where GORM's reflection was a quarter of an
	// export's CPU. On SQLite, where every action reads its slip's, also
	// written by hand (PostgreSQL's rows mostly come with their units, and
	// take the ids as one array).
	var (
		rs  *sql.Rows
		err error
	)
	if s.dialect == Postgres {
		rs, err = s.db.WithContext(ctx).Model(&slipDepartmentRow{}).Select("slip_id, department_code, role, position").
			Where(s.slipIn(ids)).Order("slip_id, position").Rows()
	} else {
		q := newRawSQL(s.db, len(ids))
		q.WriteString("SELECT slip_id, department_code, role, position FROM slip_departments WHERE slip_id IN ")
		q.texts(ids)
		q.WriteString(" ORDER BY slip_id, position")
		rs, err = q.queryIn(ctx, s.db)
	}
	if err != nil {
		return fmt.Errorf("load slip departments: %w", err)
	}
	defer rs.Close()
	for rs.Next() {
		var d slipDepartmentRow
		if err := rs.Scan(&d.SlipID, &d.DepartmentCode, &d.Role, &d.Position); err != nil {
			return fmt.Errorf("load slip departments: %w", err)
		}
		bySlip[d.SlipID] = append(bySlip[d.SlipID], d)
	}
	if err := rs.Err(); err != nil {
		return fmt.Errorf("load slip departments: %w", err)
	}
	return nil
}

func statusStrings(ss []slip.Status) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}
