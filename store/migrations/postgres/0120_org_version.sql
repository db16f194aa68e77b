-- The unit tree's version (issue 16): every department user's request
-- confines the caller by the tree of units and 专班 members, which was read
-- whole each time (every department and member row). A statement that
-- changes either table bumps this one number in its own transaction, so a
-- process keeps the tree it read and reads one row to learn whether it is
-- still the tree: a change any process commits is seen by the next request
-- of every process.
CREATE TABLE org_version (
    id      SMALLINT PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO org_version (id, version) VALUES (1, 1);

CREATE FUNCTION duban_bump_org_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE org_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END $$;

CREATE TRIGGER departments_org_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON departments
    FOR EACH STATEMENT EXECUTE FUNCTION duban_bump_org_version();
CREATE TRIGGER taskforce_members_org_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON taskforce_members
    FOR EACH STATEMENT EXECUTE FUNCTION duban_bump_org_version();
