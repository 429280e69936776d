// RedshiftCopyPlan: what loading one batch of files into Redshift takes, decided before anything
// runs: the local files to upload and their keys, the manifests (or, without a staging location,
// the folder or keys COPY reads directly), the COPY statements and the statements around them
// (create the load table, read the rejections, stage, count). RedshiftStaging carries a plan out
// (redshift_staging.h).
//
// Building a plan is pure except for one listing: without a staging location, the source's S3
// folder is listed to know whether one COPY of the folder reads exactly the listed files. A plan
// is a value owning its strings (nothing refers back to the request). Thread safety: the
// functions may run on several threads at once; each call makes its own S3 client.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/server_staging.h"
#include "s3/s3_client.h"
#include "sparkify/config.h"
#include "sparkify/status.h"

namespace sparkify {

struct RedshiftStagingOptions {
  std::string iam_role;      // [IAM_ROLE] ARN: the role the cluster assumes to read S3
  std::string log_jsonpath;  // [S3] LOG_JSONPATH; empty: sparkify writes its own JSONPaths file
  std::string staging_uri;   // [S3] STAGING / --staging-uri: s3://bucket/prefix, writable
  GetEnv env = ProcessEnvironment();  // region and credentials of the S3 client
};

// How many of a COPY's first rejections a message or report names.
constexpr size_t kFirstCopyErrorsShown = 5;

struct CopyUpload {
  size_t file;      // index into the request's files
  std::string key;  // in the staging bucket
  std::string url;  // s3://bucket/key
};

// One COPY: plain JSON or, with `gzip`, gzip-compressed objects.
struct CopyBatch {
  bool gzip = false;
  // What COPY reads from: the manifest (manifest_* set), a folder prefix or one object key.
  std::string from;
  std::string manifest_key, manifest_url, manifest_body;
  std::vector<std::string> urls;
  std::string copy_sql;
};

struct RedshiftCopyPlan {
  bool events = false;
  std::string load_table;
  std::string staging_bucket, staging_prefix;
  std::vector<CopyUpload> uploads;
  std::string jsonpaths_key, jsonpaths_url;  // set when sparkify writes its own
  std::string create_sql, errors_sql, count_load_sql, stage_sql, count_staged_sql, sql_errors_sql;
  std::vector<CopyBatch> batches;
  std::unordered_map<std::string, std::string> path_of_url;  // manifest url -> ledger path
};

// The plan of `request`; `stl_load_errors` reads rejections from STL_LOAD_ERRORS
// (copy_errors_stl.sql) instead of SYS_LOAD_ERROR_DETAIL. Errors name the setting to fix
// ([IAM_ROLE] ARN, [S3] STAGING, [S3] LOG_JSONPATH) or the object a COPY would also read.
Result<RedshiftCopyPlan> BuildCopyPlan(const RedshiftStagingOptions& options, bool stl_load_errors,
                                       const ServerLoadRequest& request);

// The S3 client of the request's settings (uploads, manifests, listings, LOG_JSONPATH).
Result<std::unique_ptr<S3Client>> StagingS3Client(const RedshiftStagingOptions& options,
                                                  const ServerLoadRequest& request);

}  // namespace sparkify
