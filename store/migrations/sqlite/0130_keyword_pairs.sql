-- PostgreSQL's 0130 keeps every character pair its keyword index has seen, so
-- that a one-character keyword is narrowed by that index too (issue 16).
-- SQLite has no keyword index: a keyword there is found by LIKE alone.
SELECT 1;
