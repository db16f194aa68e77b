-- A unit's own ledger filtered by its part's colour or overdue (issue 16):
-- see the PostgreSQL migration of the same number. SQLite has no INCLUDE:
-- the columns the colour conditions read end the key.
CREATE INDEX slip_tracks_open_part_slip_idx ON slip_tracks (department_code, slip_id, deadline, status, ack_reminded)
    WHERE status IN ('issued', 'in_progress', 'refused');
