-- Whether the staging tables hold any row: 0 means a first load (or a full refresh), which drops
-- the staging indexes before its bulk load and builds them after it.
SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM staging_events LIMIT 1) AS e) + (SELECT COUNT(*) FROM (SELECT 1 FROM staging_songs LIMIT 1) AS s);
