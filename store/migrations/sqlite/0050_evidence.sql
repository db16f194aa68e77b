-- Evidence files of slips (package evidence): what the ledger knows about
-- each file, and, in production, the contents in chunks of at most 256 KiB
-- so that a file streams in and out without being held whole in memory.
CREATE TABLE evidence_files (
    id              TEXT PRIMARY KEY,
    slip_id         TEXT NOT NULL REFERENCES slips(id),
    purpose         TEXT NOT NULL,
    name            TEXT NOT NULL,
    mime            TEXT NOT NULL,
    size            BIGINT NOT NULL,
    sha256          TEXT NOT NULL,
    blob_key        TEXT NOT NULL UNIQUE,
    department      TEXT NOT NULL DEFAULT '',
    uploaded_by     TEXT NOT NULL,
    uploaded_by_id  BIGINT NOT NULL,
    uploaded_at     DATETIME NOT NULL
);
CREATE INDEX evidence_files_slip ON evidence_files (slip_id, uploaded_at);

CREATE TABLE evidence_chunks (
    blob_key TEXT NOT NULL,
    n        INTEGER NOT NULL,
    data     BLOB NOT NULL,
    PRIMARY KEY (blob_key, n)
);
