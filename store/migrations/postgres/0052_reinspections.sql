-- 回头看 (re-inspection after sign-off). A draw is one scheduling act: one
-- slip, every closed slip of a batch, or a seeded random sample of a batch
-- (the seed is kept so the draw can be repeated and checked). Each drawn
-- slip gets a reinspection, the projection of its Temporal workflow.
CREATE TABLE reinspection_draws (
    id                 TEXT PRIMARY KEY,
    scope              TEXT NOT NULL,
    batch              TEXT NOT NULL DEFAULT '',
    percent            INTEGER NOT NULL DEFAULT 100,
    seed               BIGINT NOT NULL DEFAULT 0,
    population         INTEGER NOT NULL,
    drawn              INTEGER NOT NULL,
    after_working_days INTEGER NOT NULL,
    inspector_id       BIGINT NOT NULL,
    created_by         TEXT NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL
);

CREATE TABLE reinspections (
    id               TEXT PRIMARY KEY,
    draw_id          TEXT NOT NULL REFERENCES reinspection_draws(id),
    slip_id          TEXT NOT NULL REFERENCES slips(id),
    lead_department  TEXT NOT NULL,
    inspector_id     BIGINT NOT NULL,
    inspector_name   TEXT NOT NULL,
    start_on         TEXT NOT NULL,
    due_on           TEXT NOT NULL,
    status           TEXT NOT NULL,
    escalation_level INTEGER NOT NULL DEFAULT 0,
    notes            TEXT NOT NULL DEFAULT '',
    rework_slip_id   TEXT NOT NULL DEFAULT '',
    recorded_at      TIMESTAMPTZ,
    seq              BIGINT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX reinspections_inspector_idx ON reinspections (inspector_id, status);
CREATE INDEX reinspections_slip_idx ON reinspections (slip_id);
