-- The filters of sparkify errors, each a SQL literal or NULL (no filter): --file and --reason
-- are substrings of the path and of the reason, case-sensitive (STRPOS, also Redshift's).
WHERE ({{run_id}} IS NULL OR run_id = {{run_id}})
  AND ({{source}} IS NULL OR source = {{source}})
  AND ({{file}} IS NULL OR STRPOS(path, {{file}}) > 0)
  AND ({{reason}} IS NULL OR STRPOS(reason, {{reason}}) > 0)
