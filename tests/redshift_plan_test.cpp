// Amazon Redshift without a cluster (1 of 3): the statements the Redshift engine sends, compared
// byte for byte with golden files (tests/golden/redshift/, each checked against the Amazon
// Redshift documentation; README there), and `etl --dry-run` on every engine. The other two:
// redshift_moto_test.cpp (a whole run's transcript, uploads and manifests in moto) and
// redshift_postgres_test.cpp (the SQL's semantics and the connection on real PostgreSQL).
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

#include "base/sql_text.h"
#include "engine/redshift_engine.h"
#include "engine/redshift_staging.h"
#include "engine/sqlite_engine.h"
#include "redshift_support.h"
#include "sparkify/pipeline.h"

namespace sparkify::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kRole = "arn:aws:iam::123456789012:role/dwhRole";

fs::path SampleSongFile() {
  return SampleDir() / "song_data" / "A" / "A" / "A" / "TRAAAAW128F429D538.json";
}
fs::path SampleLogFile() {
  return SampleDir() / "log_data" / "2018" / "11" / "2018-11-01-events.json";
}

Config RedshiftConfig() {
  Config config;
  config.engine = "redshift";
  config.iam_role_arn = kRole;
  config.staging_uri = "s3://sparkify-staging/runs";
  config.log_jsonpath = "s3://udacity-dend/log_json_path.json";
  return config;
}

// Every name sparkify gives a table, column or result column in the Redshift SQL, in the
// statement files and in the golden transcripts: the table names and column definitions of
// CREATE TABLE, the column lists of INSERT and COPY, and `AS name` aliases.
std::vector<std::pair<std::string, std::string>> RedshiftIdentifiers() {
  std::vector<fs::path> files;
  for (const fs::path dir : {fs::path(SPARKIFY_SOURCE_DIR) / "sql" / "redshift",
                             fs::path(SPARKIFY_SOURCE_DIR) / "tests" / "golden" / "redshift"}) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.path().extension() == ".sql") files.push_back(entry.path());
    }
  }
  std::vector<std::pair<std::string, std::string>> out;  // (file, identifier)
  static const std::regex kComment("--[^\n]*"), kLiteral("'(?:[^']|'')*'");
  static const std::regex kCreate(
      R"(CREATE\s+(?:TEMP(?:ORARY)?\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([A-Za-z_][\w.]*)\s*\()",
      std::regex::icase);
  static const std::regex kColumnList(R"((?:INSERT\s+INTO|COPY)\s+[A-Za-z_][\w.]*\s*\(([^)]*)\))",
                                      std::regex::icase);
  static const std::regex kAlias(R"(\bAS\s+([A-Za-z_]\w*)\s*(?=,|\n|FROM\b))", std::regex::icase);
  static const std::regex kWord(R"([A-Za-z_]\w*)");
  for (const fs::path& file : files) {
    std::string sql = ReadFile(file);
    sql = std::regex_replace(std::regex_replace(sql, kComment, ""), kLiteral, "''");
    const std::string name = file.filename().string();
    for (std::sregex_iterator it(sql.begin(), sql.end(), kCreate), end; it != end; ++it) {
      out.emplace_back(name, (*it)[1]);
      // The column definitions: the first word of each element at depth 0.
      size_t pos = it->position() + it->length();
      int depth = 1;
      std::string element;
      for (; pos < sql.size() && depth > 0; ++pos) {
        const char c = sql[pos];
        depth += c == '(' ? 1 : c == ')' ? -1 : 0;
        if ((c == ',' && depth == 1) || depth == 0) {
          std::smatch word;
          if (std::regex_search(element, word, kWord)) {
            static const std::set<std::string> kConstraints = {"PRIMARY", "UNIQUE", "CONSTRAINT",
                                                               "FOREIGN", "LIKE"};
            std::string upper = word.str();
            for (char& ch : upper) ch = static_cast<char>(std::toupper(ch));
            if (!kConstraints.count(upper)) out.emplace_back(name, word.str());
          }
          element.clear();
        } else {
          element += c;
        }
      }
    }
    for (const std::regex* pattern : {&kColumnList, &kAlias}) {
      for (std::sregex_iterator it(sql.begin(), sql.end(), *pattern), end; it != end; ++it) {
        const std::string list = (*it)[1];
        for (std::sregex_iterator w(list.begin(), list.end(), kWord), wend; w != wend; ++w) {
          out.emplace_back(name, w->str());
        }
      }
    }
  }
  return out;
}

TEST(RedshiftGolden, NoIdentifierIsARedshiftReservedWord) {
  std::set<std::string> reserved;
  std::istringstream words(ReadFile(FixturesDir() / "redshift" / "reserved_words.txt"));
  for (std::string line; std::getline(words, line);) {
    if (!line.empty() && line[0] != '#') reserved.insert(line);
  }
  ASSERT_GT(reserved.size(), 150u);
  ASSERT_TRUE(reserved.count("RAW"));  // what the first schema got wrong
  const auto identifiers = RedshiftIdentifiers();
  std::set<std::string> seen;
  for (const auto& [file, identifier] : identifiers) {
    std::string upper = identifier;
    for (char& ch : upper) ch = static_cast<char>(std::toupper(ch));
    seen.insert(upper);
    EXPECT_FALSE(reserved.count(upper)) << file << ": " << identifier << " is reserved in Redshift";
  }
  // The scan finds what it must: tables, columns, column lists.
  for (const char* expected :
       {"SONGPLAYS", "RAW_TEXT", "SESSION_ID", "LOAD_EVENTS", "USER_AGENT"}) {
    EXPECT_TRUE(seen.count(expected)) << expected;
  }
}

TEST(RedshiftGolden, CreateTables) {
  auto recorder = RedshiftRecorder();
  RecordingEngine& engine = *recorder;
  const Status created = CreateTables(engine, /*drop_first=*/true);
  ASSERT_TRUE(created.ok()) << created.message();
  ExpectGolden("create_tables.sql", engine.transcript());
}

TEST(RedshiftGolden, SessionAndLock) {
  auto begin = RedshiftEngine::BeginStatements(10000, "0");
  ASSERT_TRUE(begin.ok());
  ExpectGolden("session.sql",
               "-- once connected (the schema is looked up in pg_namespace, created when "
               "missing):\nSET search_path TO \"public\"; " +
                   RedshiftEngine::SessionSettings() +
                   ";\nSHOW statement_timeout;\n-- Begin(): the run's transaction and lock\n" +
                   *begin);
}

// Begin()'s statements (session.sql) as the RunLock PostgresEngine::Begin runs: the table and
// the wait before BEGIN, LOCK first in the transaction, and the wait set back after it and
// after every rollback.
TEST(RedshiftLock, TheRunLockIsLockWarehouseSqlSplitAtBegin) {
  auto lock = RedshiftEngine::RunLockFor(300, "0");
  ASSERT_TRUE(lock.ok()) << lock.status().message();
  const std::string created = "CREATE TABLE IF NOT EXISTS sparkify_lock (run_id BIGINT);\n";
  EXPECT_NE(lock->before_begin.find(created + "SET statement_timeout TO 300;\n"), std::string::npos)
      << lock->before_begin;
  EXPECT_EQ(lock->before_begin.find("\nBEGIN;"), std::string::npos);
  EXPECT_EQ(lock->lock, "LOCK sparkify_lock;\nSET statement_timeout TO '0';\n");
  EXPECT_EQ(lock->after_rollback, "SET statement_timeout TO '0';\n");
  EXPECT_EQ(lock->busy_reason, "gave up waiting after 300 ms (statement_timeout)");
  EXPECT_FALSE(lock->only_tries);
  // --lock-timeout 0: statement_timeout 0 would mean no limit, so the wait is 1 ms.
  lock = RedshiftEngine::RunLockFor(0, "5min");
  ASSERT_TRUE(lock.ok());
  EXPECT_NE(lock->before_begin.find("SET statement_timeout TO 1;"), std::string::npos);
  EXPECT_EQ(lock->after_rollback, "SET statement_timeout TO '5min';\n");

  EXPECT_TRUE(RunLockFromSql("-- a comment\nBEGIN;\nLOCK t;\n", "").ok());
  EXPECT_EQ(RunLockFromSql("-- a comment\nBEGIN;\nLOCK t;\n", "")->before_begin, "");
  EXPECT_FALSE(RunLockFromSql("LOCK t;\n", "").ok()) << "no BEGIN";
  EXPECT_FALSE(RunLockFromSql("SET x TO 1;\nBEGIN;\n", "").ok()) << "no lock after BEGIN";
}

TEST(RedshiftGolden, Checks) {
  auto recorder = RedshiftRecorder();
  RecordingEngine& engine = *recorder;
  auto checks = RunChecks(engine);
  ASSERT_TRUE(checks.ok()) << checks.status().message();
  ExpectGolden("checks.sql", engine.transcript());
}

// A dry run from local files: they are uploaded to the staging location, then COPYed from
// manifests, and the plan says so without contacting S3 (RedshiftMoto.ADryRunIsTheRunRecorded
// compares a whole plan with the run).
TEST(RedshiftPlan, LocalFilesAreUploadedThenCopiedAndNothingIsContacted) {
  TempDir dir;
  const fs::path songs = dir / "song_data", logs = dir / "log_data";
  fs::create_directories(songs / "A");
  fs::create_directories(logs);
  WriteFile(songs / "A" / "TRAAAAW128F429D538.json", ReadFile(SampleSongFile()));
  WriteFile(logs / "2018-11-01-events.json", ReadFile(SampleLogFile()));
  WriteFile(logs / "2018-11-02-events.json", ReadFile(SampleLogFile()));
  Config config = RedshiftConfig();
  config.log_jsonpath.clear();  // sparkify writes its own JSONPaths file
  config.staging_uri = "s3://stage-bucket/team/sparkify/";
  config.lock_timeout_seconds = 30;
  EtlOptions options;
  options.song_data = songs.string();
  options.log_data = logs.string();
  options.create_missing_tables = true;  // `run`
  options.full_refresh = true;
  options.since = "2018-11-02";
  options.max_errors.max_count = 25;
  options.s3.region = "eu-central-1";
  options.s3.endpoint_url = "http://127.0.0.1:1";  // nothing listens: S3 is never asked
  auto plan = PlanEtl(config, options);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const std::string& text = *plan;
  EXPECT_NE(text.find("-- sparkify run --dry-run: one run on engine redshift"), std::string::npos);
  EXPECT_NE(text.find("-- logs: " + QuotedPath(logs.string()) + ": 1 file(s), " +
                      std::to_string(fs::file_size(logs / "2018-11-02-events.json")) +
                      " bytes (1 more outside --since/--until), which the warehouse reads itself"),
            std::string::npos)
      << text.substr(0, 2000);
  EXPECT_NE(text.find("DISTKEY (start_time)"), std::string::npos) << "`run` creates the tables";
  EXPECT_NE(text.find("SET statement_timeout TO 30000;"), std::string::npos) << "the lock's wait";
  EXPECT_NE(text.find("DELETE FROM songplays;"), std::string::npos) << "--full-refresh";
  const std::regex upload(
      "-- upload " +
      std::regex_replace(logs.string(), std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
      R"(/2018-11-02-events.json to s3://stage-bucket/team/sparkify/run-1-\d{8}T\d{6}Z/logs/)");
  EXPECT_TRUE(std::regex_search(text, upload)) << text.substr(0, 4000);
  EXPECT_EQ(text.find("2018-11-01-events.json to"), std::string::npos) << "outside --since";
  EXPECT_NE(text.find("sparkify's JSONPaths for the 18 event fields"), std::string::npos);
  EXPECT_NE(text.find("COPY load_events ("), std::string::npos);
  EXPECT_NE(text.find("IAM_ROLE '" + std::string(kRole) + "'"), std::string::npos);
  EXPECT_NE(text.find("MAXERROR 26"), std::string::npos) << "fails at the 26th rejection";
  EXPECT_NE(text.find("INSERT INTO \"load_files\" ("), std::string::npos) << "the ledger's rows";
  EXPECT_NE(text.find(ReadFile(fs::path(SPARKIFY_SOURCE_DIR) / "sql" / "common" /
                               "check_unique_songplays.sql")
                          .substr(0, 40)),
            std::string::npos)
      << "the uniqueness checks of an engine that does not enforce keys";
  EXPECT_EQ(text.rfind("COMMIT;\n"), text.size() - 8);
}

TEST(RedshiftPlan, RefusesWithoutRoleOrStagingForLocalFiles) {
  TempDir dir;
  fs::create_directories(dir / "song_data");
  WriteFile(dir / "song_data" / "a.json", ReadFile(SampleSongFile()));
  EtlOptions options;
  options.song_data = (dir / "song_data").string();
  options.log_data = (dir / "song_data").string();
  options.s3.region = "us-west-2";
  Config config = RedshiftConfig();
  config.iam_role_arn.clear();
  auto plan = PlanEtl(config, options);
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("[IAM_ROLE] ARN"), std::string::npos)
      << plan.status().message();

  // Without a staging location, local files cannot reach the cluster (S3 sources can: see
  // RedshiftMoto.WithoutStagingCopyReadsTheSourcesThemselves).
  config = RedshiftConfig();
  config.staging_uri.clear();
  plan = PlanEtl(config, options);
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("--staging-uri s3://bucket/prefix"), std::string::npos)
      << plan.status().message();
}

TEST(DryRun, ClientStagingEnginesShowTheRowsTheyWouldLoad) {
  for (const char* name : {"sqlite", "postgres"}) {
    Config config;
    config.engine = name;
    EtlOptions options;
    options.song_data = (SampleDir() / "song_data").string();
    options.log_data = (SampleDir() / "log_data").string();
    options.since = options.until = "2018-11-30";
    auto plan = PlanEtl(config, options);  // the direct load, by default
    ASSERT_TRUE(plan.ok()) << plan.status().message();
    EXPECT_NE(plan->find("-- load 71 row(s) into staging_songs ("), std::string::npos) << *plan;
    EXPECT_NE(plan->find(" row(s) into songplays ("), std::string::npos) << name;
    EXPECT_EQ(plan->find("into staging_events ("), std::string::npos) << name;
    // The ledger's rows are shown: the one log file in the window, by its path.
    EXPECT_NE(
        plan->find(
            " | \"logs\" | " +
            QuotedPath(
                (SampleDir() / "log_data" / "2018" / "11" / "2018-11-30-events.json").string())),
        std::string::npos)
        << *plan;

    options.event_load = EventLoad::kStaged;
    plan = PlanEtl(config, options);
    ASSERT_TRUE(plan.ok()) << plan.status().message();
    EXPECT_NE(plan->find(" row(s) into staging_events ("), std::string::npos) << *plan;
    EXPECT_NE(plan->find("ON CONFLICT"), std::string::npos) << name << ": its own transforms";
    EXPECT_EQ(plan->find("check_unique"), std::string::npos) << name << " enforces keys";
    EXPECT_EQ(plan->find("COPY load_"), std::string::npos);
  }
}

TEST(RedshiftJsonPaths, TheCourseFileAndOursAreAcceptedOthersAreNot) {
  EXPECT_TRUE(CheckLogJsonPaths("ours", LogJsonPathsDocument()).ok());
  // The course's log_json_path.json, in its bracket notation, and the same in dot notation.
  const char* fields[] = {"artist",   "auth",         "firstName", "gender",   "itemInSession",
                          "lastName", "length",       "level",     "location", "method",
                          "page",     "registration", "sessionId", "song",     "status",
                          "ts",       "userAgent",    "userId"};
  std::string dots = "{\"jsonpaths\": [";
  for (size_t i = 0; i < std::size(fields); ++i) {
    dots += std::string(i ? ", " : "") + "\"$." + fields[i] + "\"";
  }
  EXPECT_TRUE(CheckLogJsonPaths("dots", dots + "]}").ok());

  std::string swapped = LogJsonPathsDocument();
  swapped.replace(swapped.find("firstName"), 9, "lastNameX");
  const Status wrong = CheckLogJsonPaths("s3://b/paths.json", swapped);
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.message().find("s3://b/paths.json: JSONPath expression 3 is $['lastNameX'], "
                                 "expected $['firstName']"),
            std::string::npos)
      << wrong.message();
  EXPECT_FALSE(CheckLogJsonPaths("short", "{\"jsonpaths\": [\"$['artist']\"]}").ok());
  EXPECT_FALSE(CheckLogJsonPaths("not json", "[1, 2").ok());
}

TEST(RedshiftConfig, StagingComesFromDwhCfgOrTheFlagAndIsAnS3Uri) {
  TempDir dir;
  const GetEnv no_env = [](const std::string&) -> std::optional<std::string> {
    return std::nullopt;
  };
  ConfigOverrides overrides;
  overrides.config_file = (dir / "dwh.cfg").string();
  WriteFile(dir / "dwh.cfg", "[S3]\nSTAGING='s3://my-bucket/sparkify'\n");
  auto config = LoadConfig(overrides, no_env);
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->staging_uri, "s3://my-bucket/sparkify");
  EXPECT_TRUE(config->warnings.empty());
  overrides.staging_uri = "s3://other/prefix";
  config = LoadConfig(overrides, no_env);
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->staging_uri, "s3://other/prefix");
  overrides.staging_uri.reset();
  WriteFile(dir / "dwh.cfg", "[S3]\nSTAGING=/tmp/staging\n");
  config = LoadConfig(overrides, no_env);
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("[S3] STAGING: invalid value '/tmp/staging' (expected "
                                           "s3://bucket/prefix)"),
            std::string::npos)
      << config.status().message();
}

TEST(RedshiftLiterals, BackslashesAreDoubledWhereTheyEscape) {
  EXPECT_EQ(SqlQuote("it's C:\\x"), "'it''s C:\\x'");
  EXPECT_EQ(SqlQuote("it's C:\\x", true), "'it''s C:\\\\x'");
}

// --- `etl --dry-run` as a user runs it.

std::string SampleArgs() {
  return " --song-data " + (SampleDir() / "song_data").string() + " --log-data " +
         (SampleDir() / "log_data").string();
}

TEST(DryRun, EveryEnginePrintsThePlanWithoutConnecting) {
  TempDir dir;
  const fs::path db = dir / "never.db";
  // SQLite: the file is not even created.
  const CommandResult sqlite =
      RunSparkify("etl --dry-run --database " + db.string() + SampleArgs() + " --since 2018-11-30");
  ASSERT_EQ(sqlite.exit_code, 0) << sqlite.err;
  EXPECT_FALSE(fs::exists(db));
  EXPECT_NE(sqlite.out.find("--dry-run: one run on engine sqlite "), std::string::npos);
  const size_t logs =
      sqlite.out.find("-- logs: \"" + (SampleDir() / "log_data").string() + "\": 1 file(s), ");
  ASSERT_NE(logs, std::string::npos) << sqlite.out.substr(0, 2000);
  EXPECT_NE(sqlite.out.find(" bytes (29 more outside --since/--until): ", logs), std::string::npos);
  EXPECT_NE(sqlite.out.find("BEGIN IMMEDIATE;"), std::string::npos);
  EXPECT_NE(sqlite.out.find("COMMIT;"), std::string::npos);

  // PostgreSQL: a server that does not exist is never asked; its password is not shown.
  const std::string secret = "Sup3rS3cret-pw";
  const CommandResult postgres =
      RunSparkify("etl --dry-run --engine postgres --database 'postgresql://u:" + secret +
                  "@203.0.113.1:1/nowhere'" + SampleArgs());
  ASSERT_EQ(postgres.exit_code, 0) << postgres.err;
  EXPECT_NE(postgres.out.find("--dry-run: one run on engine postgres "), std::string::npos);
  EXPECT_NE(
      postgres.out.find("-- songs: \"" + (SampleDir() / "song_data").string() + "\": 71 file(s), "),
      std::string::npos);
  EXPECT_EQ((postgres.out + postgres.err).find(secret), std::string::npos);

  // Redshift, configured by dwh.cfg: COPY statements with their manifests; no password or AWS
  // secret key in the plan (the role's ARN is not a secret).
  const fs::path cfg = dir / "dwh.cfg";
  WriteFile(cfg, "[CLUSTER]\nHOST=nowhere.invalid\nDB_NAME=dev\nDB_USER=awsuser\nDB_PASSWORD=" +
                     secret + "\nDB_PORT=5439\n[IAM_ROLE]\nARN=" + kRole +
                     "\n[S3]\nSTAGING=s3://sparkify-staging/runs\n[AWS]\nKEY=AKIAEXAMPLE\n"
                     "SECRET=AwsSecretKey/Example\n[WAREHOUSE]\nENGINE=redshift\n");
  const CommandResult redshift =
      RunSparkify("run --dry-run --config " + cfg.string() + SampleArgs() + " --region us-west-2");
  ASSERT_EQ(redshift.exit_code, 0) << redshift.err;
  EXPECT_NE(redshift.out.find("--dry-run: one run on engine redshift "), std::string::npos);
  EXPECT_NE(redshift.out.find("COPY load_events ("), std::string::npos);
  EXPECT_NE(redshift.out.find("IAM_ROLE '" + std::string(kRole) + "'"), std::string::npos);
  EXPECT_TRUE(std::regex_search(redshift.out, std::regex("FROM 's3://sparkify-staging/runs/run-1-"
                                                         "[0-9]{8}T[0-9]{6}Z/logs.manifest'")))
      << redshift.out.substr(0, 3000);
  EXPECT_NE(redshift.out.find("DISTKEY (start_time)"), std::string::npos) << "`run` creates";
  for (const std::string& hidden : {secret, std::string("AwsSecretKey/Example")}) {
    EXPECT_EQ((redshift.out + redshift.err).find(hidden), std::string::npos) << hidden;
  }
}

TEST(DryRun, RedshiftWithoutARoleSaysWhatToSet) {
  const CommandResult r =
      RunSparkify("etl --dry-run --engine redshift --staging-uri s3://b/p" + SampleArgs());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("set [IAM_ROLE] ARN in dwh.cfg"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace sparkify::testing
