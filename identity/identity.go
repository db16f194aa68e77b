// Package identity says who is calling and what they may see and do: users
// and their roles, API tokens and passwords, and the rules that keep a slip
// from a department it does not belong to.
//
// The rules here are the only place visibility and rights are decided; the
// API and the service ask, they do not re-encode.
package identity

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"sync"

	"golang.org/x/crypto/bcrypt"

	"github.com/duban-gov/duban/slip"
)

// User is a person who signs in.
type User struct {
	ID    int64     `json:"id"`
	Login string    `json:"login"`
	Name  string    `json:"name"`
	Role  slip.Role `json:"role"`
	// Department is the code of a department user's department; empty for
	// other roles.
	Department string `json:"department,omitempty"`
	// Scope, for an office, leader or inspector, is the department whose
	// subtree they work in (a town's own supervision office: the town);
	// empty for the whole government.
	Scope    string `json:"scope,omitempty"`
	Disabled bool   `json:"disabled"`

	// reach, once Confine has run, holds the departments whose slips a
	// confined user sees; nil before. (A pointer keeps User comparable.)
	reach *reach
}

// reach is what Confine worked out.
type reach struct{ units []string }

// Validate checks a user's shape (not whether the department exists).
func (u User) Validate() error {
	if !loginPattern(u.Login) {
		return slip.Invalid("login", "登录名须为 2–64 位字母、数字、点、下划线或连字符")
	}
	if strings.TrimSpace(u.Name) == "" || len([]rune(u.Name)) > slip.MaxShortText {
		return slip.Invalid("name", "请填写姓名（不超过 %d 字）", slip.MaxShortText)
	}
	if !u.Role.Valid() {
		return slip.Invalid("role", "角色只能是 office、department、leader、admin、inspector（督查员）或 citizen（市民监督员）")
	}
	if (u.Role == slip.RoleDepartment) != (u.Department != "") {
		return slip.Invalid("department", "责任单位用户须且只能指定所属单位")
	}
	if u.Scope != "" && !u.SeesAllSlips() {
		return slip.Invalid("scope", "只有督查室、领导和督查员可以限定管辖范围")
	}
	return nil
}

func loginPattern(s string) bool {
	if len(s) < 2 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// SeesAllSlips reports whether u sees every slip (office, leaders and
// inspectors). A citizen supervisor sees no slip as such, only the
// re-inspections assigned to them (MayInspect).
func (u User) SeesAllSlips() bool {
	return u.Role == slip.RoleOffice || u.Role == slip.RoleLeader || u.Role == slip.RoleInspector
}

// Inspects reports whether u is sent on 回头看 (督查员 or 市民监督员).
func (u User) Inspects() bool { return u.Role == slip.RoleInspector || u.Role == slip.RoleCitizen }

// MayInspect reports whether u may see and record the re-inspection
// assigned to inspectorID: only its own inspector. Everyone else is told
// it does not exist.
func (u User) MayInspect(inspectorID int64) bool { return u.Inspects() && u.ID == inspectorID }

// CanSee reports whether u may see slip s. A department sees the slips it
// leads or helps with, and those of the 专班 it is a member of; a scoped
// office (leader, inspector) the slips on a unit of its subtree; an admin
// none.
func (u User) CanSee(s slip.Slip) bool {
	switch {
	case u.SeesAllSlips() && u.Scope == "":
		return true
	case u.Role == slip.RoleDepartment && u.reach == nil:
		// Not confined against the tree: its own department only.
		return s.Draft.LeadDepartment == u.Department || slices.Contains(s.Draft.CoDepartments, u.Department)
	case u.SeesAllSlips() || u.Role == slip.RoleDepartment:
		units := u.units()
		return slices.Contains(units, s.Draft.LeadDepartment) ||
			slices.ContainsFunc(s.Draft.CoDepartments, func(c string) bool { return slices.Contains(units, c) })
	}
	return false
}

// MayAct checks that u may perform action a on slip s, which u can see.
// The role comes from the lifecycle table; within the department role, only
// the lead department acts, except what a co-department may do.
func (u User) MayAct(s slip.Slip, a slip.Action) error {
	by := slip.ActedBy(a)
	if by == "" || by != u.Role {
		return slip.Forbidden("%s无权执行“%s”", u.Role.Label(), a.Label())
	}
	if u.Role == slip.RoleDepartment && s.Draft.LeadDepartment != u.Department && !slices.Contains(slip.CoDepartmentActions, a) {
		return slip.Forbidden("“%s”须由牵头单位办理，配合单位只能签收、报送进展、完成或退回本单位的协办任务", a.Label())
	}
	return nil
}

// TokenPrefix starts every API token, so a leaked one is easy to recognise.
const TokenPrefix = "dbn_"

// NewSecret returns a random secret with the given prefix (an API token or
// a session id) and its hash, which is all that is stored.
func NewSecret(prefix string) (plain, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("new secret: %w", err)
	}
	plain = prefix + base64.RawURLEncoding.EncodeToString(b)
	return plain, HashSecret(plain), nil
}

// NewToken returns a new API token and the hash of it that is stored.
func NewToken() (plain, hash string, err error) { return NewSecret(TokenPrefix) }

// NewSession returns a new session: the cookie value, the hash of it that is
// stored, and the session's CSRF token.
func NewSession() (cookie, hash, csrf string, err error) {
	if cookie, hash, err = NewSecret(""); err != nil {
		return "", "", "", err
	}
	if csrf, _, err = NewSecret(""); err != nil {
		return "", "", "", err
	}
	return cookie, hash, csrf, nil
}

// HashSecret is the stored form of a token or session id. A fast hash is
// right here: the secrets are 256 random bits, not passwords.
func HashSecret(plain string) string {
	sum := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(sum[:])
}

// HashPassword hashes a password with bcrypt.
func HashPassword(password string) (string, error) {
	if len(password) < 10 || len(password) > 72 {
		return "", slip.Invalid("password", "密码长度须为 10–72 个字符")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// CheckPassword reports whether password matches hash. An empty hash (an
// unknown login, a user without a password) never matches, but costs the
// same bcrypt comparison as a wrong password, so the time of an answer does
// not tell which logins exist.
func CheckPassword(hash, password string) bool {
	if hash == "" {
		_ = bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
}

// dummyHash is a bcrypt hash of a random password at the cost real
// passwords are hashed with; made once, on first use.
var dummyHash = sync.OnceValue(func() []byte {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	h, err := bcrypt.GenerateFromPassword([]byte(hex.EncodeToString(b)), bcrypt.DefaultCost)
	if err != nil {
		panic(fmt.Sprintf("dummy password hash: %v", err))
	}
	return h
})
