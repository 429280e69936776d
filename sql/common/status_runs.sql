-- sparkify status: the last runs, newest first, with their outcome, the files each one put in
-- the ledger and the records it quarantined (a failed run rolled back: none). Joins rather than
-- correlated subqueries, which Redshift lacks.
SELECT r.run_id, r.started_at, r.finished_at, r.status, r.error,
       COALESCE(f.files, 0) AS files, COALESCE(e.records, 0) AS quarantined
FROM etl_runs r
LEFT JOIN (SELECT run_id, COUNT(*) AS files FROM load_files GROUP BY run_id) f
  ON f.run_id = r.run_id
LEFT JOIN (SELECT run_id, COUNT(*) AS records FROM load_errors GROUP BY run_id) e
  ON e.run_id = r.run_id
ORDER BY r.run_id DESC
LIMIT {{limit}};
