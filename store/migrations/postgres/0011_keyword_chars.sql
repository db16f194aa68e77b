-- Keyword search (q) of one character: an index of each slip's characters,
-- as 0006 indexes its character pairs. A one-character keyword can only be in
-- a slip that has that character, so the index narrows the search and LIKE
-- then confirms it (without it, a rare character read every slip: 1.9 s at a
-- million). Building it takes about as long as 0006's.
CREATE OR REPLACE FUNCTION duban_chars(t TEXT) RETURNS TEXT[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT COALESCE(array_agg(DISTINCT substr(t, i, 1)), '{}') FROM generate_series(1, char_length(t)) AS i
$$;
CREATE INDEX IF NOT EXISTS slips_char_idx ON slips USING gin (duban_chars(LOWER(title || ' ' || content)));
