-- A failed run, recorded after its rollback in a transaction of its own that takes the lock again.
INSERT INTO etl_runs (run_id, started_at, finished_at, status, error, report) VALUES ({{run_id}}, '{{started_at}}', '{{finished_at}}', 'failed', {{error}}, {{report}});
