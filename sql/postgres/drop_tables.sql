-- Every table, for create-tables (which then creates them again), with the direct load's
-- direct_user_events, direct_user_names and direct_event_copies.
{{include drop_shared_tables}}
DROP TABLE IF EXISTS direct_user_events;
DROP TABLE IF EXISTS direct_event_copies;
DROP TABLE IF EXISTS direct_user_names;
