#include "engine/redshift_copy_plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "base/json_string.h"
#include "base/sql_text.h"
#include "engine/redshift_jsonpaths.h"
#include "engine/sql_catalog.h"

namespace sparkify {
namespace {

const std::vector<std::string> kDialects = {"redshift", "postgres", "common"};

// COPY's largest MAXERROR (copy-parameters-data-load.html#copy-maxerror).
constexpr int64_t kMaxErrorLimit = 100000;

std::string Literal(std::string_view text) { return SqlQuote(text, /*backslash_escapes=*/true); }

std::string JoinKey(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "/" + name;
}

std::string BaseName(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string WithoutGz(std::string name) {
  if (IsGzipName(name)) name.resize(name.size() - 3);
  return name;
}

// Without a staging location there is no manifest, and COPY FROM 's3://bucket/x' reads every
// object whose key begins with x. So when the listed files are every object under the source's
// folder (a first load, as the course's etl.py loads it), one COPY reads the folder; otherwise
// one COPY per file reads its own key, and a file is refused when another object's key begins
// with its key (2018-11-01-events.json beside 2018-11-01-events.json.bak): only a manifest
// loads exactly that file then.
Result<std::vector<CopyBatch>> DirectBatches(const RedshiftStagingOptions& options,
                                             const ServerLoadRequest& request, CopyBatch plain,
                                             CopyBatch gzip) {
  std::string bucket, prefix;
  SPARKIFY_RETURN_IF_ERROR(ParseS3Uri(request.location, bucket, prefix));
  const std::string root = "s3://" + bucket + "/";
  // A prefix is a folder (s3_source.h), unless it names the one file listed.
  const bool one_object = request.files.size() == 1 && request.files[0].path == root + prefix;
  std::string folder = prefix;
  if (!one_object && !folder.empty() && folder.back() != '/') folder += '/';
  auto client = StagingS3Client(options, request);
  if (!client.ok()) return client.status();
  auto objects = (*client)->ListObjects(bucket, folder);
  if (!objects.ok()) return objects.status().WithContext("listing " + root + folder);
  std::vector<std::string> under;
  for (const ObjectInfo& o : *objects) under.push_back(root + o.key);
  std::sort(under.begin(), under.end());

  std::vector<CopyBatch> batches;
  std::vector<std::string> listed = plain.urls;
  std::sort(listed.begin(), listed.end());
  if (!one_object && gzip.urls.empty() && listed == under) {
    plain.from = root + folder;
    batches.push_back(std::move(plain));
    return batches;
  }
  for (const CopyBatch* group : {&plain, &gzip}) {
    for (const std::string& url : group->urls) {
      const auto next = std::upper_bound(under.begin(), under.end(), url);
      if (next != under.end() && next->rfind(url, 0) == 0) {
        return Status::InvalidArgument(fmt::format(
            "{}: a COPY of this object without a manifest would also read {} (COPY FROM names "
            "a key prefix): set [S3] STAGING so that sparkify loads exactly the listed files "
            "through a manifest",
            url, *next));
      }
      CopyBatch one;
      one.gzip = group->gzip;
      one.from = url;
      one.urls = {url};
      batches.push_back(std::move(one));
    }
  }
  return batches;
}

}  // namespace

Result<std::unique_ptr<S3Client>> StagingS3Client(const RedshiftStagingOptions& options,
                                                  const ServerLoadRequest& request) {
  auto settings = ResolveAwsSettings(request.s3, options.env);
  if (!settings.ok()) return settings.status();
  S3ClientOptions client_options;
  client_options.settings = std::move(settings.value());
  return std::make_unique<S3Client>(std::move(client_options));
}

Result<RedshiftCopyPlan> BuildCopyPlan(const RedshiftStagingOptions& options, bool stl_load_errors,
                                       const ServerLoadRequest& request) {
  RedshiftCopyPlan plan;
  plan.events = request.table == "staging_events";
  if (!plan.events && request.table != "staging_songs") {
    return Status::InvalidArgument("Redshift staging: no COPY for table " + request.table);
  }
  if (options.iam_role.empty()) {
    return Status::InvalidArgument(
        "Redshift loads S3 files with COPY ... IAM_ROLE: set [IAM_ROLE] ARN in dwh.cfg to the "
        "ARN of a role attached to the cluster that can read the sources and the staging "
        "location");
  }
  const bool manifests = !options.staging_uri.empty();
  if (!manifests) {
    for (const SourceFile& file : request.files) {
      if (file.path.rfind("s3://", 0) == 0) continue;
      return Status::InvalidArgument(
          file.path +
          ": a local file: the cluster reads only S3, so local files are uploaded to a staging "
          "location first: set [S3] STAGING in dwh.cfg or pass --staging-uri s3://bucket/prefix");
    }
    if (plan.events && options.log_jsonpath.empty()) {
      return Status::InvalidArgument(
          "Redshift COPYs the logs with a JSONPaths file: set [S3] LOG_JSONPATH (the course's "
          "is s3://udacity-dend/log_json_path.json), or [S3] STAGING, where sparkify writes "
          "its own");
    }
  } else {
    SPARKIFY_RETURN_IF_ERROR(
        ParseS3Uri(options.staging_uri, plan.staging_bucket, plan.staging_prefix)
            .WithContext("[S3] STAGING"));
    while (!plan.staging_prefix.empty() && plan.staging_prefix.back() == '/') {
      plan.staging_prefix.pop_back();
    }
  }
  const std::string run_prefix = JoinKey(plan.staging_prefix, request.token);
  auto url = [&](const std::string& key) { return "s3://" + plan.staging_bucket + "/" + key; };

  // The files as the cluster will read them.
  CopyBatch plain, gzip;
  gzip.gzip = true;
  for (size_t i = 0; i < request.files.size(); ++i) {
    const SourceFile& file = request.files[i];
    if (file.path.rfind("s3://", 0) == 0) {
      plan.path_of_url[file.path] = file.path;
      (IsGzipName(file.path) ? gzip : plain).urls.push_back(file.path);
      continue;
    }
    CopyUpload u{i,
                 JoinKey(run_prefix, fmt::format("{}/{:06}-{}", request.source, i + 1,
                                                 WithoutGz(BaseName(file.path)))),
                 ""};
    u.url = url(u.key);
    plan.path_of_url[u.url] = file.path;
    plain.urls.push_back(u.url);
    plan.uploads.push_back(std::move(u));
  }

  std::string json;
  if (!plan.events) {
    json = Literal("auto");
  } else if (options.log_jsonpath.empty()) {
    plan.jsonpaths_key = JoinKey(run_prefix, "log_jsonpaths.json");
    plan.jsonpaths_url = url(plan.jsonpaths_key);
    json = Literal(plan.jsonpaths_url);
  } else {
    if (options.log_jsonpath.rfind("s3://", 0) != 0) {
      return Status::InvalidArgument("[S3] LOG_JSONPATH: invalid value '" + options.log_jsonpath +
                                     "' (expected s3://bucket/key)");
    }
    json = Literal(options.log_jsonpath);
  }

  const std::string columns = CopyColumns(plan.events);
  plan.load_table = plan.events ? "load_events" : "load_songs";
  const int64_t max_errors =
      request.max_errors ? std::min(*request.max_errors + 1, kMaxErrorLimit) : kMaxErrorLimit;

  S3Options region_only = request.s3;
  region_only.no_sign_request = true;  // the region needs no credentials
  auto region = ResolveAwsSettings(region_only, options.env);
  if (!region.ok()) return region.status();

  std::vector<CopyBatch> batches;
  if (manifests) {
    for (CopyBatch* b : {&plain, &gzip}) {
      if (b->urls.empty()) continue;
      b->manifest_key =
          JoinKey(run_prefix, request.source + (b->gzip ? "-gzip.manifest" : ".manifest"));
      b->manifest_url = b->from = url(b->manifest_key);
      b->manifest_body = "{\"entries\": [\n";
      for (size_t i = 0; i < b->urls.size(); ++i) {
        b->manifest_body += fmt::format("  {{\"url\": {}, \"mandatory\": true}}{}\n",
                                        JsonString(b->urls[i]), i + 1 < b->urls.size() ? "," : "");
      }
      b->manifest_body += "]}\n";
      batches.push_back(std::move(*b));
    }
  } else if (!request.files.empty()) {
    auto direct = DirectBatches(options, request, std::move(plain), std::move(gzip));
    if (!direct.ok()) return direct.status();
    batches = std::move(direct).value();
  }
  for (CopyBatch& batch : batches) {
    CopyBatch* b = &batch;
    auto copy = LoadSql(kDialects, "copy_from_s3",
                        {{"load_table", plan.load_table},
                         {"columns", columns},
                         {"from", Literal(b->from)},
                         {"manifest", b->manifest_url.empty() ? "" : "\nMANIFEST"},
                         {"iam_role", Literal(options.iam_role)},
                         {"json", json},
                         {"compression", b->gzip ? " GZIP" : ""},
                         {"region", Literal(region->region)},
                         {"max_errors", std::to_string(max_errors)}});
    if (!copy.ok()) return copy.status();
    b->copy_sql = std::move(copy).value();
    plan.batches.push_back(std::move(*b));
  }

  const std::map<std::string, std::string> vars = {
      {"run_id", std::to_string(request.run_id)},
      {"file_id", std::to_string(request.file_id)},
      {"manifest", Literal(plan.batches.empty() ? "" : plan.batches.front().from)}};
  for (auto [name, out] :
       {std::pair{plan.events ? "create_load_events" : "create_load_songs", &plan.create_sql},
        std::pair{stl_load_errors ? "copy_errors_stl" : "copy_errors", &plan.errors_sql},
        std::pair{plan.events ? "stage_events" : "stage_songs", &plan.stage_sql}}) {
    auto sql = LoadSql(kDialects, name, vars);
    if (!sql.ok()) return sql.status();
    *out = std::move(sql).value();
  }
  plan.count_load_sql = "SELECT COUNT(*) FROM " + plan.load_table + ";";
  plan.count_staged_sql =
      fmt::format("SELECT COUNT(*) FROM {} WHERE file_id = {};", request.table, request.file_id);
  plan.sql_errors_sql = fmt::format(
      "SELECT path, reason FROM load_errors WHERE file_id = {} AND line IS NULL ORDER BY reason "
      "LIMIT {};",
      request.file_id, kFirstCopyErrorsShown);
  return plan;
}

}  // namespace sparkify
