-- The records the last COPY of this session rejected, on a provisioned cluster without
-- SYS_LOAD_ERROR_DETAIL (copy_errors.sql): STL_LOAD_ERRORS rows of the query PG_LAST_COPY_ID()
-- names (r_STL_LOAD_ERRORS.html, PG_LAST_COPY_ID.html). The CHAR columns are blank-padded, hence
-- TRIM. raw_line is cut at 1024 bytes and has its multibyte characters replaced by periods;
-- line_number is the last line of the rejected JSON object.
SELECT TRIM(filename) AS filename, line_number, TRIM(colname) AS colname,
       TRIM(err_reason) AS err_reason, TRIM(raw_line) AS raw_line
FROM stl_load_errors
WHERE query = PG_LAST_COPY_ID()
ORDER BY filename, line_number;
