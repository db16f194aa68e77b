-- The statistics' rollup: every slip counted once for each of its
-- departments (as lead or co-unit), under its month of issue, status and —
-- while it is open — its effective
-- deadline and whether its acknowledgement reminder is out, the only columns
-- the "as of today" rules (overdue, 三色) read. store.Project keeps it in step
-- in the transaction that changes the slip; a year of statistics or a
-- ranking sums a few thousand rows instead of a million slips.
CREATE TABLE slip_stats (
    department_code    TEXT NOT NULL,
    role               TEXT NOT NULL,
    issued_month       TEXT NOT NULL,
    status             TEXT NOT NULL,
    effective_deadline TEXT NOT NULL,
    ack_reminded       BOOLEAN NOT NULL,
    slips              INTEGER NOT NULL,
    closed_on_time     INTEGER NOT NULL,
    extensions         INTEGER NOT NULL,
    acknowledged       INTEGER NOT NULL,
    acked_on_time      INTEGER NOT NULL,
    reviewed           INTEGER NOT NULL,
    sent_back          INTEGER NOT NULL,
    send_backs         INTEGER NOT NULL,
    timed_closes       INTEGER NOT NULL,
    close_working_days INTEGER NOT NULL,
    PRIMARY KEY (department_code, role, issued_month, status, effective_deadline, ack_reminded)
);
CREATE INDEX slip_stats_role_month_idx ON slip_stats (role, issued_month);

INSERT INTO slip_stats
SELECT d.department_code, d.role, SUBSTR(issued_on, 1, 7), status,
       CASE WHEN status IN ('closed', 'cancelled') THEN '' ELSE effective_deadline END,
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
  FROM slips JOIN slip_departments d ON d.slip_id = slips.id
 GROUP BY 1, 2, 3, 4, 5, 6;
