-- One batch of files loaded by the cluster itself: listed in a manifest written for this run, or,
-- without a staging location ([S3] STAGING), read from the source's folder or one object's key
-- (redshift_staging.h says when which).
-- Checked against the Amazon Redshift Database Developer Guide:
-- * COPY table (columns) FROM 's3://...manifest' IAM_ROLE '...' [FORMAT AS] JSON '...'
--   (r_COPY.html, copy-parameters-data-source-s3.html, copy-parameters-authorization.html);
--   MANIFEST: the FROM object lists the files ({"entries": [{"url": ..., "mandatory": true}]},
--   loading-data-files-using-manifest.html); "mandatory" makes a file deleted since the listing
--   an error instead of a silent gap. Without MANIFEST, FROM is a key prefix: every object whose
--   key begins with it is read (copy-parameters-data-source-s3.html).
-- * JSON 'auto' maps lowercase keys to column names; a JSONPaths file maps its expressions to the
--   column list in order (copy-parameters-data-format.html#copy-json-jsonpaths).
-- * GZIP for the batch of .gz objects (copy-parameters-file-compression.html).
-- * REGION: the region of the S3 objects, when it is not the cluster's.
-- * MAXERROR n: "When the error count equals or exceeds MAXERROR, COPY fails", so n is the
--   budget plus one; 100000 is the largest value (copy-parameters-data-load.html). The rejected
--   records are read back from STL_LOAD_ERRORS (copy_errors.sql).
-- * No EMPTYASNULL or BLANKSASNULL: the other engines keep "" and "  " apart from NULL in text
--   columns; empty strings for numeric columns load as NULL anyway. No TIMEFORMAT: ts stays epoch
--   milliseconds (BIGINT) as on every engine; TIMEFORMAT applies only to TIMESTAMP columns.
-- * COMPUPDATE OFF, STATUPDATE OFF: a temporary load table needs no compression analysis or
--   statistics.
COPY {{load_table}} ({{columns}})
FROM {{from}}
IAM_ROLE {{iam_role}}
FORMAT AS JSON {{json}}{{compression}}
REGION {{region}}{{manifest}}
MAXERROR {{max_errors}}
COMPUPDATE OFF
STATUPDATE OFF;
