-- Every unit's part of a slip (issue 13): one row per track, in the order
-- the workflow keeps them (a reassignment appends the new unit's part and
-- keeps the replaced one, so 回退 counts survive). detail is the whole
-- slip.Track as JSON (its latest structured report included); the other
-- columns are what statistics and the office's 退回 queue read.
CREATE TABLE slip_tracks (
    slip_id          TEXT NOT NULL REFERENCES slips (id),
    position         INTEGER NOT NULL,
    department_code  TEXT NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('lead', 'co')),
    status           TEXT NOT NULL,
    deadline         TEXT NOT NULL,
    assigned_on      TEXT NOT NULL,
    acknowledged_at  DATETIME,
    completed_on     TEXT,
    refusals         INTEGER NOT NULL DEFAULT 0,
    presses          INTEGER NOT NULL DEFAULT 0,
    escalation_level INTEGER NOT NULL DEFAULT 0,
    detail           TEXT NOT NULL,
    PRIMARY KEY (slip_id, position)
);
CREATE INDEX slip_tracks_department_idx ON slip_tracks (department_code, role);
CREATE INDEX slip_tracks_status_idx ON slip_tracks (status, slip_id);
