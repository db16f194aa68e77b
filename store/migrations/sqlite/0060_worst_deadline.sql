-- A slip's 三色 and overdue follow its worst open part (issue 13): see the
-- PostgreSQL migration of the same number. It starts as the slip's own
-- deadline, which is what the rollup holds; a slip whose co-unit part is
-- earlier moves to it at its next projection.
ALTER TABLE slips ADD COLUMN worst_deadline TEXT NOT NULL DEFAULT '' CHECK (worst_deadline = '' OR worst_deadline GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
UPDATE slips SET worst_deadline = effective_deadline;
CREATE INDEX slips_open_worst_idx ON slips (worst_deadline, id)
    WHERE status IN ('issued', 'in_progress', 'pending_review', 'pending_signoff');
