-- The statistics by 批次 and by 类别 from a rollup (issue 16). The batch
-- page lists every batch with its count, and the statistics group by batch
-- or category: both read every slip of the period, 1.5 s at a million.
--
-- slip_group_stats counts every slip once under its batch (grouped_by
-- 'batch', group_key the batch) and once under its category ('category'),
-- by the same month of issue, status, colouring deadline and
-- acknowledgement-reminder flag, with the same counters, as slip_stats does
-- under its departments; store.Project keeps both in step in the transaction
-- that changes the slip. A slip's batch and category are written at issue
-- and never change.
CREATE TABLE slip_group_stats (
    grouped_by         TEXT NOT NULL,
    group_key          TEXT NOT NULL,
    issued_month       TEXT NOT NULL,
    status             TEXT NOT NULL,
    effective_deadline TEXT NOT NULL,
    ack_reminded       BOOLEAN NOT NULL,
    slips              BIGINT NOT NULL,
    closed_on_time     BIGINT NOT NULL,
    extensions         BIGINT NOT NULL,
    acknowledged       BIGINT NOT NULL,
    acked_on_time      BIGINT NOT NULL,
    reviewed           BIGINT NOT NULL,
    sent_back          BIGINT NOT NULL,
    send_backs         BIGINT NOT NULL,
    timed_closes       BIGINT NOT NULL,
    close_working_days BIGINT NOT NULL,
    PRIMARY KEY (grouped_by, group_key, issued_month, status, effective_deadline, ack_reminded)
);

INSERT INTO slip_group_stats (grouped_by, group_key, issued_month, status, effective_deadline, ack_reminded,
    slips, closed_on_time, extensions, acknowledged, acked_on_time, reviewed, sent_back, send_backs, timed_closes, close_working_days)
SELECT g.grouped_by, CASE g.grouped_by WHEN 'batch' THEN batch ELSE category END, SUBSTR(issued_on, 1, 7), status,
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
  FROM slips CROSS JOIN (SELECT 'batch' AS grouped_by UNION ALL SELECT 'category') AS g
 GROUP BY 1, 2, 3, 4, 5, 6;
