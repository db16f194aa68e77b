-- 重点项目 under 销号制 (issue 19). A category holds a milestone template
-- and the attributes its projects carry (as JSON: the project package
-- reads it). A project is the projection of its Temporal workflow: the
-- whole project as JSON in doc, beside the columns lists, filters and
-- statistics need; its milestones one row each (visibility by milestone
-- unit, per-unit statistics); its timeline numbered 1…n like a slip's.
CREATE TABLE project_categories (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    doc        TEXT NOT NULL,
    updated_at DATETIME NOT NULL
);

CREATE TABLE projects (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    category    TEXT NOT NULL,
    batch       TEXT NOT NULL DEFAULT '',
    owner_unit  TEXT NOT NULL,
    leader_id   BIGINT NOT NULL,
    leader_name TEXT NOT NULL DEFAULT '',
    investment  BIGINT NOT NULL DEFAULT 0,
    end_date    TEXT NOT NULL,
    status      TEXT NOT NULL,
    -- worst_due: the earliest due date of an open milestone ('' when none
    -- is open); the project's 三色 follows it, as a slip's follows its
    -- worst open part.
    worst_due   TEXT NOT NULL DEFAULT '',
    started     BOOLEAN NOT NULL DEFAULT FALSE,
    doc         TEXT NOT NULL,
    seq         BIGINT NOT NULL,
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL
);
CREATE INDEX projects_owner_idx ON projects (owner_unit);
CREATE INDEX projects_batch_idx ON projects (batch);

CREATE TABLE project_milestones (
    project_id       TEXT NOT NULL REFERENCES projects(id),
    milestone        TEXT NOT NULL,
    position         INTEGER NOT NULL,
    name             TEXT NOT NULL,
    owner_unit       TEXT NOT NULL,
    planned          TEXT NOT NULL,
    due              TEXT NOT NULL,
    actual           TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL,
    escalation_level INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (project_id, milestone)
);
CREATE INDEX project_milestones_unit_idx ON project_milestones (owner_unit);

CREATE TABLE project_events (
    project_id TEXT NOT NULL REFERENCES projects(id),
    seq        BIGINT NOT NULL,
    type       TEXT NOT NULL,
    at         DATETIME NOT NULL,
    doc        TEXT NOT NULL,
    PRIMARY KEY (project_id, seq)
);
