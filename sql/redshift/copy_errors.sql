-- The records the last COPY of this session rejected, from SYS_LOAD_ERROR_DETAIL
-- (SYS_LOAD_ERROR_DETAIL.html): the view Redshift Serverless has (it cannot read STL views) and
-- that also covers queries run on concurrency-scaling clusters. The CHAR columns are
-- blank-padded, hence TRIM. It has no raw line: the record is named by file and line, where
-- line_number is the last line of the rejected JSON object. copy_errors_stl.sql is used instead
-- on clusters without this view (redshift_engine.cpp probes for it when it connects).
SELECT TRIM(file_name) AS filename, line_number, TRIM(column_name) AS colname,
       TRIM(error_message) AS err_reason, CAST(NULL AS VARCHAR(1)) AS raw_line
FROM sys_load_error_detail
WHERE query_id = PG_LAST_COPY_ID()
ORDER BY filename, line_number;
