-- A unit's own ledger colours and filters a slip by that unit's part
-- (issue 13): see the PostgreSQL migration of the same number.
ALTER TABLE slip_tracks ADD COLUMN ack_reminded BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE slip_tracks SET ack_reminded = TRUE
    WHERE role = 'lead' AND slip_id IN (SELECT id FROM slips WHERE ack_reminded);
UPDATE slip_tracks SET ack_reminded = TRUE
    WHERE role = 'co' AND json_extract(detail, '$.ack_reminded') = 1;
CREATE INDEX slip_tracks_open_part_idx ON slip_tracks (department_code, deadline, slip_id)
    WHERE status IN ('issued', 'in_progress', 'refused');
