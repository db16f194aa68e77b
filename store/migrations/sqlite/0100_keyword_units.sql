-- PostgreSQL's 0100 adds slips.units and a keyword index over character
-- pairs and departments (issue 16). SQLite has no keyword index (nor 0006's):
-- a keyword there is found by LIKE alone, and a department's ledger is
-- filtered through slip_departments as before, so there is nothing to do.
SELECT 1;
