#include "engine/redshift_staging.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <unordered_map>

#include "base/json_string.h"
#include "base/numbers.h"
#include "base/sql_text.h"
#include "decode/raw_text.h"
#include "engine/sql_catalog.h"
#include "pipeline/ledger.h"
#include "s3/s3_client.h"

namespace sparkify {
namespace {

const std::vector<std::string> kDialects = {"redshift", "postgres", "common"};

// COPY's largest MAXERROR (copy-parameters-data-load.html#copy-maxerror).
constexpr int64_t kMaxErrorLimit = 100000;
constexpr size_t kFirstErrorsShown = 5;
constexpr size_t kRawLimit = 4096;

// eventsim's fields, in staging_events' (and load_events') column order.
struct EventField {
  const char* json;
  const char* column;
};
constexpr EventField kEventFields[] = {
    {"artist", "artist"},
    {"auth", "auth"},
    {"firstName", "first_name"},
    {"gender", "gender"},
    {"itemInSession", "item_in_session"},
    {"lastName", "last_name"},
    {"length", "length"},
    {"level", "level"},
    {"location", "location"},
    {"method", "method"},
    {"page", "page"},
    {"registration", "registration"},
    {"sessionId", "session_id"},
    {"song", "song"},
    {"status", "status"},
    {"ts", "ts"},
    {"userAgent", "user_agent"},
    {"userId", "user_id"},
};
constexpr const char* kSongColumns[] = {
    "num_songs",   "artist_id", "artist_latitude", "artist_longitude", "artist_location",
    "artist_name", "song_id",   "title",           "duration",         "year"};

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

// Every line of `text` as a comment line.
std::string Commented(const std::string& text) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    out += "--   " + text.substr(pos, end - pos) + "\n";
    pos = end + 1;
  }
  return out;
}

// Statement text ends with exactly one newline.
std::string Statement(std::string sql) {
  while (!sql.empty() && (sql.back() == '\n' || sql.back() == ' ')) sql.pop_back();
  return sql + "\n";
}

Result<int64_t> Number(const std::string& text, const char* what) {
  int64_t value = 0;
  const auto end = text.data() + text.size();
  const auto parsed = std::from_chars(text.data(), end, value);
  if (parsed.ec != std::errc() || parsed.ptr != end) {
    return Status::InvalidArgument(
        fmt::format("Redshift staging: {} '{}' is not a number", what, text));
  }
  return value;
}

// The name a JSONPath expression ($['name'] or $.name) selects, or "" when it is another form.
std::string JsonPathName(std::string_view expression) {
  if (expression.size() > 5 && expression.substr(0, 3) == "$['" &&
      expression.substr(expression.size() - 2) == "']") {
    return std::string(expression.substr(3, expression.size() - 5));
  }
  if (expression.size() > 5 && expression.substr(0, 3) == "$[\"" &&
      expression.substr(expression.size() - 2) == "\"]") {
    return std::string(expression.substr(3, expression.size() - 5));
  }
  if (expression.size() > 2 && expression.substr(0, 2) == "$." &&
      expression.find_first_of(".[", 2) == std::string_view::npos) {
    return std::string(expression.substr(2));
  }
  return {};
}

}  // namespace

const std::string& LogJsonPathsDocument() {
  static const std::string document = [] {
    std::string out = "{\n  \"jsonpaths\": [\n";
    for (size_t i = 0; i < std::size(kEventFields); ++i) {
      out += fmt::format("    \"$['{}']\"{}\n", kEventFields[i].json,
                         i + 1 < std::size(kEventFields) ? "," : "");
    }
    return out + "  ]\n}\n";
  }();
  return document;
}

Status CheckLogJsonPaths(const std::string& where, const std::string& document) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::dom::array paths;
  if (parser.parse(document).get(root) != simdjson::SUCCESS ||
      root["jsonpaths"].get_array().get(paths) != simdjson::SUCCESS) {
    return Status::InvalidArgument(where +
                                   ": not a JSONPaths file (expected {\"jsonpaths\": [...]})");
  }
  size_t i = 0;
  for (simdjson::dom::element path : paths) {
    std::string_view expression;
    if (path.get_string().get(expression) != simdjson::SUCCESS) {
      return Status::InvalidArgument(
          fmt::format("{}: JSONPath expression {} is not a string", where, i + 1));
    }
    if (i >= std::size(kEventFields) || JsonPathName(expression) != kEventFields[i].json) {
      const std::string expected =
          i < std::size(kEventFields) ? fmt::format("$['{}']", kEventFields[i].json) : "nothing";
      return Status::InvalidArgument(fmt::format(
          "{}: JSONPath expression {} is {}, expected {}: the logs' JSONPaths must map the 18 "
          "event fields in staging_events' order (artist, auth, firstName ... userAgent, "
          "userId), as the course's log_json_path.json does; or leave [S3] LOG_JSONPATH empty "
          "and sparkify writes its own",
          where, i + 1, expression, expected));
    }
    ++i;
  }
  if (i != std::size(kEventFields)) {
    return Status::InvalidArgument(fmt::format(
        "{}: {} JSONPath expressions, expected {} (artist ... userId in staging_events' order)",
        where, i, std::size(kEventFields)));
  }
  return Status::Ok();
}

class RedshiftStaging::Impl {
 public:
  void ReadRejectionsFromStl() { stl_load_errors_ = true; }

  Impl(RedshiftStagingOptions options, Engine* engine)
      : options_(std::move(options)), engine_(engine) {}

  Result<std::string> Plan(const ServerLoadRequest& request) {
    auto built = Build(request);
    if (!built.ok()) return built.status();
    const LoadPlan& plan = *built;
    std::string out = fmt::format(
        "-- stage {}: {} file(s) into {} as batch (file id) {}, loaded by the cluster with COPY\n",
        request.source, request.files.size(), request.table, request.file_id);
    for (const Upload& u : plan.uploads) {
      out += fmt::format("-- upload {} to {}\n", request.files[u.file].path, u.url);
    }
    if (!plan.jsonpaths_key.empty()) {
      out += fmt::format("-- write {}: sparkify's JSONPaths for the 18 event fields\n",
                         plan.jsonpaths_url);
    } else if (plan.events) {
      out += fmt::format("-- check {}: the 18 event fields in staging_events' order\n",
                         options_.log_jsonpath);
    }
    for (const Batch& b : plan.batches) {
      if (b.manifest_key.empty()) {
        out += fmt::format(
            "-- COPY from {}: {}\n", b.from,
            b.urls.size() == 1 && b.urls[0] == b.from
                ? "one object, no other key begins with its key"
                : fmt::format("every object under it is one of the {} listed", b.urls.size()));
      } else {
        out += fmt::format("-- write {}:\n", b.manifest_url) + Commented(b.manifest_body);
      }
    }
    out += Statement(plan.create_sql);
    for (const Batch& b : plan.batches) {
      out += Statement(b.copy_sql);
      out += Statement(plan.errors_sql);
      out += "-- each record COPY rejected: a load_errors row (INSERT ... VALUES)\n";
    }
    out += Statement(plan.count_load_sql);
    out += Statement(plan.stage_sql);
    out += Statement(plan.count_staged_sql);
    out += Statement(plan.sql_errors_sql);
    return out;
  }

  Result<ServerLoadResult> Load(const ServerLoadRequest& request) {
    if (engine_ == nullptr) {
      return Status::InvalidArgument("Redshift staging: no connection (a plan only)");
    }
    auto run_id = Number(request.run_id, "run id");
    if (!run_id.ok()) return run_id.status();
    auto file_id = Number(request.file_id, "file id");
    if (!file_id.ok()) return file_id.status();
    auto built = Build(request);
    if (!built.ok()) return built.status();
    const LoadPlan& plan = *built;
    if (plan.batches.empty()) return ServerLoadResult{};

    auto client = Client(request);
    if (!client.ok()) return client.status();
    S3Client& s3 = **client;

    // Everything the cluster reads must be in S3 before the first COPY.
    PaddedBuffer buffer;
    for (const Upload& u : plan.uploads) {
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
    for (const Batch& b : plan.batches) {
      if (b.manifest_key.empty()) continue;
      SPARKIFY_RETURN_IF_ERROR(
          s3.PutObject(plan.staging_bucket, b.manifest_key, b.manifest_body, "application/json"));
    }

    ServerLoadResult result;
    SPARKIFY_RETURN_IF_ERROR(engine_->Execute(plan.create_sql).WithContext(plan.load_table));
    std::vector<Rejection> rejected;
    for (const Batch& b : plan.batches) {
      const std::string what = fmt::format("COPY {} from {}", plan.load_table, b.from);
      if (Status copied = engine_->Execute(b.copy_sql); !copied.ok()) {
        return ExplainFailedCopy(plan, copied.WithContext(what));
      }
      auto errors = Rejections(plan);
      if (!errors.ok()) return errors.status();
      for (Rejection& r : *errors) rejected.push_back(std::move(r));
    }
    SPARKIFY_RETURN_IF_ERROR(WriteRejections(request, *run_id, *file_id, rejected));
    for (const Rejection& r : rejected) {
      if (result.first_errors.size() >= kFirstErrorsShown) break;
      result.first_errors.push_back(Describe(r));
    }

    auto copied = Count(plan.count_load_sql);
    if (!copied.ok()) return copied.status();
    SPARKIFY_RETURN_IF_ERROR(engine_->Execute(plan.stage_sql).WithContext(request.table));
    auto staged = Count(plan.count_staged_sql);
    if (!staged.ok()) return staged.status();
    result.loaded = *staged;
    result.read = *copied + static_cast<int64_t>(rejected.size());
    result.quarantined = result.read - result.loaded;
    if (*copied > *staged) {  // records stage_*.sql quarantined
      auto reasons = engine_->Query(plan.sql_errors_sql);
      if (!reasons.ok()) return reasons.status();
      for (const auto& row : reasons->rows) {
        if (result.first_errors.size() >= kFirstErrorsShown) break;
        result.first_errors.push_back(
            fmt::format("{}: {}", row[0].value_or(""), row[1].value_or("")));
      }
    }
    return result;
  }

 private:
  struct Upload {
    size_t file;      // index into the request's files
    std::string key;  // in the staging bucket
    std::string url;  // s3://bucket/key
  };
  struct Batch {
    bool gzip = false;
    // What COPY reads from: the manifest (manifest_* set), a folder prefix or one object key.
    std::string from;
    std::string manifest_key, manifest_url, manifest_body;
    std::vector<std::string> urls;
    std::string copy_sql;
  };
  struct LoadPlan {
    bool events = false;
    std::string load_table;
    std::string staging_bucket, staging_prefix;
    std::vector<Upload> uploads;
    std::string jsonpaths_key, jsonpaths_url;  // set when sparkify writes its own
    std::string create_sql, errors_sql, count_load_sql, stage_sql, count_staged_sql, sql_errors_sql;
    std::vector<Batch> batches;
    std::unordered_map<std::string, std::string> path_of_url;  // manifest url -> ledger path
  };
  struct Rejection {
    std::string path;
    std::optional<int64_t> line;
    std::string field, reason, raw;
  };

  Result<std::unique_ptr<S3Client>> Client(const ServerLoadRequest& request) const {
    auto settings = ResolveAwsSettings(request.s3, options_.env);
    if (!settings.ok()) return settings.status();
    S3ClientOptions client_options;
    client_options.settings = std::move(settings.value());
    return std::make_unique<S3Client>(std::move(client_options));
  }

  // Without a staging location there is no manifest, and COPY FROM 's3://bucket/x' reads every
  // object whose key begins with x. So when the listed files are every object under the source's
  // folder (a first load, as the course's etl.py loads it), one COPY reads the folder; otherwise
  // one COPY per file reads its own key, and a file is refused when another object's key begins
  // with its key (2018-11-01-events.json beside 2018-11-01-events.json.bak): only a manifest
  // loads exactly that file then.
  Result<std::vector<Batch>> DirectBatches(const ServerLoadRequest& request, Batch plain,
                                           Batch gzip) {
    std::string bucket, prefix;
    SPARKIFY_RETURN_IF_ERROR(ParseS3Uri(request.location, bucket, prefix));
    const std::string root = "s3://" + bucket + "/";
    // A prefix is a folder (s3_source.h), unless it names the one file listed.
    const bool one_object = request.files.size() == 1 && request.files[0].path == root + prefix;
    std::string folder = prefix;
    if (!one_object && !folder.empty() && folder.back() != '/') folder += '/';
    auto client = Client(request);
    if (!client.ok()) return client.status();
    auto objects = (*client)->ListObjects(bucket, folder);
    if (!objects.ok()) return objects.status().WithContext("listing " + root + folder);
    std::vector<std::string> under;
    for (const ObjectInfo& o : *objects) under.push_back(root + o.key);
    std::sort(under.begin(), under.end());

    std::vector<Batch> batches;
    std::vector<std::string> listed = plain.urls;
    std::sort(listed.begin(), listed.end());
    if (!one_object && gzip.urls.empty() && listed == under) {
      plain.from = root + folder;
      batches.push_back(std::move(plain));
      return batches;
    }
    for (const Batch* group : {&plain, &gzip}) {
      for (const std::string& url : group->urls) {
        const auto next = std::upper_bound(under.begin(), under.end(), url);
        if (next != under.end() && next->rfind(url, 0) == 0) {
          return Status::InvalidArgument(fmt::format(
              "{}: a COPY of this object without a manifest would also read {} (COPY FROM names "
              "a key prefix): set [S3] STAGING so that sparkify loads exactly the listed files "
              "through a manifest",
              url, *next));
        }
        Batch one;
        one.gzip = group->gzip;
        one.from = url;
        one.urls = {url};
        batches.push_back(std::move(one));
      }
    }
    return batches;
  }

  Result<LoadPlan> Build(const ServerLoadRequest& request) {
    LoadPlan plan;
    plan.events = request.table == "staging_events";
    if (!plan.events && request.table != "staging_songs") {
      return Status::InvalidArgument("Redshift staging: no COPY for table " + request.table);
    }
    if (options_.iam_role.empty()) {
      return Status::InvalidArgument(
          "Redshift loads S3 files with COPY ... IAM_ROLE: set [IAM_ROLE] ARN in dwh.cfg to the "
          "ARN of a role attached to the cluster that can read the sources and the staging "
          "location");
    }
    const bool manifests = !options_.staging_uri.empty();
    if (!manifests) {
      for (const SourceFile& file : request.files) {
        if (file.path.rfind("s3://", 0) == 0) continue;
        return Status::InvalidArgument(
            file.path +
            ": a local file: the cluster reads only S3, so local files are uploaded to a staging "
            "location first: set [S3] STAGING in dwh.cfg or pass --staging-uri s3://bucket/prefix");
      }
      if (plan.events && options_.log_jsonpath.empty()) {
        return Status::InvalidArgument(
            "Redshift COPYs the logs with a JSONPaths file: set [S3] LOG_JSONPATH (the course's "
            "is s3://udacity-dend/log_json_path.json), or [S3] STAGING, where sparkify writes "
            "its own");
      }
    } else {
      SPARKIFY_RETURN_IF_ERROR(
          ParseS3Uri(options_.staging_uri, plan.staging_bucket, plan.staging_prefix)
              .WithContext("[S3] STAGING"));
      while (!plan.staging_prefix.empty() && plan.staging_prefix.back() == '/') {
        plan.staging_prefix.pop_back();
      }
    }
    const std::string run_prefix = JoinKey(plan.staging_prefix, request.token);
    auto url = [&](const std::string& key) { return "s3://" + plan.staging_bucket + "/" + key; };

    // The files as the cluster will read them.
    Batch plain, gzip;
    gzip.gzip = true;
    for (size_t i = 0; i < request.files.size(); ++i) {
      const SourceFile& file = request.files[i];
      if (file.path.rfind("s3://", 0) == 0) {
        plan.path_of_url[file.path] = file.path;
        (IsGzipName(file.path) ? gzip : plain).urls.push_back(file.path);
        continue;
      }
      Upload u{i,
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
    } else if (options_.log_jsonpath.empty()) {
      plan.jsonpaths_key = JoinKey(run_prefix, "log_jsonpaths.json");
      plan.jsonpaths_url = url(plan.jsonpaths_key);
      json = Literal(plan.jsonpaths_url);
    } else {
      if (options_.log_jsonpath.rfind("s3://", 0) != 0) {
        return Status::InvalidArgument("[S3] LOG_JSONPATH: invalid value '" +
                                       options_.log_jsonpath + "' (expected s3://bucket/key)");
      }
      json = Literal(options_.log_jsonpath);
    }

    std::string columns;
    if (plan.events) {
      for (const EventField& f : kEventFields)
        columns += (columns.empty() ? "" : ", ") + std::string(f.column);
    } else {
      for (const char* c : kSongColumns) columns += (columns.empty() ? "" : ", ") + std::string(c);
    }
    plan.load_table = plan.events ? "load_events" : "load_songs";
    const int64_t max_errors =
        request.max_errors ? std::min(*request.max_errors + 1, kMaxErrorLimit) : kMaxErrorLimit;

    S3Options region_only = request.s3;
    region_only.no_sign_request = true;  // the region needs no credentials
    auto region = ResolveAwsSettings(region_only, options_.env);
    if (!region.ok()) return region.status();

    std::vector<Batch> batches;
    if (manifests) {
      for (Batch* b : {&plain, &gzip}) {
        if (b->urls.empty()) continue;
        b->manifest_key =
            JoinKey(run_prefix, request.source + (b->gzip ? "-gzip.manifest" : ".manifest"));
        b->manifest_url = b->from = url(b->manifest_key);
        b->manifest_body = "{\"entries\": [\n";
        for (size_t i = 0; i < b->urls.size(); ++i) {
          b->manifest_body +=
              fmt::format("  {{\"url\": {}, \"mandatory\": true}}{}\n", JsonString(b->urls[i]),
                          i + 1 < b->urls.size() ? "," : "");
        }
        b->manifest_body += "]}\n";
        batches.push_back(std::move(*b));
      }
    } else if (!request.files.empty()) {
      auto direct = DirectBatches(request, std::move(plain), std::move(gzip));
      if (!direct.ok()) return direct.status();
      batches = std::move(direct).value();
    }
    for (Batch& batch : batches) {
      Batch* b = &batch;
      auto copy = LoadSql(kDialects, "copy_from_s3",
                          {{"load_table", plan.load_table},
                           {"columns", columns},
                           {"from", Literal(b->from)},
                           {"manifest", b->manifest_url.empty() ? "" : "\nMANIFEST"},
                           {"iam_role", Literal(options_.iam_role)},
                           {"json", json},
                           {"compression", b->gzip ? " GZIP" : ""},
                           {"region", Literal(region->region)},
                           {"max_errors", std::to_string(max_errors)}});
      if (!copy.ok()) return copy.status();
      b->copy_sql = std::move(copy).value();
      plan.batches.push_back(std::move(*b));
    }

    const std::map<std::string, std::string> vars = {
        {"run_id", request.run_id},
        {"file_id", request.file_id},
        {"manifest", Literal(plan.batches.empty() ? "" : plan.batches.front().from)}};
    for (auto [name, out] :
         {std::pair{plan.events ? "create_load_events" : "create_load_songs", &plan.create_sql},
          std::pair{stl_load_errors_ ? "copy_errors_stl" : "copy_errors", &plan.errors_sql},
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
        request.file_id, kFirstErrorsShown);
    return plan;
  }

  // The records the last COPY rejected, as load_errors keeps them.
  Result<std::vector<Rejection>> Rejections(const LoadPlan& plan) {
    const char* view = stl_load_errors_ ? "STL_LOAD_ERRORS" : "SYS_LOAD_ERROR_DETAIL";
    auto errors = engine_->Query(plan.errors_sql);
    if (!errors.ok()) return errors.status().WithContext(std::string("reading ") + view);
    std::vector<Rejection> out;
    for (const auto& row : errors->rows) {
      Rejection r;
      r.path = PathOf(plan, row[0].value_or(""));
      if (row[1]) {
        auto line = NumberFromWarehouse<int64_t>(*row[1], std::string(view) + ".line_number");
        if (!line.ok()) return line.status();
        r.line = *line;
      }
      r.field = row[2].value_or("");
      r.reason = row[3].value_or("rejected by COPY");
      // Escaped as the other engines store raw text (raw_text.h): one reading for all.
      r.raw = EscapeRawText(row[4].value_or(""), kRawLimit);
      out.push_back(std::move(r));
    }
    return out;
  }

  static std::string Describe(const Rejection& r) {
    return fmt::format("{}:{}: {}", r.path, r.line ? std::to_string(*r.line) : "?",
                       r.field.empty() ? r.reason : r.field + ": " + r.reason);
  }

  // A COPY that failed aborted the run's transaction, so nothing can be read until it is rolled
  // back; the error views keep the failed COPY's rows (PG_LAST_COPY_ID names it), which say why
  // far better than "Load into table ... failed. Check 'stl_load_errors' system table".
  Status ExplainFailedCopy(const LoadPlan& plan, const Status& failed) {
    if (!engine_->Rollback().ok()) return failed;
    auto rejected = Rejections(plan);
    if (!rejected.ok() || rejected->empty()) return failed;
    std::string first;
    for (size_t i = 0; i < rejected->size() && i < kFirstErrorsShown; ++i) {
      first += (i ? "; " : "") + Describe((*rejected)[i]);
    }
    return Status::Error(
        failed.code(),
        fmt::format("{} ({} rejected record(s); {}{})", failed.message(), rejected->size(), first,
                    rejected->size() > kFirstErrorsShown ? "; ..." : ""));
  }

  // The ledger path of a file STL_LOAD_ERRORS names (its column holds 256 bytes: a longer URL is
  // cut, and found by its prefix when that is unique).
  static std::string PathOf(const LoadPlan& plan, const std::string& filename) {
    auto found = plan.path_of_url.find(filename);
    if (found != plan.path_of_url.end()) return found->second;
    const std::string* match = nullptr;
    for (const auto& [url, path] : plan.path_of_url) {
      if (!filename.empty() && url.rfind(filename, 0) == 0) {
        if (match != nullptr) return filename;
        match = &path;
      }
    }
    return match ? *match : filename;
  }

  Result<int64_t> Count(const std::string& sql) {
    auto rows = engine_->Query(sql);
    if (!rows.ok()) return rows.status();
    if (rows->rows.empty() || rows->rows[0].empty() || !rows->rows[0][0]) return int64_t{0};
    return NumberFromWarehouse<int64_t>(*rows->rows[0][0], "a count");
  }

  Status WriteRejections(const ServerLoadRequest& request, int64_t run_id, int64_t file_id,
                         const std::vector<Rejection>& rejected) {
    if (rejected.empty()) return Status::Ok();
    auto writer = engine_->OpenWriter("load_errors", kQuarantineColumns);
    if (!writer.ok()) return writer.status();
    RowWriter& w = **writer;
    for (const Rejection& r : rejected) {
      w.Integer(run_id);
      w.Integer(file_id);
      w.Text(request.source);
      w.Text(r.path);
      w.Optional(r.line);
      w.Null();  // document
      w.Null();  // byte_offset
      if (r.field.empty()) {
        w.Null();
      } else {
        w.Text(r.field);
      }
      w.Text(r.reason);
      w.Text(r.raw);
      SPARKIFY_RETURN_IF_ERROR(w.EndRow());
    }
    return w.Finish();
  }

  RedshiftStagingOptions options_;
  bool stl_load_errors_ = false;  // ReadRejectionsFromStl()
  Engine* engine_;
};

RedshiftStaging::RedshiftStaging(RedshiftStagingOptions options, Engine* engine)
    : impl_(std::make_unique<Impl>(std::move(options), engine)) {}
RedshiftStaging::~RedshiftStaging() = default;

void RedshiftStaging::ReadRejectionsFromStl() { impl_->ReadRejectionsFromStl(); }

Result<std::string> RedshiftStaging::Plan(const ServerLoadRequest& request) {
  return impl_->Plan(request);
}

Result<ServerLoadResult> RedshiftStaging::Load(const ServerLoadRequest& request) {
  return impl_->Load(request);
}

}  // namespace sparkify
