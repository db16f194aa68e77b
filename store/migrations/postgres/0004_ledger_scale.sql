-- The ledger at a million slips: flags the statistics read without walking
-- the timeline, sort keys for keyset pagination, keyword search, rankings.

-- ack_late: an acknowledgement reminder went out before the slip was signed
-- for (ack_reminded is cleared on acknowledgement; this is not).
-- reviewed: the slip went through re-inspection (复核) at least once.
-- close_working_days: working days from issue to sign-off (销号).
ALTER TABLE slips ADD COLUMN ack_late BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE slips ADD COLUMN reviewed BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE slips ADD COLUMN close_working_days INTEGER;
UPDATE slips SET ack_late = TRUE
 WHERE EXISTS (SELECT 1 FROM events e WHERE e.slip_id = slips.id AND e.type = 'ack_reminder');
UPDATE slips SET reviewed = TRUE
 WHERE EXISTS (SELECT 1 FROM events e WHERE e.slip_id = slips.id AND e.type IN ('pass_review', 'send_back'));

-- Keyset pagination: every sort ends in id so a position is a unique key.
CREATE INDEX slips_due_sort_idx ON slips (effective_deadline, id);
CREATE INDEX slips_issued_sort_idx ON slips (issued_on, id);
CREATE INDEX slips_lead_sort_idx ON slips (lead_department, id);
-- Statistics and rankings: every column ClosureStats reads, so a year of a
-- department (or of everyone) is an index-only scan that never touches the
-- wide rows with their text.
CREATE INDEX slips_stats_idx ON slips (lead_department, issued_on)
    INCLUDE (id, status, effective_deadline, resolved_on, extensions, ack_reminded, acknowledged_at,
             ack_late, reviewed, rework_count, close_working_days, batch, category);
CREATE INDEX slips_priority_idx ON slips (priority);

-- Keyword search has its own index: migration 0006.

-- Manual 加分/扣分 of a month's ranking, with the reason, by the office.
CREATE TABLE ranking_adjustments (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    month           TEXT NOT NULL,
    department_code TEXT NOT NULL REFERENCES departments (code),
    points          DOUBLE PRECISION NOT NULL,
    reason          TEXT NOT NULL,
    created_by      BIGINT REFERENCES users (id),
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX ranking_adjustments_month_idx ON ranking_adjustments (month, department_code);

-- A month's published ranking (晾晒榜), as taken at month end: it never
-- changes afterwards, whatever happens to the slips.
CREATE TABLE ranking_snapshots (
    month    TEXT PRIMARY KEY,
    taken_at TIMESTAMPTZ NOT NULL,
    ranking  TEXT NOT NULL
);
CREATE FUNCTION ranking_snapshots_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'published rankings never change (%)', TG_OP;
END;
$$;
CREATE TRIGGER ranking_snapshots_frozen BEFORE UPDATE OR DELETE ON ranking_snapshots
    FOR EACH ROW EXECUTE FUNCTION ranking_snapshots_frozen();
