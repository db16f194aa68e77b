-- The ledger (台账): departments, slips, their departments and their timelines.
CREATE TABLE departments (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    parent_code TEXT REFERENCES departments (code),
    created_at  DATETIME NOT NULL
);

CREATE TABLE slip_counters (
    year        INTEGER PRIMARY KEY,
    last_serial INTEGER NOT NULL
);

CREATE TABLE slips (
    id              TEXT PRIMARY KEY,
    year            INTEGER NOT NULL,
    serial          INTEGER NOT NULL,
    number          TEXT NOT NULL UNIQUE,
    title           TEXT NOT NULL,
    content         TEXT NOT NULL,
    source          TEXT NOT NULL,
    batch           TEXT NOT NULL,
    category        TEXT NOT NULL,
    priority        TEXT NOT NULL,
    lead_department TEXT NOT NULL REFERENCES departments (code),
    leader          TEXT NOT NULL,
    deadline        TEXT NOT NULL CHECK (deadline GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    issued_at       DATETIME NOT NULL,
    issued_on       TEXT NOT NULL,
    issued_by       TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('issued', 'in_progress', 'pending_review', 'pending_signoff', 'closed', 'cancelled')),
    last_seq        BIGINT NOT NULL,
    rework_count    INTEGER NOT NULL DEFAULT 0,
    latest_progress TEXT NOT NULL DEFAULT '',
    acknowledged_at DATETIME,
    resolved_at     DATETIME,
    resolved_on     TEXT,
    closed_at       DATETIME,
    closed_on       TEXT,
    cancelled_at    DATETIME,
    updated_at      DATETIME NOT NULL,
    UNIQUE (year, serial)
);
CREATE INDEX slips_status_idx ON slips (status, deadline);
CREATE INDEX slips_lead_idx ON slips (lead_department, status);
CREATE INDEX slips_batch_idx ON slips (batch);
CREATE INDEX slips_category_idx ON slips (category);
CREATE INDEX slips_issued_on_idx ON slips (issued_on);

-- Every department a slip is assigned to: the lead (position 0) and the co-units in order.
CREATE TABLE slip_departments (
    slip_id         TEXT NOT NULL REFERENCES slips (id),
    department_code TEXT NOT NULL REFERENCES departments (code),
    role            TEXT NOT NULL CHECK (role IN ('lead', 'co')),
    position        INTEGER NOT NULL,
    PRIMARY KEY (slip_id, department_code)
);
CREATE INDEX slip_departments_department_idx ON slip_departments (department_code, slip_id);

-- The append-only timeline. (slip_id, seq) makes every projection idempotent.
CREATE TABLE events (
    slip_id     TEXT NOT NULL REFERENCES slips (id),
    seq         BIGINT NOT NULL CHECK (seq > 0),
    type        TEXT NOT NULL,
    actor       TEXT NOT NULL,
    occurred_at DATETIME NOT NULL,
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    payload     TEXT NOT NULL,
    PRIMARY KEY (slip_id, seq)
);

-- Idempotency-Key of POST /slips: a repeat finds the slip the first request made.
CREATE TABLE idempotency_keys (
    idem_key     TEXT PRIMARY KEY,
    slip_id      TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    created_at   DATETIME NOT NULL
);
