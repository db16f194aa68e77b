-- Two roles for 回头看: 督查员 (inspector) and 市民监督员 (citizen).
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('office', 'department', 'leader', 'admin', 'inspector', 'citizen'));
