-- Users, API tokens, web sessions; who did what on the timeline.
CREATE TABLE users (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    login           TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('office', 'department', 'leader', 'admin')),
    department_code TEXT REFERENCES departments (code),
    password_hash   TEXT NOT NULL DEFAULT '',
    created_at      DATETIME NOT NULL,
    disabled_at     DATETIME,
    CHECK ((role = 'department') = (department_code IS NOT NULL))
);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      BIGINT NOT NULL REFERENCES users (id),
    token_hash   TEXT NOT NULL UNIQUE,
    label        TEXT NOT NULL DEFAULT '',
    created_at   DATETIME NOT NULL,
    expires_at   DATETIME,
    revoked_at   DATETIME,
    last_used_at DATETIME
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    expires_at DATETIME NOT NULL
);

ALTER TABLE events ADD COLUMN actor_id BIGINT;
ALTER TABLE events ADD COLUMN actor_role TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN request_id TEXT NOT NULL DEFAULT '';
CREATE INDEX events_actor_idx ON events (actor_id, occurred_at);
CREATE INDEX events_occurred_idx ON events (occurred_at);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only (UPDATE)');
END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only (DELETE)');
END;
