-- The direct load's per-run scratch tables (temporary: private to the connection), as in
-- sql/sqlite/direct_prepare_run.sql: the replaced log file versions (direct_forget_file.sql) and
-- what taking them back touched (direct_take_back.sql); and, since a connection carries one
-- COPY at a time, direct_run_events: the rows of this run's logs from the first batch a star
-- table refused on (pipeline/direct_load.cpp), as direct_event_copies holds rows, which
-- direct_distribute.sql puts into the star tables.
CREATE TEMPORARY TABLE IF NOT EXISTS direct_replaced_files (file_id BIGINT PRIMARY KEY);
CREATE TEMPORARY TABLE IF NOT EXISTS replaced_plays (start_time TIMESTAMP PRIMARY KEY);
CREATE TEMPORARY TABLE IF NOT EXISTS replaced_user_events (
  user_id     BIGINT PRIMARY KEY,
  earliest_ts BIGINT NOT NULL);
CREATE TEMPORARY TABLE IF NOT EXISTS direct_run_events (LIKE direct_event_copies);
TRUNCATE direct_replaced_files, replaced_plays, replaced_user_events, direct_run_events;
