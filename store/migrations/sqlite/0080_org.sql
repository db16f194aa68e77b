-- 专班, levels and leaders as users (issue 19, its organisation half).
--
-- A 专班 (task force) is a department of kind 'taskforce', so slips and
-- projects name it like any unit; it has a lead unit, a 分管领导 and member
-- units. A member unit's users see the 专班's slips.
ALTER TABLE departments ADD COLUMN kind TEXT NOT NULL DEFAULT 'unit' CHECK (kind IN ('unit', 'taskforce'));
ALTER TABLE departments ADD COLUMN lead_unit_code TEXT REFERENCES departments (code);
ALTER TABLE departments ADD COLUMN leader_user_id INTEGER REFERENCES users (id);
CREATE TABLE taskforce_members (
    taskforce_code TEXT NOT NULL REFERENCES departments (code),
    unit_code      TEXT NOT NULL REFERENCES departments (code),
    PRIMARY KEY (taskforce_code, unit_code)
);
CREATE INDEX taskforce_members_unit_idx ON taskforce_members (unit_code, taskforce_code);

-- Leaders are users: a slip's 责任领导 by id, beside the display name kept
-- in slips.leader. Existing free text is mapped to the one enabled leader of
-- that exact name, if there is exactly one; the rest stay text (the admin's
-- "map" action lists them and maps again once the leaders exist).
ALTER TABLE slips ADD COLUMN leader_user_id INTEGER REFERENCES users (id);
CREATE INDEX slips_leader_idx ON slips (leader_user_id, id) WHERE leader_user_id IS NOT NULL;
UPDATE slips SET leader_user_id = (
        SELECT MIN(u.id) FROM users u WHERE u.role = 'leader' AND u.disabled_at IS NULL AND u.name = slips.leader)
    WHERE leader_user_id IS NULL AND leader <> ''
      AND (SELECT COUNT(*) FROM users u WHERE u.role = 'leader' AND u.disabled_at IS NULL AND u.name = slips.leader) = 1;
