-- --full-refresh: forget everything loaded so far (the run history in etl_runs stays), with
-- --direct's direct_user_events.
{{include forget_loaded}}
DELETE FROM direct_user_events;
