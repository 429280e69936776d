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
// The work is split: redshift_copy_plan.h decides what a batch takes (uploads, manifests, COPY
// statements), redshift_rejections.h reads back and records what COPY rejected, and
// redshift_jsonpaths.h holds the columns and the JSONPaths document; this class carries the plan
// out on the engine. In a dry run (on a RecordingEngine, with plan notes) the objects it would
// write to and read from S3 are described in notes instead, and S3 is never contacted. It owns
// its options; the engine is borrowed.
//
// COPY authorizes with IAM_ROLE (the ARN is not a secret); no AWS key ever appears in a
// statement. REGION is the S3 objects' region (S3Options: --region, AWS_REGION, ...): the
// staging bucket must be in the same region as the data.
//
// Not thread-safe: one run uses it on the thread that owns the engine.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "engine/redshift_copy_plan.h"
#include "engine/redshift_jsonpaths.h"
#include "engine/server_staging.h"
#include "sparkify/engine.h"

namespace sparkify {

class RedshiftStaging final : public ServerStaging {
 public:
  // Comment lines for a dry run's transcript (RecordingEngine::Note).
  using PlanNotes = std::function<void(std::string_view text)>;

  // Statements run on `engine`. With `plan_notes` (a dry run) the S3 objects are described
  // through it, not written or read.
  RedshiftStaging(RedshiftStagingOptions options, Engine& engine, PlanNotes plan_notes = nullptr);
  ~RedshiftStaging() override;

  Result<ServerLoadResult> Load(const ServerLoadRequest& request) override;
  // Rejected records are read from SYS_LOAD_ERROR_DETAIL (copy_errors.sql) unless this is called:
  // then from STL_LOAD_ERRORS (copy_errors_stl.sql), for clusters without that view
  // (RedshiftEngine::Open probes for it).
  void ReadRejectionsFromStl();

 private:
  // What the cluster reads before the first COPY: uploads, the JSONPaths file (or the configured
  // one, checked), the manifests; written to S3, or described in the plan notes.
  Status WriteObjects(const ServerLoadRequest& request, const RedshiftCopyPlan& plan);
  Status DescribeObjects(const ServerLoadRequest& request, const RedshiftCopyPlan& plan);

  RedshiftStagingOptions options_;
  bool stl_load_errors_ = false;  // ReadRejectionsFromStl()
  Engine& engine_;
  PlanNotes plan_notes_;
};

}  // namespace sparkify
