#include "engine/redshift_staging.h"

#include <fmt/format.h>

#include <charconv>

#include "base/numbers.h"
#include "engine/redshift_rejections.h"

namespace sparkify {
namespace {

// Every line of `text`, indented.
std::string Indented(const std::string& text) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    out += "  " + text.substr(pos, end - pos) + "\n";
    pos = end + 1;
  }
  return out;
}

Result<int64_t> Count(Engine& engine, const std::string& sql) {
  auto rows = engine.Query(sql);
  if (!rows.ok()) return rows.status();
  if (rows->rows.empty() || rows->rows[0].empty() || !rows->rows[0][0]) return int64_t{0};
  return NumberFromWarehouse<int64_t>(*rows->rows[0][0], "a count");
}

}  // namespace

RedshiftStaging::RedshiftStaging(RedshiftStagingOptions options, Engine& engine,
                                 PlanNotes plan_notes)
    : options_(std::move(options)), engine_(engine), plan_notes_(std::move(plan_notes)) {}
RedshiftStaging::~RedshiftStaging() = default;

void RedshiftStaging::ReadRejectionsFromStl() { stl_load_errors_ = true; }

Status RedshiftStaging::WriteObjects(const ServerLoadRequest& request,
                                     const RedshiftCopyPlan& plan) {
  auto client = StagingS3Client(options_, request);
  if (!client.ok()) return client.status();
  S3Client& s3 = **client;
  PaddedBuffer buffer;
  for (const CopyUpload& u : plan.uploads) {
    const SourceFile& file = request.files[u.file];
    if (request.reader == nullptr) {
      return Status::InvalidArgument(file.path + ": a local file, and nothing to read it with");
    }
    SPARKIFY_RETURN_IF_ERROR(request.reader->Read(file, buffer));
    SPARKIFY_RETURN_IF_ERROR(s3.PutObject(plan.staging_bucket, u.key,
                                          std::string_view(buffer.data(), buffer.size()),
                                          "application/json")
                                 .WithContext("uploading " + file.path));
  }
  if (!plan.jsonpaths_key.empty()) {
    SPARKIFY_RETURN_IF_ERROR(s3.PutObject(plan.staging_bucket, plan.jsonpaths_key,
                                          LogJsonPathsDocument(), "application/json"));
  } else if (plan.events) {
    std::string bucket, key;
    SPARKIFY_RETURN_IF_ERROR(
        ParseS3Uri(options_.log_jsonpath, bucket, key).WithContext("[S3] LOG_JSONPATH"));
    SPARKIFY_RETURN_IF_ERROR(s3.GetObject(bucket, key, buffer).WithContext("[S3] LOG_JSONPATH"));
    SPARKIFY_RETURN_IF_ERROR(
        CheckLogJsonPaths(options_.log_jsonpath, std::string(buffer.data(), buffer.size())));
  }
  for (const CopyBatch& b : plan.batches) {
    if (b.manifest_key.empty()) continue;
    SPARKIFY_RETURN_IF_ERROR(
        s3.PutObject(plan.staging_bucket, b.manifest_key, b.manifest_body, "application/json"));
  }
  return Status::Ok();
}

Status RedshiftStaging::DescribeObjects(const ServerLoadRequest& request,
                                        const RedshiftCopyPlan& plan) {
  std::string out = fmt::format(
      "stage {}: {} file(s) into {} as batch (file id) {}, loaded by the cluster with COPY\n",
      request.source, request.files.size(), request.table, request.file_id);
  for (const CopyUpload& u : plan.uploads) {
    out += fmt::format("upload {} to {}\n", request.files[u.file].path, u.url);
  }
  if (!plan.jsonpaths_key.empty()) {
    out +=
        fmt::format("write {}: sparkify's JSONPaths for the 18 event fields\n", plan.jsonpaths_url);
  } else if (plan.events) {
    out += fmt::format("check {}: the 18 event fields in staging_events' order\n",
                       options_.log_jsonpath);
  }
  for (const CopyBatch& b : plan.batches) {
    if (b.manifest_key.empty()) {
      out += fmt::format(
          "COPY from {}: {}\n", b.from,
          b.urls.size() == 1 && b.urls[0] == b.from
              ? "one object, no other key begins with its key"
              : fmt::format("every object under it is one of the {} listed", b.urls.size()));
    } else {
      out += fmt::format("write {}:\n", b.manifest_url) + Indented(b.manifest_body);
    }
  }
  plan_notes_(out);
  return Status::Ok();
}

Result<ServerLoadResult> RedshiftStaging::Load(const ServerLoadRequest& request) {
  auto built = BuildCopyPlan(options_, stl_load_errors_, request);
  if (!built.ok()) return built.status();
  const RedshiftCopyPlan& plan = *built;
  if (plan.batches.empty()) return ServerLoadResult{};
  // Everything the cluster reads must be in S3 before the first COPY.
  SPARKIFY_RETURN_IF_ERROR(plan_notes_ ? DescribeObjects(request, plan)
                                       : WriteObjects(request, plan));
  ServerLoadResult result;
  SPARKIFY_RETURN_IF_ERROR(engine_.Execute(plan.create_sql).WithContext(plan.load_table));
  std::vector<CopyRejection> rejected;
  for (const CopyBatch& b : plan.batches) {
    const std::string what = fmt::format("COPY {} from {}", plan.load_table, b.from);
    if (Status copied = engine_.Execute(b.copy_sql); !copied.ok()) {
      return ExplainFailedCopy(engine_, plan, stl_load_errors_, copied.WithContext(what));
    }
    auto errors = ReadCopyRejections(engine_, plan, stl_load_errors_);
    if (!errors.ok()) return errors.status();
    for (CopyRejection& r : *errors) rejected.push_back(std::move(r));
  }
  SPARKIFY_RETURN_IF_ERROR(
      WriteCopyRejections(engine_, request.source, request.run_id, request.file_id, rejected));
  for (const CopyRejection& r : rejected) {
    if (result.first_errors.size() >= kFirstCopyErrorsShown) break;
    result.first_errors.push_back(DescribeRejection(r));
  }

  auto copied = Count(engine_, plan.count_load_sql);
  if (!copied.ok()) return copied.status();
  SPARKIFY_RETURN_IF_ERROR(engine_.Execute(plan.stage_sql).WithContext(request.table));
  auto staged = Count(engine_, plan.count_staged_sql);
  if (!staged.ok()) return staged.status();
  result.loaded = *staged;
  result.read = *copied + static_cast<int64_t>(rejected.size());
  result.quarantined = result.read - result.loaded;
  if (*copied > *staged) {  // records stage_*.sql quarantined
    auto reasons = engine_.Query(plan.sql_errors_sql);
    if (!reasons.ok()) return reasons.status();
    for (const auto& row : reasons->rows) {
      if (result.first_errors.size() >= kFirstCopyErrorsShown) break;
      result.first_errors.push_back(
          fmt::format("{}: {}", row[0].value_or(""), row[1].value_or("")));
    }
  }
  return result;
}

}  // namespace sparkify
