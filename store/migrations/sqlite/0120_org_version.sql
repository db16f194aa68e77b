-- The unit tree's version (see the PostgreSQL migration of the same
-- number): any change to departments or 专班 members bumps it, in the
-- changing transaction.
CREATE TABLE org_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO org_version (id, version) VALUES (1, 1);

CREATE TRIGGER departments_org_version_insert AFTER INSERT ON departments
BEGIN
    UPDATE org_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER departments_org_version_update AFTER UPDATE ON departments
BEGIN
    UPDATE org_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER departments_org_version_delete AFTER DELETE ON departments
BEGIN
    UPDATE org_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER taskforce_members_org_version_insert AFTER INSERT ON taskforce_members
BEGIN
    UPDATE org_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER taskforce_members_org_version_update AFTER UPDATE ON taskforce_members
BEGIN
    UPDATE org_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER taskforce_members_org_version_delete AFTER DELETE ON taskforce_members
BEGIN
    UPDATE org_version SET version = version + 1 WHERE id = 1;
END;
