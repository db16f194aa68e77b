-- Ledger pages filtered by status at a million slips (issue 16). Without
-- these, a page of one status newest first walked the whole ledger's id
-- order skipping other statuses (18k rows for a department's closed slips),
-- and open slips by due date walked every slip's deadline order.
--
-- One status, newest first (office and, merged with a department's
-- assignments, department ledgers).
CREATE INDEX slips_status_id_idx ON slips (status, id);
-- Open slips (待签收, 办理中, 待复核, 待销号): by due date (overdue, 三色, the
-- department console) and newest first.
CREATE INDEX slips_open_due_idx ON slips (effective_deadline, id)
    WHERE status IN ('issued', 'in_progress', 'pending_review', 'pending_signoff');
CREATE INDEX slips_open_id_idx ON slips (id)
    WHERE status IN ('issued', 'in_progress', 'pending_review', 'pending_signoff');
