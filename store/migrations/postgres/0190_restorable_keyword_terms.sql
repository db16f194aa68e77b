-- A ledger restored from pg_dump came back without its keyword index.
-- pg_dump restores with an empty search_path, and duban_keyword_terms named
-- duban_bigrams and duban_unit_term without their schema, so building
-- slips_keyword_idx failed ("function duban_bigrams(text) does not exist")
-- and psql went on without it: every keyword search then read the whole
-- ledger. The body now names the schema the functions were made in, the
-- one this migration runs in. Each slip's terms are what they were, so the
-- index stands as it is.
DO $$
BEGIN
    EXECUTE format($f$
        CREATE OR REPLACE FUNCTION %1$I.duban_keyword_terms(t TEXT, units TEXT[]) RETURNS TEXT[]
            LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $b$
            SELECT %1$I.duban_bigrams(t) || COALESCE((SELECT array_agg(%1$I.duban_unit_term(u)) FROM unnest(units) AS u), '{}')
        $b$
    $f$, current_schema());
END
$$;
