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
#include "pipeline/plan.h"
#include "redshift_support.h"
#include "sparkify/pipeline.h"

namespace sparkify::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kRole = "arn:aws:iam::123456789012:role/dwhRole";

Config RedshiftConfig() {
  Config config;
  config.engine = "redshift";
  config.iam_role_arn = kRole;
  config.staging_uri = "s3://sparkify-staging/runs";
  config.log_jsonpath = "s3://udacity-dend/log_json_path.json";
  return config;
}

RecordingEngine Recorder() {
  auto begin = RedshiftEngine::BeginStatements(10000, "0");
  EXPECT_TRUE(begin.ok()) << begin.status().message();
  return RecordingEngine(RedshiftEngine::Traits(), begin.value());
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
  RecordingEngine engine = Recorder();
  const Status created = CreateTables(engine, /*drop_first=*/true);
  ASSERT_TRUE(created.ok()) << created.message();
  ExpectGolden("create_tables.sql", engine.transcript);
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
  RecordingEngine engine = Recorder();
  auto checks = RunChecks(engine);
  ASSERT_TRUE(checks.ok()) << checks.status().message();
  ExpectGolden("checks.sql", engine.transcript);
}

TEST(RedshiftGolden, DryRunOfAFirstRunFromS3) {
  auto engine = EngineBlueprintFor(RedshiftConfig());
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  ListedSource songs({S3Object("s3://udacity-dend/song_data/A/A/A/TRAAAAW128F429D538.json", 261,
                               "0c5f5d4ae4d32e2e1b2f4b17d8a8a1f0"),
                      S3Object("s3://udacity-dend/song_data/A/A/B/TRAABCL128F4286650.json", 250,
                               "1e0b2d2c5c9f1a07b1f0a4c3d8e9f7a6"),
                      S3Object("s3://udacity-dend/song_data/A/B/C/TRABCAJ12903CDFCC2.json.gz", 201,
                               "9d8c7b6a5f4e3d2c1b0a99887766554-2")});
  ListedSource logs({S3Object("s3://udacity-dend/log_data/2018/11/2018-11-01-events.json", 7151,
                              "a1b2c3d4e5f60718293a4b5c6d7e8f90"),
                     S3Object("s3://udacity-dend/log_data/2018/11/2018-11-02 \"odd\\name\".json",
                              110, "b1b2c3d4e5f60718293a4b5c6d7e8f90")});
  EtlOptions options;
  options.song_data = "s3://udacity-dend/song_data";
  options.log_data = "s3://udacity-dend/log_data";
  options.s3.region = "us-west-2";
  auto plan = PlanRun(*engine, songs, logs, options, "2018-11-30 23:00:00");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  ExpectGolden("dry_run_s3.sql", *plan);
}

TEST(RedshiftGolden, DryRunOfARunFromLocalFiles) {
  Config config = RedshiftConfig();
  config.log_jsonpath.clear();  // sparkify writes its own JSONPaths file
  config.staging_uri = "s3://stage-bucket/team/sparkify/";
  config.lock_timeout_seconds = 30;
  auto engine = EngineBlueprintFor(config);
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  SourceFile song, gz, early, late;
  song.path = "data/song_data/A/TRAAAAW128F429D538.json";
  song.size = 261;
  gz.path = "data/song_data/B/TRAABCL128F4286650.json.gz";
  gz.size = 180;
  early.path = "data/log_data/2018-11-01-events.json";
  late.path = "data/log_data/2018-11-02-events.json";
  late.size = 9000;
  ListedSource songs({song, gz}), logs({early, late});
  EtlOptions options;
  options.song_data = "data/song_data";
  options.log_data = "data/log_data";
  options.create_missing_tables = true;  // `run`
  options.full_refresh = true;
  options.since = "2018-11-02";
  options.max_errors.max_count = 25;
  options.s3.region = "eu-central-1";
  auto plan = PlanRun(*engine, songs, logs, options, "2018-12-01 06:30:00");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  ExpectGolden("dry_run_local.sql", *plan);
}

TEST(RedshiftPlan, RefusesWithoutRoleOrStagingForLocalFiles) {
  Config config = RedshiftConfig();
  config.iam_role_arn.clear();
  auto engine = EngineBlueprintFor(config);
  ASSERT_TRUE(engine.ok());
  ListedSource songs({S3Object("s3://b/song_data/a.json", 1, "e")}), logs({});
  EtlOptions options;
  options.s3.region = "us-west-2";
  auto plan = PlanRun(*engine, songs, logs, options, "2018-11-30 23:00:00");
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("[IAM_ROLE] ARN"), std::string::npos)
      << plan.status().message();

  // Without a staging location, local files cannot reach the cluster (S3 sources can: see
  // RedshiftMoto.WithoutStagingCopyReadsTheSourcesThemselves).
  config = RedshiftConfig();
  config.staging_uri.clear();
  engine = EngineBlueprintFor(config);
  ASSERT_TRUE(engine.ok());
  ListedSource local_songs({SourceFile{"data/song_data/a.json", 1, 0, ""}});
  plan = PlanRun(*engine, local_songs, logs, options, "2018-11-30 23:00:00");
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("--staging-uri s3://bucket/prefix"), std::string::npos)
      << plan.status().message();
}

TEST(RedshiftPlan, ClientStagingEnginesShowTheirBulkLoads) {
  for (const char* name : {"sqlite", "postgres"}) {
    Config config;
    config.engine = name;
    auto engine = EngineBlueprintFor(config);
    ASSERT_TRUE(engine.ok()) << engine.status().message();
    ListedSource songs({S3Object("s3://b/song_data/a.json", 10, "e1")}),
        logs({S3Object("s3://b/log_data/2018-11-01-events.json", 10, "e2"),
              S3Object("s3://b/log_data/2018-11-02-events.json", 10, "e3")});
    EtlOptions staged;  // SQLite loads the events directly unless asked to stage them
    staged.event_load = EventLoad::kStaged;
    auto plan = PlanRun(*engine, songs, logs, staged, "2018-11-30 23:00:00");
    ASSERT_TRUE(plan.ok()) << plan.status().message();
    EXPECT_NE(plan->find("bulk-loads their records into staging_songs"), std::string::npos);
    EXPECT_NE(plan->find("decodes 2 file(s) and bulk-loads their records into staging_events"),
              std::string::npos)
        << *plan;
    EXPECT_NE(plan->find("ON CONFLICT"), std::string::npos) << name << ": its own transforms";
    EXPECT_EQ(plan->find("check_unique"), std::string::npos) << name << " enforces keys";
    EXPECT_EQ(plan->find("COPY load_"), std::string::npos);
  }
}

// The blueprints of a dry run have the traits the opened engines have.
TEST(RedshiftPlan, BlueprintTraitsMatchTheEngines) {
  TempDir dir;
  SqliteOptions sqlite;
  sqlite.path = (dir / "t.db").string();
  auto opened = OpenSqliteEngine(sqlite);
  ASSERT_TRUE(opened.ok());
  Config config;
  config.engine = "sqlite";
  auto blueprint = EngineBlueprintFor(config);
  ASSERT_TRUE(blueprint.ok());
  const EngineTraits& a = (*opened)->traits();
  const EngineTraits& b = blueprint->traits;
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.sql_dialects, b.sql_dialects);
  EXPECT_EQ(a.enforces_unique_keys, b.enforces_unique_keys);
  EXPECT_EQ(a.backslash_escapes_in_literals, b.backslash_escapes_in_literals);
  // Whether the warehouse stages the files itself: the engine's server_staging(), the plan's.
  EXPECT_EQ((*opened)->server_staging(), nullptr);
  EXPECT_EQ(blueprint->staging, nullptr);
  auto redshift_blueprint = EngineBlueprintFor(RedshiftConfig());
  ASSERT_TRUE(redshift_blueprint.ok());
  EXPECT_NE(redshift_blueprint->staging, nullptr);

  const EngineTraits redshift = RedshiftEngine::Traits();
  EXPECT_EQ(redshift.name, "redshift");
  EXPECT_EQ(redshift.sql_dialects, (std::vector<std::string>{"redshift", "postgres", "common"}));
  EXPECT_FALSE(redshift.enforces_unique_keys);
  EXPECT_TRUE(redshift.backslash_escapes_in_literals);
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
  EXPECT_NE(sqlite.out.find("plan of one run on engine sqlite"), std::string::npos);
  EXPECT_NE(sqlite.out.find("-- logs: \"" + (SampleDir() / "log_data").string() +
                            "\": 1 file(s) (29 more outside --since/--until, not shown)"),
            std::string::npos)
      << sqlite.out;
  EXPECT_NE(sqlite.out.find("BEGIN IMMEDIATE;"), std::string::npos);
  EXPECT_NE(sqlite.out.find("COMMIT;"), std::string::npos);

  // PostgreSQL: a server that does not exist is never asked; its password is not shown.
  const std::string secret = "Sup3rS3cret-pw";
  const CommandResult postgres =
      RunSparkify("etl --dry-run --engine postgres --database 'postgresql://u:" + secret +
                  "@203.0.113.1:1/nowhere'" + SampleArgs());
  ASSERT_EQ(postgres.exit_code, 0) << postgres.err;
  EXPECT_NE(postgres.out.find("plan of one run on engine postgres"), std::string::npos);
  EXPECT_NE(
      postgres.out.find("-- songs: \"" + (SampleDir() / "song_data").string() + "\": 71 file(s)"),
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
  EXPECT_NE(redshift.out.find("plan of one run on engine redshift"), std::string::npos);
  EXPECT_NE(redshift.out.find("COPY load_events ("), std::string::npos);
  EXPECT_NE(redshift.out.find("IAM_ROLE '" + std::string(kRole) + "'"), std::string::npos);
  EXPECT_TRUE(std::regex_search(
      redshift.out, std::regex("FROM 's3://sparkify-staging/runs/run-\\{\\{run_id\\}\\}-"
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
