-- A keyword search on one department's ledger (issue 16): the character-pair
-- index of 0006 found a keyword's slips across the whole city, and
-- PostgreSQL read every one of them (24k rows for 电梯 at a million slips) to
-- keep the 6.5k of 住建局's. This migration puts the departments a slip is on
-- into the same index, so that one lookup finds the slips that have the
-- keyword's pairs AND are on the department, and only those rows are read.

-- duban_units_of is a slip's departments as slip_departments has them now:
-- the lead first, then the co-units in the slip's order.
CREATE FUNCTION duban_units_of(slip TEXT) RETURNS TEXT[]
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT COALESCE(array_agg(department_code ORDER BY position, department_code), '{}')
    FROM slip_departments WHERE slip_id = slip
$$;

-- Replaced by slips_keyword_idx below, which answers the same pair lookups
-- (office searches) too. Dropped first so that the rewrite below does not
-- rebuild it.
DROP INDEX IF EXISTS slips_bigram_idx;

-- slips.units is duban_units_of(id): a copy of the slip's slip_departments
-- rows, kept equal to them by the trigger below, so every writer (issuing,
-- 改派, import, restore, seed) keeps it right without knowing it exists. It
-- only narrows a search: the ledger still filters by slip_departments, which
-- stays the authority on who sees a slip.
--
-- It is filled by rewriting the table (ALTER COLUMN … TYPE … USING) rather
-- than by an UPDATE of every row: an UPDATE leaves a dead copy of each row
-- and of its entries in every index (the table and its indexes grew from 1.9
-- to 3.2 GB at a million slips), where a rewrite writes the rows once,
-- compactly, and builds each index afresh.
ALTER TABLE slips ADD COLUMN units TEXT[];
ALTER TABLE slips ALTER COLUMN units TYPE TEXT[] USING duban_units_of(id),
    ALTER COLUMN units SET DEFAULT '{}',
    ALTER COLUMN units SET NOT NULL;

-- duban_unit_term is a department's term in the keyword index. The prefix
-- makes it longer than two characters, so it can never equal a character
-- pair (duban_bigrams yields exactly two characters each).
CREATE FUNCTION duban_unit_term(code TEXT) RETURNS TEXT
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 'unit:' || code $$;

-- duban_keyword_terms is what the keyword index keeps of a slip: the
-- character pairs of its (lowercased) text and a term per department.
CREATE FUNCTION duban_keyword_terms(t TEXT, units TEXT[]) RETURNS TEXT[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT duban_bigrams(t) || COALESCE((SELECT array_agg(duban_unit_term(u)) FROM unnest(units) AS u), '{}')
$$;

-- Building it takes some five to seven minutes per million slips on two
-- busy cores, most of it computing the pairs.
SET LOCAL maintenance_work_mem = '256MB';
CREATE INDEX slips_keyword_idx ON slips USING gin (duban_keyword_terms(LOWER(title || ' ' || content), units));

-- duban_sync_units makes slips.units of one slip what its slip_departments
-- rows say. It locks the slip first: under READ COMMITTED the statement after
-- the lock sees every assignment committed before the lock was granted, so
-- two transactions changing one slip's departments at once cannot leave the
-- older list behind.
CREATE FUNCTION duban_sync_units(slip TEXT) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    now_units TEXT[];
BEGIN
    PERFORM 1 FROM slips WHERE id = slip FOR UPDATE;
    now_units := duban_units_of(slip);
    UPDATE slips SET units = now_units WHERE id = slip AND units IS DISTINCT FROM now_units;
END;
$$;

CREATE FUNCTION duban_slip_departments_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM duban_sync_units(OLD.slip_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM duban_sync_units(NEW.slip_id);
    END IF;
    RETURN NULL;
END;
$$;

-- Deferred to the commit: issuing a slip to three departments inserts three
-- rows one by one; at commit the first firing writes the whole list and the
-- other two find nothing to change, so a slip row is rewritten once per
-- transaction rather than once per department.
CREATE CONSTRAINT TRIGGER slip_departments_units
    AFTER INSERT OR UPDATE OR DELETE ON slip_departments
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION duban_slip_departments_changed();

-- The planner's statistics for the new index's expression.
ANALYZE slips;
