-- The office's grade of a signed-off slip (slip.Grade: satisfied, basic,
-- unsatisfied; '' for none), and the slip a rework slip (重办) re-opens
-- after a failed 回头看 ('' for an ordinary slip).
ALTER TABLE slips ADD COLUMN grade TEXT NOT NULL DEFAULT '';
ALTER TABLE slips ADD COLUMN rework_of TEXT NOT NULL DEFAULT '';
CREATE INDEX slips_rework_of_idx ON slips (rework_of);
