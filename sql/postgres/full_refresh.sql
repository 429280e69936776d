-- --full-refresh: forget everything loaded so far (the run history in etl_runs stays), with
-- the direct load's direct_user_events, direct_user_names and direct_event_copies.
{{include forget_loaded}}
DELETE FROM direct_user_events;
DELETE FROM direct_event_copies;
DELETE FROM direct_user_names;
