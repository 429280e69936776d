-- The direct load: a changed log file replaces its previous version. Its ledger and quarantine
-- rows go now (forget_file.sql); its plays and user events stay until the run's logs are all
-- read, so that the new version's copies of them are kept aside as copies of any other file
-- are, then direct_take_back.sql takes them all back at once and puts the first remaining copy
-- by file and line in their place.
INSERT INTO direct_replaced_files (file_id) VALUES ({{file_id}});
{{include forget_file}}
