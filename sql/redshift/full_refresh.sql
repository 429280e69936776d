-- --full-refresh: forget everything loaded so far (the run history in etl_runs stays).
{{include forget_loaded}}
