// RedshiftStaging: the ServerStaging of Amazon Redshift. A batch of files is loaded by the
// cluster itself: COPY from a manifest that lists exactly the batch's S3 objects, into a
// temporary load table (sql/redshift/create_load_*.sql), then moved into the staging table with
// the batch's file id (sql/redshift/stage_*.sql). Records COPY rejects (up to MAXERROR) are read
// back from SYS_LOAD_ERROR_DETAIL (sql/redshift/copy_errors.sql; STL_LOAD_ERRORS where that view
// is missing) into load_errors, with the file, line, column and reason Redshift reports. A COPY
// that fails (more rejections than MAXERROR allows, or a file it cannot read) rolls the run back
// and its message names the first rejected records the same way.
//
// S3 objects: the manifest lists them as they are ("mandatory": a file deleted since the listing
// fails the load); .gz objects form a second COPY of the batch, with GZIP. Local files: uploaded
// first (their bytes as read, gunzipped) to <staging>/<token>/<source>/, then loaded the same
// way. Manifests (and sparkify's JSONPaths file, when no LOG_JSONPATH is configured) are written
// to <staging>/<token>/ with the S3 client's PutObject. A configured LOG_JSONPATH is read and
// checked to map the 18 event fields in staging_events' order before it is used.
//
// COPY authorizes with IAM_ROLE (the ARN is not a secret); no AWS key ever appears in a
// statement. REGION is the S3 objects' region (S3Options: --region, AWS_REGION, ...): the
// staging bucket must be in the same region as the data.
//
// Not thread-safe.
#pragma once

#include <string>

#include "engine/server_staging.h"
#include "sparkify/config.h"
#include "sparkify/engine.h"

namespace sparkify {

struct RedshiftStagingOptions {
  std::string iam_role;      // [IAM_ROLE] ARN: the role the cluster assumes to read S3
  std::string log_jsonpath;  // [S3] LOG_JSONPATH; empty: sparkify writes its own JSONPaths file
  std::string staging_uri;   // [S3] STAGING / --staging-uri: s3://bucket/prefix, writable
  GetEnv env = ProcessEnvironment();  // region and credentials of the S3 client
};

class RedshiftStaging final : public ServerStaging {
 public:
  // Statements run on `engine`; with a null engine only Plan() works (dry runs, golden files).
  RedshiftStaging(RedshiftStagingOptions options, Engine* engine);
  ~RedshiftStaging() override;

  Result<std::string> Plan(const ServerLoadRequest& request) override;
  Result<ServerLoadResult> Load(const ServerLoadRequest& request) override;
  // Rejected records are read from SYS_LOAD_ERROR_DETAIL (copy_errors.sql) unless this is called:
  // then from STL_LOAD_ERRORS (copy_errors_stl.sql), for clusters without that view
  // (RedshiftEngine::Open probes for it).
  void ReadRejectionsFromStl();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// The JSONPaths document sparkify writes for the event logs: the 18 fields of eventsim's records
// in staging_events' column order, as the course's log_json_path.json maps them.
const std::string& LogJsonPathsDocument();

// Checks a JSONPaths document (LOG_JSONPATH's contents) maps exactly those fields in that order;
// the message names `where` and the first expression that differs.
Status CheckLogJsonPaths(const std::string& where, const std::string& document);

}  // namespace sparkify
