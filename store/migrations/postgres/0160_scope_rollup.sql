-- A scoped office's counts from the statistics' rollup (issue 16). A
-- district office sees the slips of every unit of its subtree; summing the
-- units' rollup rows would count a slip on two of them twice, so its ledger
-- count and statistics read the slips, up to 50,000 of them at a million
-- (60-135 ms a page, 0.8-2.6 s a year's statistics).
--
-- Rows of role 'below' count each slip once for every department above one
-- of its units that is not itself on the slip. A subtree's slips are then
-- the rollup rows of its root in every role: those on the root itself
-- (lead, co) and those only below it (below), each slip once. The rows
-- below keep the slips' lead department (lead_department, '' on the others),
-- so that a subtree's statistics by lead department need read only the
-- slips its root helps with. The counts follow the parent chains, so a
-- department's parent is fixed once it is created: the trigger refuses to
-- move one (the application never does).
ALTER TABLE slip_stats ADD COLUMN lead_department TEXT NOT NULL DEFAULT '';
ALTER TABLE slip_stats ALTER COLUMN lead_department DROP DEFAULT;
ALTER TABLE slip_stats DROP CONSTRAINT slip_stats_pkey;
ALTER TABLE slip_stats ADD PRIMARY KEY (department_code, role, issued_month, status, effective_deadline, ack_reminded, lead_department);

WITH RECURSIVE above (code, ancestor) AS (
    SELECT code, parent_code FROM departments WHERE parent_code IS NOT NULL
    UNION
    SELECT a.code, p.parent_code FROM above a JOIN departments p ON p.code = a.ancestor
     WHERE p.parent_code IS NOT NULL
), below (slip_id, scope) AS (
    SELECT DISTINCT d.slip_id, a.ancestor
      FROM slip_departments d JOIN above a ON a.code = d.department_code
     WHERE NOT EXISTS (SELECT 1 FROM slip_departments o WHERE o.slip_id = d.slip_id AND o.department_code = a.ancestor)
)
INSERT INTO slip_stats (department_code, role, lead_department, issued_month, status, effective_deadline, ack_reminded,
    slips, closed_on_time, extensions, acknowledged, acked_on_time, reviewed, sent_back, send_backs, timed_closes, close_working_days)
SELECT b.scope, 'below', lead_department, SUBSTR(issued_on, 1, 7), status,
       CASE WHEN status IN ('closed', 'cancelled') THEN '' ELSE worst_deadline END,
       CASE WHEN status IN ('closed', 'cancelled') THEN FALSE ELSE ack_reminded END,
       COUNT(*),
       SUM(CASE WHEN status = 'closed' AND resolved_on <= effective_deadline THEN 1 ELSE 0 END),
       SUM(extensions),
       SUM(CASE WHEN acknowledged_at IS NOT NULL THEN 1 ELSE 0 END),
       SUM(CASE WHEN acknowledged_at IS NOT NULL AND NOT ack_late THEN 1 ELSE 0 END),
       SUM(CASE WHEN reviewed THEN 1 ELSE 0 END),
       SUM(CASE WHEN rework_count > 0 THEN 1 ELSE 0 END),
       SUM(rework_count),
       COUNT(close_working_days),
       COALESCE(SUM(close_working_days), 0)
  FROM slips JOIN below b ON b.slip_id = slips.id
 GROUP BY 1, 2, 3, 4, 5, 6, 7;

CREATE FUNCTION duban_department_parent_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'department % keeps its parent (% -> %): the statistics of the units above it count by it (migration 0160)',
        OLD.code, OLD.parent_code, NEW.parent_code;
END $$;

CREATE TRIGGER departments_parent_fixed BEFORE UPDATE OF parent_code ON departments
    FOR EACH ROW WHEN (OLD.parent_code IS DISTINCT FROM NEW.parent_code)
    EXECUTE FUNCTION duban_department_parent_fixed();
