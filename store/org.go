package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"gorm.io/gorm"

	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/org"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/stats"
)

// taskforceMemberRow is one member unit of a 专班 (migration 0080).
type taskforceMemberRow struct {
	TaskforceCode string `gorm:"primaryKey"`
	UnitCode      string `gorm:"primaryKey"`
}

func (taskforceMemberRow) TableName() string { return "taskforce_members" }

// OrgTree returns every department with its parent and every 专班's
// members: what identity needs to confine a user. The tree read last is
// kept while org_version (migration 0120, bumped by triggers in every
// transaction that changes departments or members) still says the version
// it was read at: a read of one row per call instead of both tables.
func (s *Store) OrgTree(ctx context.Context) (org.Tree, error) {
	var version int64
	if err := s.db.WithContext(ctx).Raw("SELECT version FROM org_version WHERE id = 1").Scan(&version).Error; err != nil {
		return org.Tree{}, fmt.Errorf("read unit tree version: %w", err)
	}
	if kept := s.tree.Load(); kept != nil && kept.version == version {
		return kept.tree, nil
	}
	// Read after the version: the rows are that version or newer, so a
	// tree kept under it is never older than what it claims (a newer one
	// is read again at the next bump, a read more than needed).
	t, err := readOrgTree(s.db.WithContext(ctx))
	if err != nil {
		return org.Tree{}, err
	}
	s.tree.Store(&keptTree{version: version, tree: t})
	return t, nil
}

// readOrgTree reads the unit tree from both tables through db.
func readOrgTree(db *gorm.DB) (org.Tree, error) {
	var rows []departmentRow
	if err := db.Select("code, parent_code, kind").Find(&rows).Error; err != nil {
		return org.Tree{}, fmt.Errorf("load unit tree: %w", err)
	}
	var members []taskforceMemberRow
	if err := db.Find(&members).Error; err != nil {
		return org.Tree{}, fmt.Errorf("load 专班 members: %w", err)
	}
	byTeam := map[string][]string{}
	for _, m := range members {
		byTeam[m.TaskforceCode] = append(byTeam[m.TaskforceCode], m.UnitCode)
	}
	nodes := make([]org.Node, 0, len(rows))
	for _, r := range rows {
		n := org.Node{Code: r.Code, Kind: org.Kind(r.Kind), Members: slices.Clip(byTeam[r.Code])}
		if r.ParentCode != nil {
			n.Parent = *r.ParentCode
		}
		nodes = append(nodes, n)
	}
	return org.NewTree(nodes), nil
}

// treeCache is the unit tree one Store read last, with the version it was
// read at (nil before the first read). A Tree is read-only once built, so
// callers share it. (Of two readers racing, the slower may keep the older
// tree: the next call then reads again.)
type treeCache = atomic.Pointer[keptTree]

// keptTree is a unit tree and the org_version it was read at.
type keptTree struct {
	version int64
	tree    org.Tree
}

// IsMember reports whether unit is a member of the 专班 team (its lead unit
// is always one). A team that is not a 专班 has no members.
func (s *Store) IsMember(ctx context.Context, team, unit string) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&taskforceMemberRow{}).
		Where("taskforce_code = ? AND unit_code = ?", team, unit).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("is %s a member of %s: %w", unit, team, err)
	}
	return n > 0, nil
}

// CreateTaskforce adds a 专班: a department of kind taskforce with its lead
// unit, 分管领导 and members. A taken code is 409; an unknown parent, lead
// or member unit, or a leader id that is not an enabled leader, is 422; none
// changes anything.
func (s *Store) CreateTaskforce(ctx context.Context, t org.Taskforce) (org.Taskforce, error) {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&departmentRow{}).Where("code = ?", t.Code).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return &slip.Error{Kind: slip.KindConflict, Code: slip.CodeDuplicate, Field: "code", Message: fmt.Sprintf("单位编码 %s 已存在", t.Code)}
		}
		if t.ParentCode != "" {
			if err := tx.Model(&departmentRow{}).Where("code = ?", t.ParentCode).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return slip.Unprocessable(slip.CodeUnknownDepartment, "parent_code", "上级单位 %s 不存在", t.ParentCode)
			}
		}
		if err := checkTaskforceParts(tx, t); err != nil {
			return err
		}
		row := departmentRow{Code: t.Code, Name: t.Name, CreatedAt: time.Now().UTC(), Kind: string(org.KindTaskforce),
			LeadUnitCode: &t.LeadUnit, LeaderUserID: idPtr(t.LeaderID)}
		if t.ParentCode != "" {
			row.ParentCode = &t.ParentCode
		}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		return putMembers(tx, t)
	})
	if duplicateKey(err) {
		err = &slip.Error{Kind: slip.KindConflict, Code: slip.CodeDuplicate, Field: "code", Message: fmt.Sprintf("单位编码 %s 已存在", t.Code)}
	}
	if err != nil {
		if de := slip.AsError(err); de != nil {
			return org.Taskforce{}, de
		}
		return org.Taskforce{}, fmt.Errorf("create 专班 %s: %w", t.Code, err)
	}
	return s.Taskforce(ctx, t.Code)
}

// UpdateTaskforce sets a 专班's name, lead unit, 分管领导 and members (the
// parent stays: moving a 专班 in the tree is not offered). A code that is no
// 专班 is 404.
func (s *Store) UpdateTaskforce(ctx context.Context, t org.Taskforce) (org.Taskforce, error) {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var row departmentRow
		err := tx.Where("code = ? AND kind = ?", t.Code, org.KindTaskforce).Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return slip.NotFound("专班", t.Code)
		}
		if err != nil {
			return err
		}
		if err := checkTaskforceParts(tx, t); err != nil {
			return err
		}
		if err := tx.Model(&departmentRow{}).Where("code = ?", t.Code).Updates(map[string]any{
			"name": t.Name, "lead_unit_code": t.LeadUnit, "leader_user_id": idPtr(t.LeaderID)}).Error; err != nil {
			return err
		}
		if err := tx.Where("taskforce_code = ?", t.Code).Delete(&taskforceMemberRow{}).Error; err != nil {
			return err
		}
		return putMembers(tx, t)
	})
	if err != nil {
		if de := slip.AsError(err); de != nil {
			return org.Taskforce{}, de
		}
		return org.Taskforce{}, fmt.Errorf("update 专班 %s: %w", t.Code, err)
	}
	return s.Taskforce(ctx, t.Code)
}

// checkTaskforceParts: the lead and members are existing units (not 专班),
// the leader an enabled leader.
func checkTaskforceParts(tx *gorm.DB, t org.Taskforce) error {
	var found []string
	if err := tx.Model(&departmentRow{}).Where("code IN ? AND kind = ?", t.Members, org.KindUnit).Pluck("code", &found).Error; err != nil {
		return err
	}
	for _, m := range t.Members {
		if !slices.Contains(found, m) {
			field := "members"
			if m == t.LeadUnit {
				field = "lead_unit"
			}
			return slip.Unprocessable(slip.CodeUnknownDepartment, field, "单位不存在或不是责任单位：%s", m)
		}
	}
	if t.LeaderID != 0 {
		if _, err := leaderUser(tx, t.LeaderID); err != nil {
			return err
		}
	}
	return nil
}

// leaderUser is the enabled leader with the id; 422 otherwise.
func leaderUser(tx *gorm.DB, id int64) (userRow, error) {
	var u userRow
	err := tx.Where("id = ? AND role = ? AND disabled_at IS NULL", id, slip.RoleLeader).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return userRow{}, slip.Unprocessable(org.CodeUnknownUser, "leader_id", "领导用户 %d 不存在或已停用", id)
	}
	return u, err
}

func putMembers(tx *gorm.DB, t org.Taskforce) error {
	for _, m := range t.Members {
		if err := tx.Create(&taskforceMemberRow{TaskforceCode: t.Code, UnitCode: m}).Error; err != nil {
			return err
		}
	}
	return nil
}

// Taskforce returns one 专班; a code that is none is 404.
func (s *Store) Taskforce(ctx context.Context, code string) (org.Taskforce, error) {
	all, err := s.taskforces(ctx, s.db.WithContext(ctx).Where("d.code = ?", code))
	if err != nil {
		return org.Taskforce{}, err
	}
	if len(all) == 0 {
		return org.Taskforce{}, slip.NotFound("专班", code)
	}
	return all[0], nil
}

// ListTaskforces returns every 专班 by code; with leaderID, only those whose
// 分管领导 that user is.
func (s *Store) ListTaskforces(ctx context.Context, leaderID int64) ([]org.Taskforce, error) {
	q := s.db.WithContext(ctx)
	if leaderID != 0 {
		q = q.Where("d.leader_user_id = ?", leaderID)
	}
	return s.taskforces(ctx, q)
}

func (s *Store) taskforces(ctx context.Context, q *gorm.DB) ([]org.Taskforce, error) {
	var rows []struct {
		Code, Name   string
		ParentCode   *string
		LeadUnitCode *string
		LeaderUserID *int64
		LeaderName   *string
	}
	err := q.Table("departments AS d").
		Select("d.code, d.name, d.parent_code, d.lead_unit_code, d.leader_user_id, u.name AS leader_name").
		Joins("LEFT JOIN users AS u ON u.id = d.leader_user_id").
		Where("d.kind = ?", org.KindTaskforce).Order("d.code").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("list 专班: %w", err)
	}
	out := make([]org.Taskforce, 0, len(rows))
	codes := make([]string, 0, len(rows))
	for _, r := range rows {
		t := org.Taskforce{Code: r.Code, Name: r.Name, Members: []string{}}
		if r.ParentCode != nil {
			t.ParentCode = *r.ParentCode
		}
		if r.LeadUnitCode != nil {
			t.LeadUnit = *r.LeadUnitCode
		}
		if r.LeaderUserID != nil {
			t.LeaderID = *r.LeaderUserID
		}
		if r.LeaderName != nil {
			t.LeaderName = *r.LeaderName
		}
		out = append(out, t)
		codes = append(codes, r.Code)
	}
	if len(codes) == 0 {
		return out, nil
	}
	var members []taskforceMemberRow
	if err := s.db.WithContext(ctx).Where("taskforce_code IN ?", codes).Order("taskforce_code, unit_code").Find(&members).Error; err != nil {
		return nil, fmt.Errorf("list 专班 members: %w", err)
	}
	for i := range out {
		for _, m := range members {
			if m.TaskforceCode == out[i].Code {
				out[i].Members = append(out[i].Members, m.UnitCode)
			}
		}
	}
	return out, nil
}

// Leader returns the enabled leader with the id; 422 unknown_leader if
// there is none (a slip's 责任领导, a 专班's 分管领导).
func (s *Store) Leader(ctx context.Context, id int64) (identity.User, error) {
	u, err := leaderUser(s.db.WithContext(ctx), id)
	if err != nil {
		if de := slip.AsError(err); de != nil {
			return identity.User{}, de
		}
		return identity.User{}, fmt.Errorf("find leader %d: %w", id, err)
	}
	return u.toUser(), nil
}

// labelLeaders names statistics rows grouped by leader: the user's name, or
// 未关联领导 for slips whose 责任领导 is free text or none.
func (s *Store) labelLeaders(ctx context.Context, rows []stats.Row) error {
	var users []userRow
	if err := s.db.WithContext(ctx).Select("id, name").Where("role = ?", slip.RoleLeader).Find(&users).Error; err != nil {
		return fmt.Errorf("name leaders: %w", err)
	}
	names := map[string]string{"": "未关联领导"}
	for _, u := range users {
		names[strconv.FormatInt(u.ID, 10)] = u.Name
	}
	for i := range rows {
		rows[i].Label = names[rows[i].Key]
	}
	return nil
}

// UnmatchedLeader is a free-text 责任领导 that no leader user answers to.
type UnmatchedLeader struct {
	Leader string `json:"leader"`
	Slips  int64  `json:"slips"`
}

// MapLeaders links slips whose 责任领导 is free text to the leader user of
// exactly that name (one enabled leader of the name; two of the same name
// are left for a person to decide), as migration 0080 did for the leaders
// there were then, and moves their counts in the statistics by leader
// (the group rollup) in the same transaction. It returns how many slips it
// linked and the texts still unmatched with their slip counts, most slips
// first. Repeating it changes nothing more.
func (s *Store) MapLeaders(ctx context.Context) (int64, []UnmatchedLeader, error) {
	match := "FROM users u WHERE u.role = 'leader' AND u.disabled_at IS NULL AND u.name = slips.leader"
	var mapped int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		rows, err := tx.Raw(`UPDATE slips SET leader_user_id = (SELECT MIN(u.id) ` + match + `)
			WHERE leader_user_id IS NULL AND leader <> '' AND (SELECT COUNT(*) ` + match + `) = 1
			RETURNING ` + strings.Join(rollupColumns, ", ")).Rows()
		if err != nil {
			return err
		}
		defer rows.Close()
		// Each slip linked was counted under "" (no leader user) until now.
		// The change is added up as the rows come, so an old ledger's
		// hundreds of thousands of slips are not all held at once.
		groups := rollupDelta{}
		for rows.Next() {
			var r slipRow
			if err := tx.ScanRows(rows, &r); err != nil {
				return err
			}
			groups.add(r, groupsOf(r), +1)
			r.LeaderUserID = nil
			groups.add(r, groupsOf(r), -1)
			mapped++
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if change := groups.sorted(); len(change) > 0 {
			return upsertRollup(tx, groupTable, change)
		}
		return nil
	})
	if err != nil {
		return 0, nil, fmt.Errorf("map leaders: %w", err)
	}
	var unmatched []UnmatchedLeader
	err = s.db.WithContext(ctx).Table("slips").Select("leader, COUNT(*) AS slips").
		Where("leader_user_id IS NULL AND leader <> ''").Group("leader").Order("slips DESC, leader").Scan(&unmatched).Error
	if err != nil {
		return 0, nil, fmt.Errorf("list unmatched leaders: %w", err)
	}
	if unmatched == nil {
		unmatched = []UnmatchedLeader{}
	}
	return mapped, unmatched, nil
}

// TaskforceMembers maps each of codes that is a 专班 to its member units
// (codes that are plain units are absent).
func (s *Store) TaskforceMembers(ctx context.Context, codes []string) (map[string][]string, error) {
	var rows []taskforceMemberRow
	if err := s.db.WithContext(ctx).Where("taskforce_code IN ?", codes).Order("taskforce_code, unit_code").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("members of 专班 %v: %w", codes, err)
	}
	out := map[string][]string{}
	for _, r := range rows {
		out[r.TaskforceCode] = append(out[r.TaskforceCode], r.UnitCode)
	}
	return out, nil
}

// LeaderNamed is the id of the one enabled leader named name, or 0 when
// there is none or more than one (a person decides between namesakes).
func (s *Store) LeaderNamed(ctx context.Context, name string) (int64, error) {
	var ids []int64
	if err := s.db.WithContext(ctx).Model(&userRow{}).Where("role = ? AND disabled_at IS NULL AND name = ?", slip.RoleLeader, name).
		Limit(2).Pluck("id", &ids).Error; err != nil {
		return 0, fmt.Errorf("find leader %s: %w", name, err)
	}
	if len(ids) != 1 {
		return 0, nil
	}
	return ids[0], nil
}

// keepKnownLeader drops a slip row's 责任领导 id unless it is a leader of
// the slip's display name, keeping the name: a ledger rebuilt from the
// workflows (reconcile) has users of its own, whose ids may be nobody's or
// someone else's, and a slip must never fail to be restored over a
// reference. POST /leaders/map links the name again.
func keepKnownLeader(tx *gorm.DB, row *slipRow) error {
	if row.LeaderUserID == nil {
		return nil
	}
	var n int64
	err := tx.Model(&userRow{}).Where("id = ? AND role = ? AND name = ?", *row.LeaderUserID, slip.RoleLeader, row.Leader).Count(&n).Error
	if err != nil {
		return fmt.Errorf("look up leader %d: %w", *row.LeaderUserID, err)
	}
	if n == 0 {
		row.LeaderUserID = nil
	}
	return nil
}

// unitsCount is the capped count of a ledger filtered by a list of units
// (Filter.VisibleUnits), on PostgreSQL, driven from the units' assignments:
// each distinct slip of the list is looked up by its key and tested against
// the rest of the filter, stopping at limit+1 matches. Written as a semi-join
// the planner hashes the list and reads every slip's key instead (430 ms at
// 246k slips for a district's fifteen units, against a few ms this way).
func (s *Store) unitsCount(ctx context.Context, f Filter, limit int64) (*gorm.DB, bool) {
	if f.VisibleUnits == nil || s.dialect != Postgres {
		return nil, false
	}
	rest := f
	rest.VisibleUnits, rest.Sort, rest.Cursor, rest.PageSize, rest.Today, rest.YellowBy = nil, "", "", 0, "", ""
	if reflect.DeepEqual(rest, Filter{}) {
		// The units' whole ledger: their assignments alone say how many.
		return s.db.WithContext(ctx).Table("slip_departments").Distinct("slip_id").
			Where("department_code IN ?", f.VisibleUnits).Limit(int(limit) + 1), true
	}
	rest.Today, rest.YellowBy = f.Today, f.YellowBy
	// Each slip is read by its key: the keyword index would not narrow
	// it, only compute the slip's pairs again to test them.
	each := s.filteredBy(ctx, rest, false).Select("1").Where("slips.id = u.slip_id")
	return s.db.WithContext(ctx).Table("(SELECT DISTINCT slip_id FROM slip_departments WHERE department_code IN ?) AS u, LATERAL (?) AS x",
		f.VisibleUnits, each).Select("1").Limit(int(limit) + 1), true
}
