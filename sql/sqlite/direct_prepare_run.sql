-- The direct load's per-run scratch tables (temporary: private to the connection): the replaced
-- log file versions (direct_forget_file.sql), and what taking them back touched
-- (direct_take_back.sql): the start times of the plays taken back, and per user the earliest
-- event taken back, from which users and user_levels are recomputed.
CREATE TEMPORARY TABLE IF NOT EXISTS direct_replaced_files (file_id INTEGER PRIMARY KEY);
CREATE TEMPORARY TABLE IF NOT EXISTS replaced_plays (start_time TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TEMPORARY TABLE IF NOT EXISTS replaced_user_events (
  user_id     INTEGER PRIMARY KEY,
  earliest_ts INTEGER NOT NULL);
DELETE FROM direct_replaced_files;
DELETE FROM replaced_plays;
DELETE FROM replaced_user_events;
