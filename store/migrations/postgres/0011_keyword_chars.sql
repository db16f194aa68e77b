-- Withdrawn (issue 16). This migration first created an index of each slip's
-- characters (duban_chars) for one-character keywords; measured at a million
-- slips it made a common character several times slower, so the ledger no
-- longer uses it. It was merged into main before it was withdrawn, so the
-- name stays taken; it now does nothing, and 0012 drops the index and the
-- function wherever the first version ran.
SELECT 1;
