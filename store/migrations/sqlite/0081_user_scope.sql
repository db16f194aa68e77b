-- Levels (市县两级, issue 19): an office, leader or inspector may be scoped
-- to one department's subtree (a town's own supervision office). Its own
-- migration, after 0080: on SQLite 0053 remakes the users table, and a test
-- replaying 0053 replays this after it.
ALTER TABLE users ADD COLUMN scope_code TEXT REFERENCES departments (code);
