package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/identity"
	"github.com/duban-gov/duban/slip"
)

type userRow struct {
	ID             int64 `gorm:"primaryKey"`
	Login          string
	Name           string
	Role           string
	DepartmentCode *string
	PasswordHash   string
	CreatedAt      time.Time `gorm:"autoCreateTime:false"`
	DisabledAt     *time.Time
	ScopeCode      *string // migration 0080: the subtree a scoped office works in
}

func (userRow) TableName() string { return "users" }

func (r userRow) toUser() identity.User {
	u := identity.User{ID: r.ID, Login: r.Login, Name: r.Name, Role: slip.Role(r.Role), Disabled: r.DisabledAt != nil}
	if r.DepartmentCode != nil {
		u.Department = *r.DepartmentCode
	}
	if r.ScopeCode != nil {
		u.Scope = *r.ScopeCode
	}
	return u
}

type tokenRow struct {
	ID         int64 `gorm:"primaryKey"`
	UserID     int64
	TokenHash  string
	Label      string
	CreatedAt  time.Time `gorm:"autoCreateTime:false"`
	ExpiresAt  *time.Time
	RevokedAt  *time.Time
	LastUsedAt *time.Time
}

func (tokenRow) TableName() string { return "api_tokens" }

type sessionRow struct {
	TokenHash string `gorm:"primaryKey"`
	UserID    int64
	CsrfToken string
	CreatedAt time.Time `gorm:"autoCreateTime:false"`
	ExpiresAt time.Time
}

func (sessionRow) TableName() string { return "sessions" }

// CreateUser adds a user; passwordHash may be empty (token-only user).
func (s *Store) CreateUser(ctx context.Context, u identity.User, passwordHash string) (identity.User, error) {
	if err := u.Validate(); err != nil {
		return identity.User{}, err
	}
	if u.Department != "" {
		missing, err := s.MissingDepartments(ctx, []string{u.Department})
		if err != nil {
			return identity.User{}, err
		}
		if len(missing) > 0 {
			return identity.User{}, slip.Unprocessable(slip.CodeUnknownDepartment, "department", "单位不存在：%s", u.Department)
		}
	}
	if u.Scope != "" {
		missing, err := s.MissingDepartments(ctx, []string{u.Scope})
		if err != nil {
			return identity.User{}, err
		}
		if len(missing) > 0 {
			return identity.User{}, slip.Unprocessable(slip.CodeUnknownDepartment, "scope", "管辖范围的单位不存在：%s", u.Scope)
		}
	}
	row := userRow{Login: u.Login, Name: strings.TrimSpace(u.Name), Role: string(u.Role), PasswordHash: passwordHash, CreatedAt: time.Now().UTC()}
	if u.Department != "" {
		row.DepartmentCode = &u.Department
	}
	if u.Scope != "" {
		row.ScopeCode = &u.Scope
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&userRow{}).Where("login = ?", u.Login).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return &slip.Error{Kind: slip.KindConflict, Code: slip.CodeDuplicate, Field: "login", Message: fmt.Sprintf("登录名 %s 已存在", u.Login)}
		}
		return tx.Create(&row).Error
	})
	if duplicateKey(err) { // made between the check and the insert
		err = &slip.Error{Kind: slip.KindConflict, Code: slip.CodeDuplicate, Field: "login", Message: fmt.Sprintf("登录名 %s 已存在", u.Login)}
	}
	if err != nil {
		if de := slip.AsError(err); de != nil {
			return identity.User{}, de
		}
		return identity.User{}, fmt.Errorf("create user %s: %w", u.Login, err)
	}
	return row.toUser(), nil
}

// UserByLogin finds a user and their password hash.
func (s *Store) UserByLogin(ctx context.Context, login string) (identity.User, string, error) {
	var row userRow
	err := s.db.WithContext(ctx).Where("login = ?", login).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return identity.User{}, "", slip.NotFound("用户", login)
	}
	if err != nil {
		return identity.User{}, "", fmt.Errorf("find user %s: %w", login, err)
	}
	return row.toUser(), row.PasswordHash, nil
}

// ListUsers returns every user by login.
func (s *Store) ListUsers(ctx context.Context) ([]identity.User, error) {
	var rows []userRow
	if err := s.db.WithContext(ctx).Order("login").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	out := make([]identity.User, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.toUser())
	}
	return out, nil
}

// DisableUser stops a user from signing in; their tokens stop working.
func (s *Store) DisableUser(ctx context.Context, login string) error {
	res := s.db.WithContext(ctx).Model(&userRow{}).Where("login = ? AND disabled_at IS NULL", login).Update("disabled_at", time.Now().UTC())
	if res.Error != nil {
		return fmt.Errorf("disable user %s: %w", login, res.Error)
	}
	if res.RowsAffected == 0 {
		if _, _, err := s.UserByLogin(ctx, login); err != nil {
			return err
		}
	}
	return nil
}

// Token describes an API token without its secret.
type Token struct {
	ID        int64      `json:"id"`
	UserID    int64      `json:"user_id"`
	Label     string     `json:"label"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at"`
	RevokedAt *time.Time `json:"revoked_at"`
}

// CreateToken records an API token for a user by the hash of its secret
// (identity.NewToken makes both; the plain secret is never stored). ttl 0
// means no expiry.
func (s *Store) CreateToken(ctx context.Context, userID int64, label, tokenHash string, ttl time.Duration) (Token, error) {
	now := time.Now().UTC()
	row := tokenRow{UserID: userID, TokenHash: tokenHash, Label: label, CreatedAt: now}
	if ttl > 0 {
		exp := now.Add(ttl)
		row.ExpiresAt = &exp
	}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return Token{}, fmt.Errorf("create token for user %d: %w", userID, err)
	}
	return Token{ID: row.ID, UserID: userID, Label: label, CreatedAt: now, ExpiresAt: row.ExpiresAt}, nil
}

// RevokeToken ends a token now.
func (s *Store) RevokeToken(ctx context.Context, id int64) error {
	res := s.db.WithContext(ctx).Model(&tokenRow{}).Where("id = ? AND revoked_at IS NULL", id).Update("revoked_at", time.Now().UTC())
	if res.Error != nil {
		return fmt.Errorf("revoke token %d: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return slip.NotFound("令牌", fmt.Sprint(id))
	}
	return nil
}

// errBadCredentials is what every failed authentication looks like, so a
// caller cannot tell a revoked token from an unknown one.
var errBadCredentials = &slip.Error{Kind: slip.KindUnauthorized, Code: slip.CodeUnauthenticated, Message: "身份凭证无效、已过期或已撤销，请重新登录"}

// tokenUseInterval is how stale a token's last_used_at may get before a
// request refreshes it: the time is for an admin judging whether a token is
// still in use, and a write on every request would put the single SQLite
// writer (and a PostgreSQL row lock) on the path of every read.
const tokenUseInterval = time.Minute

// tokenUserRow is a token with its user, read in one statement.
type tokenUserRow struct {
	TokenID        int64
	ExpiresAt      *time.Time
	RevokedAt      *time.Time
	LastUsedAt     *time.Time
	ID             int64
	Login          string
	Name           string
	Role           string
	DepartmentCode *string
	DisabledAt     *time.Time
	ScopeCode      *string
}

// tokenUser reads the token of hash joined with its user, in one statement
// written by hand (every API request asks it).
func (s *Store) tokenUser(ctx context.Context, hash string) (tokenUserRow, bool, error) {
	q := newRawSQL(s.db, 1)
	q.WriteString(`SELECT t.id, t.expires_at, t.revoked_at, t.last_used_at, u.id, u.login, u.name, u.role, u.department_code, u.disabled_at, u.scope_code
		FROM api_tokens AS t JOIN users AS u ON u.id = t.user_id WHERE t.token_hash = `)
	q.arg(hash)
	var r tokenUserRow
	switch err := q.queryRowIn(ctx, s.db).Scan(&r.TokenID, &r.ExpiresAt, &r.RevokedAt, &r.LastUsedAt, &r.ID, &r.Login, &r.Name, &r.Role,
		&r.DepartmentCode, &r.DisabledAt, &r.ScopeCode); {
	case errors.Is(err, sql.ErrNoRows):
		return tokenUserRow{}, false, nil
	case err != nil:
		return tokenUserRow{}, false, err
	}
	return r, true, nil
}

// Authenticate finds the enabled user of a live API token, given the hash of
// its secret (identity.HashSecret): one read (the token joined with its
// user) and, at most once a tokenUseInterval per token, one write recording
// its use.
func (s *Store) Authenticate(ctx context.Context, tokenHash string, now time.Time) (identity.User, error) {
	r, found, err := s.tokenUser(ctx, tokenHash)
	if err != nil {
		return identity.User{}, fmt.Errorf("authenticate: %w", err)
	}
	if !found {
		return identity.User{}, errBadCredentials
	}
	if r.RevokedAt != nil || (r.ExpiresAt != nil && !now.Before(*r.ExpiresAt)) || r.DisabledAt != nil {
		return identity.User{}, errBadCredentials
	}
	if r.LastUsedAt == nil || now.Sub(*r.LastUsedAt) >= tokenUseInterval {
		// The condition repeats the check so concurrent requests write once;
		// a failure to record use does not refuse the caller.
		err := s.db.WithContext(ctx).Session(&gorm.Session{SkipDefaultTransaction: true}).Model(&tokenRow{}).
			Where("id = ? AND (last_used_at IS NULL OR last_used_at < ?)", r.TokenID, now.Add(-tokenUseInterval).UTC()).
			Update("last_used_at", now.UTC()).Error
		if err != nil {
			slog.WarnContext(ctx, "record token use", "token_id", r.TokenID, "error", err)
		}
	}
	u := userRow{ID: r.ID, Login: r.Login, Name: r.Name, Role: r.Role, DepartmentCode: r.DepartmentCode, DisabledAt: r.DisabledAt, ScopeCode: r.ScopeCode}
	return u.toUser(), nil
}

// CreateSession records a web session by the hash of its cookie value, with
// its CSRF token (identity.NewSession makes them).
func (s *Store) CreateSession(ctx context.Context, userID int64, sessionHash, csrf string, ttl time.Duration) error {
	return s.CreateSessionAt(ctx, userID, sessionHash, csrf, time.Now(), ttl)
}

// CreateSessionAt is CreateSession on the caller's clock: the API starts a
// session at its own now, the one SessionUser is later asked with, so the
// two agree even when the API's clock is not the wall clock (tests).
func (s *Store) CreateSessionAt(ctx context.Context, userID int64, sessionHash, csrf string, at time.Time, ttl time.Duration) error {
	now := at.UTC()
	row := sessionRow{TokenHash: sessionHash, UserID: userID, CsrfToken: csrf, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// SessionUser finds the user of a live session, given the hash of its
// cookie value, and the session's CSRF token, in one read (the session
// joined with its user).
func (s *Store) SessionUser(ctx context.Context, sessionHash string, now time.Time) (identity.User, string, error) {
	var found []sessionUserRow
	err := s.db.WithContext(ctx).Table("sessions AS s").
		Select("s.csrf_token, s.expires_at AS session_expires_at, u.id, u.login, u.name, u.role, u.department_code, u.disabled_at, u.scope_code").
		Joins("JOIN users AS u ON u.id = s.user_id").
		Where("s.token_hash = ?", sessionHash).Limit(1).Scan(&found).Error
	if err != nil {
		return identity.User{}, "", fmt.Errorf("find session: %w", err)
	}
	if len(found) == 0 {
		return identity.User{}, "", errBadCredentials
	}
	r := found[0]
	if !now.Before(r.SessionExpiresAt) || r.DisabledAt != nil {
		return identity.User{}, "", errBadCredentials
	}
	u := userRow{ID: r.ID, Login: r.Login, Name: r.Name, Role: r.Role, DepartmentCode: r.DepartmentCode, DisabledAt: r.DisabledAt, ScopeCode: r.ScopeCode}
	return u.toUser(), r.CsrfToken, nil
}

// sessionUserRow is a session with its user, read in one statement.
type sessionUserRow struct {
	CsrfToken        string
	SessionExpiresAt time.Time
	ID               int64
	Login            string
	Name             string
	Role             string
	DepartmentCode   *string
	DisabledAt       *time.Time
	ScopeCode        *string
}

// DeleteSession ends the web session with the given cookie hash.
func (s *Store) DeleteSession(ctx context.Context, sessionHash string) error {
	if err := s.db.WithContext(ctx).Where("token_hash = ?", sessionHash).Delete(&sessionRow{}).Error; err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// AuditQuery selects timeline events across slips.
type AuditQuery struct {
	ActorID int64  // 0: anyone
	From    string // YYYY-MM-DD, Beijing, inclusive; empty: unbounded
	To      string
	Limit   int
}

// Audit lists events across all slips, newest first.
func (s *Store) Audit(ctx context.Context, q AuditQuery) ([]slip.Event, error) {
	db := s.db.WithContext(ctx).Model(&eventRow{})
	if q.ActorID != 0 {
		db = db.Where("actor_id = ?", q.ActorID)
	}
	if q.From != "" {
		from, err := calendar.ParseDate(q.From)
		if err != nil {
			return nil, slip.Invalid("from", "日期格式应为 YYYY-MM-DD")
		}
		db = db.Where("occurred_at >= ?", from.At(0, 0).UTC())
	}
	if q.To != "" {
		to, err := calendar.ParseDate(q.To)
		if err != nil {
			return nil, slip.Invalid("to", "日期格式应为 YYYY-MM-DD")
		}
		db = db.Where("occurred_at < ?", to.AddDays(1).At(0, 0).UTC())
	}
	limit := q.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	var rows []eventRow
	if err := db.Order("occurred_at DESC, slip_id, seq DESC").Limit(limit).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	out := make([]slip.Event, 0, len(rows))
	for _, r := range rows {
		e, err := r.toEvent()
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// SetUserScope scopes an office, leader or inspector to one department's
// subtree ("" for the whole government). An unknown login is 404, an
// unknown department or a role that cannot be scoped 422.
func (s *Store) SetUserScope(ctx context.Context, login, scope string) (identity.User, error) {
	u, _, err := s.UserByLogin(ctx, login)
	if err != nil {
		return identity.User{}, err
	}
	u.Scope = scope
	if err := u.Validate(); err != nil {
		return identity.User{}, err
	}
	var code *string
	if scope != "" {
		missing, err := s.MissingDepartments(ctx, []string{scope})
		if err != nil {
			return identity.User{}, err
		}
		if len(missing) > 0 {
			return identity.User{}, slip.Unprocessable(slip.CodeUnknownDepartment, "scope", "管辖范围的单位不存在：%s", scope)
		}
		code = &scope
	}
	if err := s.db.WithContext(ctx).Model(&userRow{}).Where("login = ?", login).Update("scope_code", code).Error; err != nil {
		return identity.User{}, fmt.Errorf("scope user %s: %w", login, err)
	}
	return u, nil
}

// Leaders returns the enabled leaders by name: who a slip's 责任领导 or a
// 专班's 分管领导 may be.
func (s *Store) Leaders(ctx context.Context) ([]identity.User, error) {
	var rows []userRow
	if err := s.db.WithContext(ctx).Where("role = ? AND disabled_at IS NULL", slip.RoleLeader).Order("name, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list leaders: %w", err)
	}
	out := make([]identity.User, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.toUser())
	}
	return out, nil
}
