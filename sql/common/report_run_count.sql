-- Report: how many runs the warehouse has had.
SELECT COUNT(*) AS runs FROM etl_runs;
