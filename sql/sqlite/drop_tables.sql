-- Every table, for create-tables (which then creates them again), with --direct's
-- direct_user_events.
{{include drop_shared_tables}}
DROP TABLE IF EXISTS direct_user_events;
