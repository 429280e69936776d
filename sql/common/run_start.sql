-- The run's row, written once the run holds the lock; run_succeeded.sql completes it in the same
-- transaction, so a run killed before its commit leaves no row (run_failed.sql records failures).
INSERT INTO etl_runs (run_id, started_at, status) VALUES ({{run_id}}, '{{started_at}}', 'running');
