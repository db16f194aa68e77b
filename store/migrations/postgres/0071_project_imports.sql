-- An uploaded project list (重点项目清单): its preview (the service's JSON,
-- one entry per project with its rows and what is wrong with them) until
-- the office confirms it, then the project each entry became.
CREATE TABLE project_imports (
    id          TEXT PRIMARY KEY,
    file_name   TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    preview     TEXT NOT NULL,
    status      TEXT NOT NULL,
    results     TEXT NOT NULL DEFAULT '[]',
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
