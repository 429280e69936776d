-- The filters of sparkify errors, each a SQL literal or NULL (no filter): --file and --reason
-- are substrings of the path and of the reason, case-sensitive as on the other engines.
WHERE ({{run_id}} IS NULL OR run_id = {{run_id}})
  AND ({{source}} IS NULL OR source = {{source}})
  AND ({{file}} IS NULL OR instr(path, {{file}}) > 0)
  AND ({{reason}} IS NULL OR instr(reason, {{reason}}) > 0)
