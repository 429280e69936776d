SELECT MAX(run_id) FROM etl_runs;
