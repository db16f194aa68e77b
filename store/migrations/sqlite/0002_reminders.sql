-- Working-day deadlines, extensions, reminders and escalation, notifications.
ALTER TABLE slips ADD COLUMN effective_deadline TEXT NOT NULL DEFAULT '' CHECK (effective_deadline = '' OR effective_deadline GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
UPDATE slips SET effective_deadline = deadline;
ALTER TABLE slips ADD COLUMN deadline_working_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE slips ADD COLUMN extensions INTEGER NOT NULL DEFAULT 0;
ALTER TABLE slips ADD COLUMN pending_extension TEXT;
ALTER TABLE slips ADD COLUMN escalation_level INTEGER NOT NULL DEFAULT 0;
ALTER TABLE slips ADD COLUMN ack_reminded BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE slips ADD COLUMN last_reminder_at DATETIME;
ALTER TABLE slips ADD COLUMN policy TEXT NOT NULL DEFAULT '{}';
CREATE INDEX slips_effective_deadline_idx ON slips (status, effective_deadline);

CREATE TABLE notifications (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    dedupe_key     TEXT NOT NULL UNIQUE,
    recipient_kind TEXT NOT NULL CHECK (recipient_kind IN ('department', 'leader', 'office')),
    recipient      TEXT NOT NULL,
    slip_id        TEXT REFERENCES slips (id),
    kind           TEXT NOT NULL,
    level          INTEGER NOT NULL DEFAULT 0,
    title          TEXT NOT NULL,
    body           TEXT NOT NULL,
    created_at     DATETIME NOT NULL,
    read_at        DATETIME
);
CREATE INDEX notifications_recipient_idx ON notifications (recipient_kind, recipient, id);

CREATE TABLE webhooks (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    department_code TEXT NOT NULL REFERENCES departments (code),
    channel         TEXT NOT NULL CHECK (channel IN ('generic', 'dingtalk', 'wecom')),
    url             TEXT NOT NULL,
    secret          TEXT NOT NULL DEFAULT '',
    created_at      DATETIME NOT NULL,
    disabled_at     DATETIME
);
CREATE INDEX webhooks_department_idx ON webhooks (department_code);

CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    notification_id BIGINT NOT NULL REFERENCES notifications (id),
    webhook_id      BIGINT NOT NULL REFERENCES webhooks (id),
    status          TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL,
    UNIQUE (notification_id, webhook_id)
);
