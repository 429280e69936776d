-- sparkify status: how many runs there were, how many failed, and the last that succeeded.
SELECT COUNT(*) AS runs,
       SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed,
       MAX(CASE WHEN status = 'succeeded' THEN run_id END) AS last_success
FROM etl_runs;
