-- A slip's 三色 and overdue follow its worst open part (issue 13): the
-- earliest deadline among its own and each open co-unit's. The ledger keeps
-- it beside the slip's own deadline, so the colour and overdue filters and
-- counts agree with the colour every answer shows; for open slips the
-- rollup's effective_deadline key holds it too (store/rollup.go).
--
-- It starts as the slip's own deadline, which is what the rollup holds
-- today; a slip whose co-unit part is earlier moves to it, in the slips
-- table and the rollup together, at its next projection.
ALTER TABLE slips ADD COLUMN worst_deadline TEXT;
UPDATE slips SET worst_deadline = effective_deadline;
ALTER TABLE slips ALTER COLUMN worst_deadline SET NOT NULL;
ALTER TABLE slips ADD CONSTRAINT slips_worst_deadline_check CHECK (worst_deadline ~ '^\d{4}-\d{2}-\d{2}$');
-- Open slips by the deadline they are coloured by (overdue, 三色).
CREATE INDEX slips_open_worst_idx ON slips (worst_deadline, id)
    WHERE status IN ('issued', 'in_progress', 'pending_review', 'pending_signoff');
