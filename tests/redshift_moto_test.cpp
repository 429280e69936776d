// Amazon Redshift without a cluster (2 of 3): whole runs through the library (RunEtl with the
// Redshift traits, the server stager and RedshiftStaging), with a real S3-compatible server
// (moto) for the listings, uploads, manifests and the JSONPaths file, and a RecordingEngine in
// the cluster's place: every statement the run sends is compared with a golden transcript, and
// the objects the run wrote are read back from moto.
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <zlib.h>

#include <filesystem>
#include <map>
#include <regex>
#include <sstream>

#include "engine/redshift_engine.h"
#include "engine/redshift_staging.h"
#include "moto_fixture.h"
#include "redshift_support.h"
#include "s3/s3_client.h"
#include "sparkify/pipeline.h"

namespace sparkify::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kData = "sparkify-data";
constexpr const char* kStaging = "sparkify-staging";
constexpr const char* kRole = "arn:aws:iam::123456789012:role/dwhRole";

S3Options MotoOptions(const MotoServer& moto) {
  S3Options s3;
  s3.endpoint_url = moto.endpoint();
  s3.region = "us-west-2";
  s3.access_key_id = "testing";
  s3.secret_access_key = "testing-secret";
  return s3;
}

GetEnv NoEnv() {
  return [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
}

std::unique_ptr<S3Client> Client(const MotoServer& moto) {
  auto settings = ResolveAwsSettings(MotoOptions(moto), NoEnv());
  EXPECT_TRUE(settings.ok()) << settings.status().message();
  S3ClientOptions options;
  options.settings = *settings;
  return std::make_unique<S3Client>(std::move(options));
}

std::string Get(S3Client& s3, const std::string& bucket, const std::string& key) {
  PaddedBuffer buffer;
  const Status got = s3.GetObject(bucket, key, buffer);
  EXPECT_TRUE(got.ok()) << got.message();
  return std::string(buffer.data(), buffer.size());
}

std::vector<std::string> Keys(S3Client& s3, const std::string& bucket) {
  std::vector<std::string> keys;
  auto listed = s3.ListObjects(bucket, "");
  EXPECT_TRUE(listed.ok()) << listed.status().message();
  if (listed.ok()) {
    for (const ObjectInfo& o : *listed) keys.push_back(o.key);
  }
  return keys;
}

std::string Gzip(const std::string& data) {
  z_stream zs{};
  deflateInit2(&zs, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, data.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// A run's transcript without what depends on the clock or the machine.
std::string Stable(std::string text, const std::string& dir = "") {
  if (!dir.empty()) {
    for (size_t at = text.find(dir); at != std::string::npos; at = text.find(dir, at)) {
      text.replace(at, dir.size(), "<dir>");
    }
  }
  text = std::regex_replace(text, std::regex(R"(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\dZ?)"), "<time>");
  text = std::regex_replace(text, std::regex(R"("sparkify_version": "[^"]*")"),
                            R"("sparkify_version": "<version>")");
  text = std::regex_replace(text, std::regex(R"(run-(\d+)-\d{8}T\d{6}Z)"), "run-$1-<time>");
  text = std::regex_replace(text, std::regex(R"("seconds": \{[^}]*\})"), R"("seconds": {...})");
  return text;
}

// What the recorded cluster answers: no ledger and no runs yet; COPY rejects one log record; the
// stage_events.sql checks reject one more; every other count is `count`.
struct Script {
  int error_queries = 0;
  int reject_at = 0;          // which SYS_LOAD_ERROR_DETAIL query (1-based) answers a rejection
  std::string rejected_file;  // the file it names
  std::optional<std::string> max_run_id, max_file_id;  // of an earlier run
  std::vector<std::vector<std::optional<std::string>>> ledger_songs, ledger_logs;

  RecordingEngine::Answer Answer() {
    return [this](std::string_view sql) -> std::optional<QueryResult> {
      const std::string text(sql);
      auto count = [](const char* n) { return Rows({"count"}, {{std::string(n)}}); };
      if (text.find("FROM sys_load_error_detail") != std::string::npos) {
        if (++error_queries != reject_at) return std::nullopt;
        return Rows({"filename", "line_number", "colname", "err_reason", "raw_line"},
                    {{rejected_file, "3", "ts", "Invalid digit, Value 'y', Pos 0, Type: Long",
                      // Stored escaped as on every engine (raw_text.h): the backslash doubled.
                      "{\"ts\":\"yesterday\",\"sessionId\":1,\"song\":\"a\\\\N\"}"}});
      }
      if (text.rfind("SELECT MAX(run_id) FROM etl_runs", 0) == 0 && max_run_id) {
        return Rows({"max"}, {{max_run_id}});
      }
      if (text.find("AS last_file_id") != std::string::npos && max_file_id) {
        return Rows({"songplays", "last_songplay_id", "last_file_id"},
                    {{std::string("0"), std::nullopt, max_file_id}});
      }
      for (const auto& [source, ledger] :
           {std::pair{"songs", &ledger_songs}, std::pair{"logs", &ledger_logs}}) {
        if (text.find(std::string("WHERE source = '") + source + "'") != std::string::npos &&
            !ledger->empty()) {
          return Rows({"path", "file_id", "size", "mtime_ns", "etag", "checksum"}, *ledger);
        }
      }
      if (text == "SELECT COUNT(*) FROM load_songs;") return count("3");
      if (text.rfind("SELECT COUNT(*) FROM staging_songs WHERE file_id", 0) == 0) {
        return count("3");
      }
      if (text == "SELECT COUNT(*) FROM load_events;") return count("10");
      if (text.rfind("SELECT COUNT(*) FROM staging_events WHERE file_id", 0) == 0) {
        return count("9");
      }
      if (text.rfind("SELECT path, reason FROM load_errors", 0) == 0) {
        return Rows({"path", "reason"}, {{"s3://manifest",
                                          "ts: timestamp -5 is outside 1970-01-01 .. 9999-12-31 "
                                          "(epoch milliseconds expected)"}});
      }
      return std::nullopt;
    };
  }
};

struct Cluster {
  // `staging_uri` "": no [S3] STAGING, as in the course's dwh.cfg.
  Cluster(const MotoServer& moto, const std::string& log_jsonpath,
          const std::string& staging_uri = std::string("s3://") + kStaging + "/runs")
      : recorder(RedshiftRecorder()),
        engine(*recorder),
        staging({kRole, log_jsonpath, staging_uri, NoEnv()}, engine) {
    engine.set_server_staging(&staging);
    engine.set_answer(script.Answer());
    (void)moto;
  }
  Script script;
  std::unique_ptr<RecordingEngine> recorder;
  RecordingEngine& engine;
  RedshiftStaging staging;
};

const char* kSong1 =
    R"({"num_songs":1,"artist_id":"AR1","artist_latitude":null,"artist_longitude":null,)"
    R"("artist_location":"","artist_name":"One","song_id":"SO1","title":"First","duration":100.5,)"
    R"("year":2001})";
const char* kSong2 =
    R"({"num_songs":1,"artist_id":"AR2","artist_latitude":51.5,"artist_longitude":-0.12,)"
    R"("artist_location":"London","artist_name":"Two","song_id":"SO2","title":"Second",)"
    R"("duration":200.25,"year":0})";
const char* kSong3 =
    R"({"num_songs":1,"artist_id":"AR3","artist_latitude":null,"artist_longitude":null,)"
    R"("artist_location":null,"artist_name":"Three","song_id":"SO3","title":"Third",)"
    R"("duration":3.0,"year":1999})";

std::string Events(int day, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    out += fmt::format(
        R"({{"artist":"One","auth":"Logged In","firstName":"Ann","gender":"F","itemInSession":{},)"
        R"("lastName":"Lee","length":100.5,"level":"free","location":"Here","method":"PUT",)"
        R"("page":"NextSong","registration":1540919166796.0,"sessionId":{},"song":"First",)"
        R"("status":200,"ts":{},"userAgent":"UA","userId":"7"}})"
        "\n",
        i, day, 1541030400000 + day * 86400000LL + i);
  }
  return out;
}

// The buckets and objects of a first run: three songs (one gzipped), two days of logs, the
// course's JSONPaths file.
void PutFirstRunObjects(S3Client& s3) {
  EXPECT_TRUE(s3.CreateBucket(kData).ok());
  EXPECT_TRUE(s3.CreateBucket(kStaging).ok());
  EXPECT_TRUE(s3.PutObject(kData, "song_data/A/one.json", kSong1).ok());
  EXPECT_TRUE(s3.PutObject(kData, "song_data/A/two.json", kSong2).ok());
  EXPECT_TRUE(s3.PutObject(kData, "song_data/B/three.json.gz", Gzip(kSong3)).ok());
  EXPECT_TRUE(s3.PutObject(kData, "log_data/2018/11/2018-11-01-events.json", Events(1, 5)).ok());
  EXPECT_TRUE(s3.PutObject(kData, "log_data/2018/11/2018-11-02-events.json", Events(2, 6)).ok());
  EXPECT_TRUE(s3.PutObject(kData, "log_json_path.json", LogJsonPathsDocument()).ok());
}

TEST(RedshiftMoto, FirstRunFromS3TranscriptAndManifests) {
  std::unique_ptr<MotoServer> moto;
  SPARKIFY_START_MOTO(moto);
  auto s3 = Client(*moto);
  PutFirstRunObjects(*s3);
  ASSERT_FALSE(::testing::Test::HasFailure());

  Cluster cluster(*moto, std::string("s3://") + kData + "/log_json_path.json");
  cluster.script.reject_at = 3;  // songs: two COPYs (plain, gzip); then the logs'
  cluster.script.rejected_file =
      std::string("s3://") + kData + "/log_data/2018/11/2018-11-02-events.json";
  EtlOptions options;
  options.song_data = std::string("s3://") + kData + "/song_data";
  options.log_data = std::string("s3://") + kData + "/log_data";
  options.s3 = MotoOptions(*moto);
  options.max_errors.max_count = 10;
  auto report = RunEtl(cluster.engine, options);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->run_id, 1);
  EXPECT_EQ(report->songs.files, 3);
  EXPECT_EQ(report->songs.loaded, 3);
  EXPECT_EQ(report->logs.files, 2);
  EXPECT_EQ(report->logs.read, 11);
  EXPECT_EQ(report->logs.loaded, 9);
  EXPECT_EQ(report->logs.quarantined, 2);
  ASSERT_GE(report->first_errors.size(), 2u);
  EXPECT_EQ(report->first_errors[0],
            "s3://sparkify-data/log_data/2018/11/2018-11-02-events.json:3: ts: Invalid digit, "
            "Value 'y', Pos 0, Type: Long");
  ExpectGolden("run_s3.sql", Stable(cluster.engine.transcript()));

  // What the cluster would read: manifests listing exactly the new objects; no JSONPaths file of
  // sparkify's own (LOG_JSONPATH is configured, and was checked).
  std::vector<std::string> keys = Keys(*s3, kStaging);
  ASSERT_EQ(keys.size(), 3u);
  for (std::string& key : keys) key = std::regex_replace(key, std::regex(R"(\d{8}T\d{6}Z)"), "T");
  EXPECT_EQ(keys, (std::vector<std::string>{"runs/run-1-T/logs.manifest",
                                            "runs/run-1-T/songs-gzip.manifest",
                                            "runs/run-1-T/songs.manifest"}));
  const std::string prefix = Keys(*s3, kStaging)[0].substr(0, Keys(*s3, kStaging)[0].rfind('/'));
  EXPECT_EQ(Get(*s3, kStaging, prefix + "/songs.manifest"),
            "{\"entries\": [\n"
            "  {\"url\": \"s3://sparkify-data/song_data/A/one.json\", \"mandatory\": true},\n"
            "  {\"url\": \"s3://sparkify-data/song_data/A/two.json\", \"mandatory\": true}\n"
            "]}\n");
  EXPECT_EQ(Get(*s3, kStaging, prefix + "/songs-gzip.manifest"),
            "{\"entries\": [\n"
            "  {\"url\": \"s3://sparkify-data/song_data/B/three.json.gz\", \"mandatory\": true}\n"
            "]}\n");
}

// Statements only: a transcript without its comment lines (the plan's notes and header, the
// statement files' comments).
std::string StatementsOf(const std::string& transcript) {
  std::string out;
  std::istringstream lines(transcript);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("--", 0) != 0) out += line + "\n";
  }
  return out;
}

// `run --dry-run` is the run itself on a recording engine: its statements are those of the run
// on a cluster that answers as a new warehouse would (no rows), and it writes nothing to S3.
TEST(RedshiftMoto, ADryRunIsTheRunRecorded) {
  std::unique_ptr<MotoServer> moto;
  SPARKIFY_START_MOTO(moto);
  auto s3 = Client(*moto);
  PutFirstRunObjects(*s3);
  ASSERT_FALSE(::testing::Test::HasFailure());
  const std::string jsonpath = std::string("s3://") + kData + "/log_json_path.json";
  EtlOptions options;
  options.song_data = std::string("s3://") + kData + "/song_data";
  options.log_data = std::string("s3://") + kData + "/log_data";
  options.s3 = MotoOptions(*moto);
  options.create_missing_tables = true;

  Config config;
  config.engine = "redshift";
  config.iam_role_arn = kRole;
  config.staging_uri = std::string("s3://") + kStaging + "/runs";
  config.log_jsonpath = jsonpath;
  auto plan = PlanEtl(config, options);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_TRUE(Keys(*s3, kStaging).empty()) << "a dry run writes no manifest";
  EXPECT_NE(plan->find("-- write s3://sparkify-staging/runs/run-1-"), std::string::npos) << *plan;
  EXPECT_NE(plan->find("-- check " + jsonpath), std::string::npos);

  Cluster cluster(*moto, jsonpath);
  cluster.engine.set_answer(nullptr);  // a new warehouse: every query answers no rows
  cluster.engine.set_tables_exist(false);
  auto report = RunEtl(cluster.engine, options);
  ASSERT_TRUE(report.ok()) << report.status().message();
  ASSERT_FALSE(Keys(*s3, kStaging).empty()) << "the run wrote its manifests";
  // The plan cannot know the session's statement_timeout, which the lock sets back.
  const std::string planned =
      std::regex_replace(StatementsOf(*plan), std::regex(R"(\{\{statement_timeout\}\})"), "0");
  const std::string ran = StatementsOf(cluster.engine.transcript());
  EXPECT_GT(std::count(ran.begin(), ran.end(), '\n'), 100);
  EXPECT_EQ(Stable(planned), Stable(ran));
}

// A COPY that fails (here: more rejections than MAXERROR allows) aborts the transaction: the run
// rolls back, then reads the failed COPY's rows, and its message names file, line and column.
TEST(RedshiftMoto, AFailedCopyIsExplainedByTheRecordsItRejected) {
  std::unique_ptr<MotoServer> moto;
  SPARKIFY_START_MOTO(moto);
  auto s3 = Client(*moto);
  ASSERT_TRUE(s3->CreateBucket(kData).ok());
  ASSERT_TRUE(s3->CreateBucket(kStaging).ok());
  ASSERT_TRUE(s3->PutObject(kData, "song_data/A/one.json", kSong1).ok());
  ASSERT_TRUE(s3->PutObject(kData, "log_data/2018/11/2018-11-02-events.json", Events(2, 6)).ok());
  ASSERT_TRUE(s3->PutObject(kData, "log_json_path.json", LogJsonPathsDocument()).ok());
  Cluster cluster(*moto, std::string("s3://") + kData + "/log_json_path.json");
  cluster.script.reject_at = 2;  // the songs' COPY, then the failed one, read after the rollback
  cluster.script.rejected_file =
      std::string("s3://") + kData + "/log_data/2018/11/2018-11-02-events.json";
  cluster.engine.set_failure([](std::string_view sql) {
    if (sql.find("COPY load_events") == std::string_view::npos) return Status::Ok();
    return Status::EngineError(
        "Redshift statement failed: Load into table 'load_events' failed.  Check "
        "'sys_load_error_detail' system table for details. [SQLSTATE XX000]");
  });
  EtlOptions options;
  options.song_data = std::string("s3://") + kData + "/song_data";
  options.log_data = std::string("s3://") + kData + "/log_data";
  options.s3 = MotoOptions(*moto);
  auto report = RunEtl(cluster.engine, options);
  ASSERT_FALSE(report.ok());
  const std::string& message = report.status().message();
  EXPECT_NE(message.find("COPY load_events from s3://sparkify-staging/runs/"), std::string::npos)
      << message;
  EXPECT_NE(message.find("Load into table 'load_events' failed"), std::string::npos) << message;
  EXPECT_NE(message.find("(1 rejected record(s); "
                         "s3://sparkify-data/log_data/2018/11/2018-11-02-events.json:3: ts: "
                         "Invalid digit, Value 'y', Pos 0, Type: Long)"),
            std::string::npos)
      << message;
  // Read after the rollback: an aborted transaction answers nothing else.
  const std::string& sql = cluster.engine.transcript();
  const size_t copy = sql.find("COPY load_events");
  const size_t rollback = sql.find("ROLLBACK;", copy);
  ASSERT_NE(rollback, std::string::npos) << sql;
  EXPECT_NE(sql.find("FROM sys_load_error_detail", rollback), std::string::npos) << sql;
}

// The course's dwh.cfg has no [S3] STAGING: COPY reads the sources themselves, as its etl.py does.
TEST(RedshiftMoto, WithoutStagingCopyReadsTheSourcesThemselves) {
  std::unique_ptr<MotoServer> moto;
  SPARKIFY_START_MOTO(moto);
  auto s3 = Client(*moto);
  ASSERT_TRUE(s3->CreateBucket(kData).ok());
  ASSERT_TRUE(s3->PutObject(kData, "song_data/A/one.json", kSong1).ok());
  ASSERT_TRUE(s3->PutObject(kData, "song_data/B/two.json", kSong2).ok());
  ASSERT_TRUE(s3->PutObject(kData, "log_data/2018/11/2018-11-01-events.json", Events(1, 5)).ok());
  ASSERT_TRUE(s3->PutObject(kData, "log_json_path.json", LogJsonPathsDocument()).ok());
  const std::string jsonpath = std::string("s3://") + kData + "/log_json_path.json";
  EtlOptions options;
  options.song_data = std::string("s3://") + kData + "/song_data";
  options.log_data = std::string("s3://") + kData + "/log_data";
  options.s3 = MotoOptions(*moto);
  options.max_errors.max_count = 10;  // the script's stage_events.sql rejects one

  // A first load: every object under each folder is new, so one COPY per folder, no manifest.
  Cluster first(*moto, jsonpath, "");
  auto report = RunEtl(first.engine, options);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->songs.files, 2);
  EXPECT_EQ(report->logs.files, 1);
  // Only the COPYs differ from run_s3.sql's transcript (its golden holds the rest).
  std::string copies;
  const std::string& recorded = first.engine.transcript();
  for (size_t at = recorded.find("\nCOPY "); at != std::string::npos;
       at = recorded.find("\nCOPY ", at + 1)) {
    copies += recorded.substr(at + 1, recorded.find(";\n", at) - at + 1);
  }
  ExpectGolden("copy_without_staging.sql", copies);
  const std::string& sql = first.engine.transcript();
  EXPECT_NE(sql.find("FROM 's3://sparkify-data/song_data/'\n"), std::string::npos);
  EXPECT_NE(sql.find("FROM 's3://sparkify-data/log_data/'\n"), std::string::npos);
  EXPECT_EQ(sql.find("\nMANIFEST\n"), std::string::npos);  // the COPY option, not comments

  // The next day: one new object beside the loaded ones, read by a COPY of its own key.
  ASSERT_TRUE(s3->PutObject(kData, "log_data/2018/11/2018-11-02-events.json", Events(2, 6)).ok());
  auto objects = s3->ListObjects(kData, "");
  ASSERT_TRUE(objects.ok());
  auto ledger_row = [&](const std::string& key, const char* file_id) {
    for (const ObjectInfo& o : *objects) {
      if (o.key != key) continue;
      return std::vector<std::optional<std::string>>{std::string("s3://") + kData + "/" + key,
                                                     file_id,
                                                     std::to_string(o.size),
                                                     "0",
                                                     o.etag,
                                                     "etag:" + o.etag};
    }
    ADD_FAILURE() << key << " not listed";
    return std::vector<std::optional<std::string>>{};
  };
  Cluster second(*moto, jsonpath, "");
  second.script.max_run_id = "1";
  second.script.max_file_id = "2";
  second.script.ledger_songs = {ledger_row("song_data/A/one.json", "1"),
                                ledger_row("song_data/B/two.json", "1")};
  second.script.ledger_logs = {ledger_row("log_data/2018/11/2018-11-01-events.json", "2")};
  report = RunEtl(second.engine, options);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->logs.files_skipped, 1);
  EXPECT_EQ(report->songs.files_skipped, 2);
  EXPECT_NE(second.engine.transcript().find(
                "FROM 's3://sparkify-data/log_data/2018/11/2018-11-02-events.json'\n"),
            std::string::npos)
      << second.engine.transcript();
  EXPECT_EQ(second.engine.transcript().find("COPY load_songs"), std::string::npos);

  // An object whose key begins with the new file's key would be read by that COPY too: refused.
  ASSERT_TRUE(
      s3->PutObject(kData, "log_data/2018/11/2018-11-02-events.json.bak", Events(2, 1)).ok());
  Cluster third(*moto, jsonpath, "");
  third.script = second.script;
  third.engine.set_answer(third.script.Answer());
  report = RunEtl(third.engine, options);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.status().message().find(
                "s3://sparkify-data/log_data/2018/11/2018-11-02-events.json: a COPY of this "
                "object without a manifest would also read "
                "s3://sparkify-data/log_data/2018/11/2018-11-02-events.json.bak"),
            std::string::npos)
      << report.status().message();
  EXPECT_NE(report.status().message().find("set [S3] STAGING"), std::string::npos);
  EXPECT_EQ(third.engine.transcript().find("COPY load_events"), std::string::npos);

  // Local files and a missing LOG_JSONPATH need a staging location, and say so.
  TempDir dir;
  WriteFile(dir / "song_data/one.json", kSong1);
  EtlOptions local = options;
  local.song_data = (dir / "song_data").string();
  Cluster fourth(*moto, jsonpath, "");
  report = RunEtl(fourth.engine, local);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.status().message().find("one.json: a local file: the cluster reads only S3"),
            std::string::npos)
      << report.status().message();
  Cluster fifth(*moto, "", "");
  report = RunEtl(fifth.engine, options);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.status().message().find("set [S3] LOG_JSONPATH"), std::string::npos)
      << report.status().message();
}

TEST(RedshiftMoto, AWrongLogJsonPathStopsTheRunBeforeAnyCopy) {
  std::unique_ptr<MotoServer> moto;
  SPARKIFY_START_MOTO(moto);
  auto s3 = Client(*moto);
  ASSERT_TRUE(s3->CreateBucket(kData).ok());
  ASSERT_TRUE(s3->CreateBucket(kStaging).ok());
  ASSERT_TRUE(s3->PutObject(kData, "song_data/one.json", kSong1).ok());
  ASSERT_TRUE(s3->PutObject(kData, "log_data/2018-11-01-events.json", Events(1, 2)).ok());
  ASSERT_TRUE(
      s3->PutObject(kData, "paths.json", R"({"jsonpaths": ["$['ts']", "$['userId']"]})").ok());
  Cluster cluster(*moto, std::string("s3://") + kData + "/paths.json");
  EtlOptions options;
  options.song_data = std::string("s3://") + kData + "/song_data";
  options.log_data = std::string("s3://") + kData + "/log_data";
  options.s3 = MotoOptions(*moto);
  auto report = RunEtl(cluster.engine, options);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.status().message().find(
                "s3://sparkify-data/paths.json: JSONPath expression 1 is $['ts'], expected "
                "$['artist']"),
            std::string::npos)
      << report.status().message();
  EXPECT_EQ(cluster.engine.transcript().find("COPY load_events"), std::string::npos);
  EXPECT_NE(cluster.engine.transcript().rfind("ROLLBACK;"), std::string::npos);
}

TEST(RedshiftMoto, LocalFilesAreUploadedAndAChangedFileReloadsItsBatch) {
  std::unique_ptr<MotoServer> moto;
  SPARKIFY_START_MOTO(moto);
  auto s3 = Client(*moto);
  ASSERT_TRUE(s3->CreateBucket(kStaging).ok());
  TempDir dir;
  const fs::path day1 = dir / "log_data/2018-11-01-events.json";
  const fs::path day2 = dir / "log_data/2018-11-02-events.json";
  WriteFile(dir / "song_data/one.json", kSong1);
  WriteFile(day1, Events(1, 5));
  WriteFile(day2, Events(2, 6));
  // A fixed modification time (2018-11-30 00:00:00 UTC), so the ledger rows are the golden's.
  auto touch = [](const fs::path& p) {
    const timespec times[2] = {{1543536000, 0}, {1543536000, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, p.c_str(), times, 0), 0) << p;
  };
  auto mtime_ns = [](const fs::path& p) {
    struct stat st {};
    ::stat(p.c_str(), &st);
    return std::to_string(static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 +
                          st.st_mtim.tv_nsec);
  };
  for (const fs::path& p : {dir / "song_data/one.json", day1, day2}) touch(p);

  // First run: everything is new; the files are uploaded, with sparkify's own JSONPaths file.
  Cluster first(*moto, "");
  EtlOptions options;
  options.song_data = (dir / "song_data").string();
  options.log_data = (dir / "log_data").string();
  options.s3 = MotoOptions(*moto);
  options.max_errors.max_count = 10;
  auto report = RunEtl(first.engine, options);
  ASSERT_TRUE(report.ok()) << report.status().message();
  std::vector<std::string> keys = Keys(*s3, kStaging);
  ASSERT_EQ(keys.size(), 6u);  // 3 uploads, 2 manifests, the JSONPaths file
  const std::string run_dir = keys[0].substr(0, keys[0].find('/', 5));
  EXPECT_EQ(Get(*s3, kStaging, run_dir + "/log_jsonpaths.json"), LogJsonPathsDocument());
  EXPECT_EQ(Get(*s3, kStaging, run_dir + "/logs/000001-2018-11-01-events.json"), ReadFile(day1));
  EXPECT_EQ(Get(*s3, kStaging, run_dir + "/logs/000002-2018-11-02-events.json"), ReadFile(day2));
  EXPECT_EQ(Get(*s3, kStaging, run_dir + "/songs/000001-one.json"), kSong1);

  // Second run: day 2 changed; its batch (file id 2) holds day 1 too, so both are loaded again.
  WriteFile(day2, Events(2, 7));
  touch(day2);
  Cluster second(*moto, "");
  second.script.max_run_id = "1";
  second.script.max_file_id = "2";
  second.script.ledger_songs = {{(dir / "song_data/one.json").string(), "1",
                                 std::to_string(fs::file_size(dir / "song_data/one.json")),
                                 mtime_ns(dir / "song_data/one.json"), std::nullopt, "unchanged"}};
  second.script.ledger_logs = {
      {day1.string(), "2", std::to_string(fs::file_size(day1)), mtime_ns(day1), std::nullopt,
       "checksum-of-day-1"},
      {day2.string(), "2", "1", mtime_ns(day2), std::nullopt, "checksum-of-old-day-2"}};
  report = RunEtl(second.engine, options);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->logs.files, 2);
  EXPECT_EQ(report->logs.files_replaced, 2);
  EXPECT_EQ(report->songs.files_skipped, 1);
  EXPECT_EQ(report->run_id, 2);
  ExpectGolden("run_local_replace.sql", Stable(second.engine.transcript(), dir.path().string()));

  // A batch-mate that is gone: the run refuses rather than lose its rows.
  fs::remove(day1);
  Cluster third(*moto, "");
  third.script.max_run_id = "1";
  third.script.max_file_id = "2";
  third.script.ledger_logs = second.script.ledger_logs;
  report = RunEtl(third.engine, options);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.status().message().find("which is no longer listed"), std::string::npos)
      << report.status().message();
  EXPECT_NE(report.status().message().find("--full-refresh"), std::string::npos);
}

}  // namespace
}  // namespace sparkify::testing
