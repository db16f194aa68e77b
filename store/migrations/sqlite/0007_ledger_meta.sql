-- Facts about the ledger itself, as key and value: which Temporal namespace
-- (by its id) the ledger is the projection of.
CREATE TABLE ledger_meta (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
