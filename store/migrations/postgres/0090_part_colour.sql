-- A unit's own ledger colours and filters a slip by that unit's part
-- (issue 13): the lead's by the lead's part, a co-unit's by its own part's
-- deadline and acknowledgement reminder (reminder.PartColourOf). The parts
-- keep whether their acknowledgement reminder went out (the lead's is the
-- slip's), and open parts are indexed by unit and deadline, so a unit's red,
-- yellow or green parts are one range of the index.
ALTER TABLE slip_tracks ADD COLUMN ack_reminded BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE slip_tracks t SET ack_reminded = s.ack_reminded
    FROM slips s WHERE s.id = t.slip_id AND t.role = 'lead' AND s.ack_reminded;
UPDATE slip_tracks SET ack_reminded = TRUE
    WHERE role = 'co' AND (detail::jsonb ->> 'ack_reminded') = 'true';
CREATE INDEX slip_tracks_open_part_idx ON slip_tracks (department_code, deadline, slip_id)
    WHERE status IN ('issued', 'in_progress', 'refused');
