-- The monthly ranking's quality and refusal terms, read from indexes alone
-- (see the PostgreSQL migration of the same number).
CREATE INDEX slips_graded_idx ON slips (issued_on, lead_department, grade) WHERE status = 'closed';
CREATE INDEX slip_tracks_refused_covering_idx ON slip_tracks (assigned_on, department_code, role, status, refusals)
    WHERE refusals > 0;
DROP INDEX slip_tracks_refused_idx;
