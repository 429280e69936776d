-- sparkify errors: the quarantined records the filters select, in load order.
SELECT run_id, source, path, line, document, byte_offset, field, reason, raw_text
FROM load_errors
{{include errors_filter}}
ORDER BY run_id, file_id, path, line, document, byte_offset
LIMIT {{limit}};
