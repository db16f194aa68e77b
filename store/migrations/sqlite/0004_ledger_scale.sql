-- The ledger at a million slips: flags the statistics read without walking
-- the timeline, sort keys for keyset pagination, rankings. (See the
-- PostgreSQL migration for the column meanings.)
ALTER TABLE slips ADD COLUMN ack_late BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE slips ADD COLUMN reviewed BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE slips ADD COLUMN close_working_days INTEGER;
UPDATE slips SET ack_late = TRUE
 WHERE EXISTS (SELECT 1 FROM events e WHERE e.slip_id = slips.id AND e.type = 'ack_reminder');
UPDATE slips SET reviewed = TRUE
 WHERE EXISTS (SELECT 1 FROM events e WHERE e.slip_id = slips.id AND e.type IN ('pass_review', 'send_back'));

CREATE INDEX slips_due_sort_idx ON slips (effective_deadline, id);
CREATE INDEX slips_issued_sort_idx ON slips (issued_on, id);
CREATE INDEX slips_lead_sort_idx ON slips (lead_department, id);
CREATE INDEX slips_lead_issued_idx ON slips (lead_department, issued_on);
CREATE INDEX slips_priority_idx ON slips (priority);

CREATE TABLE ranking_adjustments (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    month           TEXT NOT NULL,
    department_code TEXT NOT NULL REFERENCES departments (code),
    points          REAL NOT NULL,
    reason          TEXT NOT NULL,
    created_by      BIGINT REFERENCES users (id),
    created_at      DATETIME NOT NULL
);
CREATE INDEX ranking_adjustments_month_idx ON ranking_adjustments (month, department_code);

CREATE TABLE ranking_snapshots (
    month    TEXT PRIMARY KEY,
    taken_at DATETIME NOT NULL,
    ranking  TEXT NOT NULL
);
CREATE TRIGGER ranking_snapshots_no_update BEFORE UPDATE ON ranking_snapshots
BEGIN
    SELECT RAISE(ABORT, 'published rankings never change (UPDATE)');
END;
CREATE TRIGGER ranking_snapshots_no_delete BEFORE DELETE ON ranking_snapshots
BEGIN
    SELECT RAISE(ABORT, 'published rankings never change (DELETE)');
END;
