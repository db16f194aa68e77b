-- Meetings (晒比会, 新春第一会 …) and what is born at them: the slips handed
-- out on the spot carry the meeting's id, a measure (措施) also its problem's
-- (问题); imported tables are kept with their preview and issue progress;
-- admins keep the short names and aliases units are written with.
CREATE TABLE meetings (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    title      TEXT NOT NULL,
    held_on    TEXT NOT NULL,
    chair      TEXT NOT NULL,
    place      TEXT NOT NULL DEFAULT '',
    attendees  TEXT NOT NULL DEFAULT '[]',
    minutes    TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at DATETIME NOT NULL
);
CREATE INDEX meetings_held_on_idx ON meetings (held_on, id);

CREATE TABLE problems (
    id          TEXT PRIMARY KEY,
    meeting_id  TEXT NOT NULL REFERENCES meetings (id),
    title       TEXT NOT NULL,
    position    INTEGER NOT NULL,
    accepted_at DATETIME,
    accepted_by TEXT NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL
);
CREATE INDEX problems_meeting_idx ON problems (meeting_id, position);

ALTER TABLE slips ADD COLUMN meeting_id TEXT NOT NULL DEFAULT '';
ALTER TABLE slips ADD COLUMN problem_id TEXT NOT NULL DEFAULT '';
CREATE INDEX slips_meeting_idx ON slips (meeting_id, status) WHERE meeting_id <> '';
CREATE INDEX slips_problem_idx ON slips (problem_id, status) WHERE problem_id <> '';

CREATE TABLE department_aliases (
    alias           TEXT PRIMARY KEY,
    department_code TEXT NOT NULL REFERENCES departments (code),
    created_at      DATETIME NOT NULL
);

CREATE TABLE sheet_imports (
    id          TEXT PRIMARY KEY,
    meeting_id  TEXT NOT NULL REFERENCES meetings (id),
    file_name   TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    rows        TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('previewed', 'issuing', 'done')),
    total       INTEGER NOT NULL DEFAULT 0,
    done        INTEGER NOT NULL DEFAULT 0,
    results     TEXT NOT NULL DEFAULT '[]',
    created_by  TEXT NOT NULL,
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL
);
CREATE INDEX sheet_imports_meeting_idx ON sheet_imports (meeting_id, created_at);

-- 督查 visits (最多督一次): one unit, one day, one team, the matters looked at.
CREATE TABLE visits (
    id              TEXT PRIMARY KEY,
    department_code TEXT NOT NULL REFERENCES departments (code),
    visit_on        TEXT NOT NULL,
    team            TEXT NOT NULL,
    matters         TEXT NOT NULL DEFAULT '[]',
    status          TEXT NOT NULL CHECK (status IN ('planned', 'done', 'merged')),
    findings        TEXT NOT NULL DEFAULT '',
    merged_into     TEXT NOT NULL DEFAULT '',
    created_by      TEXT NOT NULL,
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL
);
CREATE INDEX visits_department_idx ON visits (department_code, visit_on);
CREATE INDEX visits_on_idx ON visits (visit_on);
