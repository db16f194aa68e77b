-- Sign-in attempts per account ('account:<login>') and per address
-- ('address:<ip>'), for backoff and lockout. Kept in the database so every
-- API process behind the load balancer sees the same count.
CREATE TABLE login_attempts (
    subject  TEXT PRIMARY KEY,
    attempts INTEGER NOT NULL,
    last_at  DATETIME NOT NULL
);
CREATE INDEX login_attempts_last_idx ON login_attempts (last_at);

-- Idempotency keys belong to the user who sent them: two clerks may pick the
-- same key. answer is the slip as an action left it, replayed on a retry
-- (NULL for an issue, which replays the slip it created).
CREATE TABLE request_keys (
    user_id      BIGINT NOT NULL,
    idem_key     TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    slip_id      TEXT NOT NULL,
    answer       TEXT,
    created_at   DATETIME NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);
-- Keys from before belonged to whoever issued their slip.
INSERT INTO request_keys (user_id, idem_key, request_hash, slip_id, created_at)
SELECT COALESCE((SELECT e.actor_id FROM events e WHERE e.slip_id = k.slip_id AND e.seq = 1), 0),
       k.idem_key, k.request_hash, k.slip_id, k.created_at
FROM idempotency_keys k;
DROP TABLE idempotency_keys;
