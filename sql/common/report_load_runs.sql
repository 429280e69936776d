-- Report: the last {{runs}} runs: when each started and finished, the files it loaded and the
-- records it quarantined.
SELECT r.run_id, r.started_at, r.finished_at,
       (SELECT COUNT(*) FROM load_files f WHERE f.run_id = r.run_id) AS files,
       (SELECT COUNT(*) FROM load_errors e WHERE e.run_id = r.run_id) AS quarantined
FROM etl_runs r
ORDER BY r.run_id DESC
LIMIT {{runs}};
