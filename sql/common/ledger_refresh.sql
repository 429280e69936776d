-- A touched file (its bytes equal its ledger entry's) keeps its row; only the metadata that
-- decides "unchanged" next time is refreshed. The path is in the condition because the files one
-- COPY loaded share one file id.
UPDATE load_files SET size = {{size}}, mtime_ns = {{mtime_ns}}, etag = {{etag}}
WHERE file_id = {{file_id}} AND path = {{path}};
