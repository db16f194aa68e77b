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
-- Slips issued before parts existed have no slip_tracks rows; a unit's
-- ledger colours them as a whole. Marked, and indexed while open, so that
-- finding them costs nothing once they are closed.
ALTER TABLE slips ADD COLUMN without_parts BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE slips SET without_parts = TRUE WHERE NOT EXISTS (SELECT 1 FROM slip_tracks t WHERE t.slip_id = slips.id);
CREATE INDEX slips_without_parts_idx ON slips (worst_deadline, id)
    WHERE without_parts AND status IN ('issued', 'in_progress', 'pending_review', 'pending_signoff');
-- What the monthly ranking reads of the parts without reading them all
-- (store.RankingTracks): refusals, co-units' open parts by deadline, and
-- co-units' parts finished late. Each holds a small share of the parts.
CREATE INDEX slip_tracks_refused_idx ON slip_tracks (assigned_on) WHERE refusals > 0;
CREATE INDEX slip_tracks_open_co_idx ON slip_tracks (deadline, department_code, assigned_on)
    WHERE role = 'co' AND status IN ('issued', 'in_progress', 'refused');
CREATE INDEX slip_tracks_co_late_idx ON slip_tracks (department_code, assigned_on)
    WHERE role = 'co' AND status = 'completed' AND completed_on > deadline;
