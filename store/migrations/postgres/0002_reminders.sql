-- Working-day deadlines, extensions, reminders and escalation, notifications.
ALTER TABLE slips ADD COLUMN effective_deadline TEXT;
UPDATE slips SET effective_deadline = deadline;
ALTER TABLE slips ALTER COLUMN effective_deadline SET NOT NULL;
ALTER TABLE slips ADD CONSTRAINT slips_effective_deadline_check CHECK (effective_deadline ~ '^\d{4}-\d{2}-\d{2}$');
ALTER TABLE slips ADD COLUMN deadline_working_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE slips ADD COLUMN extensions INTEGER NOT NULL DEFAULT 0;
ALTER TABLE slips ADD COLUMN pending_extension TEXT;
ALTER TABLE slips ADD COLUMN escalation_level INTEGER NOT NULL DEFAULT 0;
ALTER TABLE slips ADD COLUMN ack_reminded BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE slips ADD COLUMN last_reminder_at TIMESTAMPTZ;
ALTER TABLE slips ADD COLUMN policy TEXT NOT NULL DEFAULT '{}';
CREATE INDEX slips_effective_deadline_idx ON slips (status, effective_deadline);

-- The in-app inbox. dedupe_key makes the notifier activity idempotent.
CREATE TABLE notifications (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dedupe_key     TEXT NOT NULL UNIQUE,
    recipient_kind TEXT NOT NULL CHECK (recipient_kind IN ('department', 'leader', 'office')),
    recipient      TEXT NOT NULL,
    slip_id        TEXT REFERENCES slips (id),
    kind           TEXT NOT NULL,
    level          INTEGER NOT NULL DEFAULT 0,
    title          TEXT NOT NULL,
    body           TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    read_at        TIMESTAMPTZ
);
CREATE INDEX notifications_recipient_idx ON notifications (recipient_kind, recipient, id);

-- Webhooks configured per department (generic JSON, DingTalk, WeCom robots).
CREATE TABLE webhooks (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    department_code TEXT NOT NULL REFERENCES departments (code),
    channel         TEXT NOT NULL CHECK (channel IN ('generic', 'dingtalk', 'wecom')),
    url             TEXT NOT NULL,
    secret          TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    disabled_at     TIMESTAMPTZ
);
CREATE INDEX webhooks_department_idx ON webhooks (department_code);

-- One row per notification per webhook: written before any attempt, so a
-- message is never lost; status says how it ended.
CREATE TABLE webhook_deliveries (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    notification_id BIGINT NOT NULL REFERENCES notifications (id),
    webhook_id      BIGINT NOT NULL REFERENCES webhooks (id),
    status          TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (notification_id, webhook_id)
);
