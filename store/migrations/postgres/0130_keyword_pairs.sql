-- One-character keywords (issue 16): 河, 桥, 湖. The keyword index (0100)
-- keeps each slip's character pairs, and every character of a slip's text is
-- in one of its pairs (the text is title || ' ' || content: two characters at
-- least). So a slip has the character exactly when it has one of the pairs
-- that hold it — which pairs, the index cannot say. keyword_pairs can: every
-- pair any slip has had. It only grows (a pair no slip has any more narrows
-- nothing and costs one lookup), and LIKE still confirms each match, so it
-- only ever has to be a superset of the index's pairs.
--
-- No unique key, on purpose: with one, a transaction adding a new pair would
-- make every other adding it wait for its commit, and two importing
-- transactions adding each other's pairs in turn deadlocked (the seeder did,
-- in its first run). Two transactions adding the same new pair at once leave
-- it twice, which narrows a search no differently.
CREATE TABLE keyword_pairs (
    pair TEXT NOT NULL
);
CREATE INDEX keyword_pairs_pair ON keyword_pairs (pair);
-- A character's pairs: those it begins and those it ends.
CREATE INDEX keyword_pairs_first ON keyword_pairs (left(pair, 1));
CREATE INDEX keyword_pairs_second ON keyword_pairs (right(pair, 1));

-- duban_note_keyword_pairs adds the pairs of the statement's new slips
-- (transition table new_slips) that are not known yet; a known pair costs
-- one probe of keyword_pairs_pair.
CREATE FUNCTION duban_note_keyword_pairs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO keyword_pairs (pair)
    SELECT DISTINCT p FROM new_slips, unnest(duban_bigrams(LOWER(new_slips.title || ' ' || new_slips.content))) AS p
    WHERE NOT EXISTS (SELECT 1 FROM keyword_pairs k WHERE k.pair = p);
    RETURN NULL;
END $$;

-- Once per statement on insert (an issue, an import, the seeder's batches);
-- once per row when a slip's text changes, which nothing but a correction
-- does (a transition table cannot go with a column list).
CREATE TRIGGER slips_keyword_pairs_insert AFTER INSERT ON slips
    REFERENCING NEW TABLE AS new_slips
    FOR EACH STATEMENT EXECUTE FUNCTION duban_note_keyword_pairs();

CREATE FUNCTION duban_note_keyword_pairs_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO keyword_pairs (pair)
    SELECT DISTINCT p FROM unnest(duban_bigrams(LOWER(NEW.title || ' ' || NEW.content))) AS p
    WHERE NOT EXISTS (SELECT 1 FROM keyword_pairs k WHERE k.pair = p);
    RETURN NULL;
END $$;

CREATE TRIGGER slips_keyword_pairs_update AFTER UPDATE OF title, content ON slips
    FOR EACH ROW
    WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.content IS DISTINCT FROM NEW.content)
    EXECUTE FUNCTION duban_note_keyword_pairs_row();

-- The pairs of the slips already there: about as long as computing them for
-- the keyword index (a few minutes per million slips). Slips issued meanwhile
-- wait for the table's lock, then the trigger adds theirs.
LOCK TABLE slips IN SHARE MODE;
SET LOCAL work_mem = '256MB';
INSERT INTO keyword_pairs (pair)
SELECT DISTINCT p FROM slips, unnest(duban_bigrams(LOWER(slips.title || ' ' || slips.content))) AS p;
ANALYZE keyword_pairs;
