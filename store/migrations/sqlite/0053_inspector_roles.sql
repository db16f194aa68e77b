-- Two roles for 回头看: 督查员 (inspector) and 市民监督员 (citizen).
-- SQLite cannot alter a CHECK, so the users table is made again with the
-- same columns and rows. The tokens, sessions and adjustments that point at
-- users stay valid: foreign keys are checked at commit (defer_foreign_keys),
-- by which time every user is back under its own id.
PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE users_copy AS SELECT * FROM users;
DROP TABLE users;
CREATE TABLE users (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    login           TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('office', 'department', 'leader', 'admin', 'inspector', 'citizen')),
    department_code TEXT REFERENCES departments (code),
    password_hash   TEXT NOT NULL DEFAULT '',
    created_at      DATETIME NOT NULL,
    disabled_at     DATETIME,
    CHECK ((role = 'department') = (department_code IS NOT NULL))
);
INSERT INTO users (id, login, name, role, department_code, password_hash, created_at, disabled_at)
SELECT id, login, name, role, department_code, password_hash, created_at, disabled_at FROM users_copy;
DROP TABLE users_copy;
