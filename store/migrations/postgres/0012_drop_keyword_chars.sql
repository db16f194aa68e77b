-- Drops what the first version of 0011 made (an index of each slip's
-- characters and its function), unused since the ledger stopped narrowing
-- one-character keywords by it (issue 16): on a database where it ran, the
-- index cost every slip write and some 200 MB at a million slips.
DROP INDEX IF EXISTS slips_char_idx;
DROP FUNCTION IF EXISTS duban_chars(text);
