-- The monthly ranking at a million slips took about a second (issue 16):
-- its quality term read every slip of the period to count the grades of the
-- signed-off ones, and its refusal term fetched every refused part's row.
-- Signed-off slips are indexed by issue date with their unit and grade, and
-- refused parts carry what the ranking reads in the index itself, so both
-- are read from the indexes alone.
CREATE INDEX slips_graded_idx ON slips (issued_on, lead_department, grade) WHERE status = 'closed';
CREATE INDEX slip_tracks_refused_covering_idx ON slip_tracks (assigned_on)
    INCLUDE (department_code, role, status, refusals) WHERE refusals > 0;
DROP INDEX slip_tracks_refused_idx;
