UPDATE etl_runs SET finished_at = '{{finished_at}}', status = 'succeeded', report = {{report}} WHERE run_id = {{run_id}};
