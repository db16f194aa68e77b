-- Key indicators (重点指标), their targets and the values units report, the
-- monthly reporting windows, the ranking lists of the 晒比 with their
-- adjustments and frozen snapshots, and the 三考三比 scoring sheets (issue 17).
CREATE TABLE indicators (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    definition  TEXT NOT NULL, -- the indicator as JSON (indicator.Indicator)
    created_at  DATETIME NOT NULL
);
CREATE TABLE indicator_targets (
    indicator_code TEXT NOT NULL REFERENCES indicators (code),
    period         TEXT NOT NULL,
    value          REAL NOT NULL,
    PRIMARY KEY (indicator_code, period)
);
-- Every value reported is kept: a correction is a new row, and the newest
-- row of (indicator, unit, month) is the value in force.
CREATE TABLE indicator_values (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    indicator_code TEXT NOT NULL REFERENCES indicators (code),
    unit_code      TEXT NOT NULL,
    month          TEXT NOT NULL,
    value          REAL NOT NULL,
    note           TEXT NOT NULL,
    late           BOOLEAN NOT NULL,
    reported_by    TEXT NOT NULL,
    reported_at    DATETIME NOT NULL
);
CREATE INDEX indicator_values_month_idx ON indicator_values (month, indicator_code, unit_code, id);
CREATE TABLE reporting_windows (
    month       TEXT PRIMARY KEY,
    status      TEXT NOT NULL, -- open, closed
    opened_at   DATETIME NOT NULL,
    closes_on   TEXT NOT NULL,
    closed_at   DATETIME,
    reopened_by TEXT NOT NULL DEFAULT '',
    reopened_at DATETIME,
    reopen_reason TEXT NOT NULL DEFAULT ''
);
CREATE TABLE rank_lists (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    definition TEXT NOT NULL, -- the list as JSON (lists.List)
    updated_at DATETIME NOT NULL
);
CREATE TABLE rank_list_adjustments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    list_code   TEXT NOT NULL REFERENCES rank_lists (code),
    month       TEXT NOT NULL,
    member_code TEXT NOT NULL,
    points      REAL NOT NULL,
    reason      TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  DATETIME NOT NULL
);
CREATE INDEX rank_list_adjustments_idx ON rank_list_adjustments (list_code, month, id);
CREATE TABLE rank_list_snapshots (
    list_code TEXT NOT NULL REFERENCES rank_lists (code),
    month     TEXT NOT NULL,
    taken_at  DATETIME NOT NULL,
    taken_by  TEXT NOT NULL,
    standing  TEXT NOT NULL,
    PRIMARY KEY (list_code, month)
);
CREATE TRIGGER rank_list_snapshots_no_update BEFORE UPDATE ON rank_list_snapshots
BEGIN
    SELECT RAISE(ABORT, 'published lists never change (UPDATE)');
END;
CREATE TRIGGER rank_list_snapshots_no_delete BEFORE DELETE ON rank_list_snapshots
BEGIN
    SELECT RAISE(ABORT, 'published lists never change (DELETE)');
END;
CREATE TABLE score_sheets (
    group_code  TEXT NOT NULL,
    month       TEXT NOT NULL,
    group_name  TEXT NOT NULL,
    definition  TEXT NOT NULL, -- tasks and members as JSON
    updated_at  DATETIME NOT NULL,
    PRIMARY KEY (group_code, month)
);
CREATE TABLE score_entries (
    group_code  TEXT NOT NULL,
    month       TEXT NOT NULL,
    member_code TEXT NOT NULL,
    scores      TEXT NOT NULL, -- hundredths of a point per task, JSON
    entered_by  TEXT NOT NULL,
    entered_at  DATETIME NOT NULL,
    PRIMARY KEY (group_code, month, member_code),
    FOREIGN KEY (group_code, month) REFERENCES score_sheets (group_code, month)
);
