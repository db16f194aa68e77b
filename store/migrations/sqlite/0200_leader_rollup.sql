-- The statistics by 责任领导 from the group rollup (issue 16): grouped by
-- leader they read every slip of the period, 0.85 s at a million, where by
-- batch or category (migration 0180) they take 15 ms.
--
-- slip_group_stats now also counts every slip once under its leader
-- (grouped_by 'leader', group_key the leader user's id, '' for a 责任领导
-- that is text alone), by the same keys and counters as its batch and
-- category rows. store.Project keeps them in step as it does those; a
-- slip's leader changes only when the admin links text to a leader user
-- (store.MapLeaders), which moves the slips' counts in the same
-- transaction.
INSERT INTO slip_group_stats (grouped_by, group_key, issued_month, status, effective_deadline, ack_reminded,
    slips, closed_on_time, extensions, acknowledged, acked_on_time, reviewed, sent_back, send_backs, timed_closes, close_working_days)
SELECT 'leader', COALESCE(CAST(leader_user_id AS TEXT), ''), SUBSTR(issued_on, 1, 7), status,
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
  FROM slips
 GROUP BY 1, 2, 3, 4, 5, 6;
