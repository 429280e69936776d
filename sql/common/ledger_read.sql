-- The ledger of one source: what decides whether a listed file is unchanged, touched or changed.
SELECT path, file_id, size, mtime_ns, etag, checksum FROM load_files WHERE source = {{source}};
