-- A unit's own ledger filtered by its part's colour or overdue (issue 16):
-- its newest matching slips are found by walking the unit's open parts by
-- slip, newest first, until a page is full, instead of reading every
-- matching part and then the slip of each (住建局's green parts at a million:
-- 6,362 parts and slips read for a page of 50, 67 ms). The columns the
-- colour conditions read are carried in the index, so neither the walk nor
-- the count (store.ownPartCount) visits a part's row.
CREATE INDEX slip_tracks_open_part_slip_idx ON slip_tracks (department_code, slip_id)
    INCLUDE (deadline, status, ack_reminded)
    WHERE status IN ('issued', 'in_progress', 'refused');
