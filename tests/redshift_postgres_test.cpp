// Amazon Redshift without a cluster (3 of 3): what can run on the real PostgreSQL of the tests.
//
// - RedshiftEngine itself, connected to PostgreSQL: TLS required by default, the session
//   settings, the run lock (LOCK, bounded by statement_timeout), and its INSERT-based RowWriter
//   with the backslash-escaping literals of Redshift (emulated with standard_conforming_strings
//   off, which is how PostgreSQL reads such literals).
// - The Redshift SQL (sql/redshift: load tables, staging from a batch, every transform; the
//   pipeline's server stager with its batch ledger) run by an engine with Redshift's traits on
//   PostgreSQL, whose only stand-in is the COPY from S3 itself: EmulatedCopy fills the load table
//   with the project's decoders, as the cluster's COPY would. Its warehouse must equal the
//   PostgreSQL engine's, and an incremental history with a changed file must equal a fresh load.
// - The query that reads STL_LOAD_ERRORS, on a table with that view's documented columns.
// Not covered here (no cluster): COPY's own parsing and conversions, and Redshift's acceptance
// of the statements' syntax (golden files, checked against the documentation).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "decode/decoders.h"
#include "decode/raw_text.h"
#include "engine/postgres_connection.h"
#include "engine/postgres_engine.h"
#include "engine/redshift_engine.h"
#include "engine/server_staging.h"
#include "engine/sql_catalog.h"
#include "pipeline/staging.h"
#include "postgres_fixture.h"
#include "sparkify/pipeline.h"
#include "sparkify/warehouse_status.h"
#include "test_support.h"

namespace sparkify::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A database whose text order is byte order, as Redshift's VARCHAR comparisons.
std::string CreateByteOrderDatabase(const std::string& name) {
  PgClient admin(Postgres().Uri("postgres"));
  EXPECT_EQ(admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"), "");
  EXPECT_EQ(admin.Exec("CREATE DATABASE " + name +
                       " TEMPLATE template0 LOCALE_PROVIDER libc LC_COLLATE 'C' LC_CTYPE 'C'"),
            "");
  return Postgres().Uri(name);
}

// The connection string options that make PostgreSQL read literals as Redshift does.
std::string AsRedshiftReadsLiterals(const std::string& uri) {
  return uri +
         "?sslmode=disable&options=-c%20standard_conforming_strings%3Doff%20-c%20"
         "escape_string_warning%3Doff";
}

// --- RedshiftEngine against PostgreSQL

std::unique_ptr<Engine> OpenRedshift(const std::string& conninfo, int lock_wait_ms = 10000) {
  RedshiftOptions options;
  options.connection.conninfo = conninfo;
  options.connection.lock_wait_ms = lock_wait_ms;
  auto engine = RedshiftEngine::Open(options);
  EXPECT_TRUE(engine.ok()) << engine.status().message();
  return engine.ok() ? std::move(engine).value() : nullptr;
}

TEST(RedshiftEngineOnPostgres, TlsIsRequiredUnlessTheConnectionSaysOtherwise) {
  const std::string uri = Postgres().CreateDatabase("rs_tls");
  RedshiftOptions options;
  options.connection.conninfo = uri;
  auto refused = RedshiftEngine::Open(options);
  ASSERT_FALSE(refused.ok()) << "the test server has no TLS: sslmode=require must refuse it";
  EXPECT_NE(refused.status().message().find("cannot connect to Redshift"), std::string::npos)
      << refused.status().message();
  EXPECT_NE(refused.status().message().find("SSL"), std::string::npos)
      << refused.status().message();

  EXPECT_TRUE(OpenRedshift(uri + "?sslmode=disable"));
  EXPECT_TRUE(OpenRedshift("sslmode=disable " + std::string("host=127.0.0.1 port=") +
                           std::to_string(Postgres().port()) + " dbname=rs_tls user=postgres"));
  // PGSSLMODE, as libpq's other variables, counts when the string says nothing.
  ::setenv("PGSSLMODE", "disable", 1);
  EXPECT_TRUE(OpenRedshift(uri));
  ::unsetenv("PGSSLMODE");

  // As a user runs it: one line, exit code 1.
  const CommandResult r = RunSparkify("check --engine redshift --database '" + uri + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("cannot connect to Redshift (host=127.0.0.1"), std::string::npos) << r.err;
}

TEST(RedshiftEngineOnPostgres, SessionSettingsAndTheRunLock) {
  const std::string uri = AsRedshiftReadsLiterals(Postgres().CreateDatabase("rs_lock"));
  auto holder = OpenRedshift(uri);
  ASSERT_TRUE(holder);
  auto shown = holder->Query("SHOW extra_float_digits");
  ASSERT_TRUE(shown.ok());
  EXPECT_EQ(shown->rows[0][0], "2");
  shown = holder->Query("SHOW DateStyle");
  ASSERT_TRUE(shown.ok());
  EXPECT_EQ(shown->rows[0][0], "ISO, YMD");

  // The lock table is created by the first Begin (no table exists yet), and held.
  ASSERT_TRUE(holder->Begin().ok());
  auto waiter = OpenRedshift(uri, /*lock_wait_ms=*/300);
  ASSERT_TRUE(waiter);
  const auto started = std::chrono::steady_clock::now();
  const Status busy = waiter->Begin();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  EXPECT_EQ(busy.code(), StatusCode::kBusy) << busy.message();
  EXPECT_NE(busy.message().find("another sparkify run holds the warehouse (schema public"),
            std::string::npos)
      << busy.message();
  EXPECT_NE(busy.message().find("gave up waiting after 300 ms (statement_timeout)"),
            std::string::npos)
      << busy.message();
  auto timeout = waiter->Query("SHOW statement_timeout");
  ASSERT_TRUE(timeout.ok());
  EXPECT_EQ(timeout->rows[0][0], "0") << "statement_timeout is set back after the wait";
  ASSERT_TRUE(holder->Commit().ok());
  ASSERT_TRUE(waiter->Begin().ok()) << "the lock is free once the holder's transaction ends";
  ASSERT_TRUE(waiter->Rollback().ok());
}

TEST(RedshiftEngineOnPostgres, InsertWriterRoundTripsTextDoublesAndNull) {
  auto engine = OpenRedshift(AsRedshiftReadsLiterals(Postgres().CreateDatabase("rs_insert")));
  ASSERT_TRUE(engine);
  ASSERT_TRUE(engine->Execute("CREATE TABLE t (id BIGINT, s TEXT, d DOUBLE PRECISION)").ok());
  const std::vector<std::string> texts = {"",
                                          "plain",
                                          "it's",
                                          "back\\slash",
                                          "\\N",
                                          "\\",
                                          "tab\there",
                                          "new\nline",
                                          "'\\''",
                                          "ünïcödé 久石譲 🎵",
                                          std::string(3000, 'x')};
  const std::vector<double> doubles = {
      0.1, 0.30000000000000004, 5e-324, 1.7976931348623157e308, -0.0, 249.44281, 1540919166796.0};
  ASSERT_TRUE(engine->Begin().ok());
  {
    auto writer = engine->OpenWriter("t", {"id", "s", "d"});
    ASSERT_TRUE(writer.ok());
    for (int i = 0; i < 2000; ++i) {  // several statements of about 1 MiB
      (*writer)->Integer(i);
      if (i % 5 == 4) {
        (*writer)->Null();
        (*writer)->Null();
      } else {
        (*writer)->Text(texts[i % texts.size()]);
        (*writer)->Real(doubles[i % doubles.size()]);
      }
      ASSERT_TRUE((*writer)->EndRow().ok());
    }
    const Status finished = (*writer)->Finish();
    ASSERT_TRUE(finished.ok()) << finished.message();
  }
  ASSERT_TRUE(engine->Commit().ok());
  auto rows = engine->Query("SELECT id, s, d FROM t ORDER BY id");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->rows.size(), 2000u);
  for (int i = 0; i < 2000; ++i) {
    const auto& row = rows->rows[i];
    if (i % 5 == 4) {
      EXPECT_FALSE(row[1] || row[2]);
      continue;
    }
    ASSERT_TRUE(row[1] && row[2]);
    EXPECT_EQ(*row[1], texts[i % texts.size()]) << "row " << i;
    EXPECT_EQ(std::strtod(row[2]->c_str(), nullptr), doubles[i % doubles.size()]) << *row[2];
  }
}

TEST(RedshiftErrors, ASerializableIsolationViolationIsBusyNotAFailure) {
  // Redshift's ERROR 1023 as documented (c_serial_isolation.html); its SQLSTATE is not.
  EXPECT_TRUE(postgres::IsSerializationFailure(
      "XX000",
      "1023 DETAIL: Serializable isolation violation on table - 104547, transactions "
      "forming the cycle are: 1087, 1088"));
  EXPECT_TRUE(postgres::IsSerializationFailure("40001", "could not serialize access"));
  EXPECT_FALSE(
      postgres::IsSerializationFailure("42P01", "relation \"stl_load_errors\" does not exist"));
}

TEST(RedshiftSqlOnPostgres, CopyErrorsReadsTheLastCopysRowsOfStlLoadErrors) {
  auto engine = OpenRedshift(AsRedshiftReadsLiterals(Postgres().CreateDatabase("rs_stl")));
  ASSERT_TRUE(engine);
  // STL_LOAD_ERRORS' documented columns (r_STL_LOAD_ERRORS.html), blank-padded CHARs.
  ASSERT_TRUE(engine
                  ->Execute("CREATE TABLE stl_load_errors (userid INTEGER, slice INTEGER, "
                            "tbl INTEGER, starttime TIMESTAMP, session INTEGER, query INTEGER, "
                            "filename CHAR(256), line_number BIGINT, colname CHAR(127), "
                            "type CHAR(10), col_length CHAR(10), position INTEGER, "
                            "raw_line CHAR(1024), raw_field_value CHAR(1024), err_code INTEGER, "
                            "err_reason CHAR(100));"
                            "CREATE FUNCTION pg_last_copy_id() RETURNS INTEGER LANGUAGE SQL AS "
                            "'SELECT 7';"
                            "INSERT INTO stl_load_errors (query, filename, line_number, colname, "
                            "raw_line, err_code, err_reason) VALUES "
                            "(7, 's3://b/log_data/b.json', 9, 'ts', '{\"ts\": \"x\"}', 1207, "
                            "'Invalid digit, Value ''x'', Pos 0, Type: Long'),"
                            "(6, 's3://b/log_data/old.json', 1, 'ts', '{}', 1207, 'old'),"
                            "(7, 's3://b/log_data/a.json', 4, 'user_id', '{\"userId\": \"y\"}', "
                            "1207, 'Invalid digit')")
                  .ok());
  auto sql = LoadSql(RedshiftEngine::Traits().sql_dialects, "copy_errors_stl");
  ASSERT_TRUE(sql.ok());
  auto rows = engine->Query(*sql);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  using Row = std::vector<std::optional<std::string>>;
  ASSERT_EQ(rows->rows.size(), 2u);
  EXPECT_EQ(rows->rows[0], (Row{"s3://b/log_data/a.json", "4", "user_id", "Invalid digit",
                                "{\"userId\": \"y\"}"}));
  EXPECT_EQ(rows->rows[1], (Row{"s3://b/log_data/b.json", "9", "ts",
                                "Invalid digit, Value 'x', Pos 0, Type: Long", "{\"ts\": \"x\"}"}));
}

TEST(RedshiftSqlOnPostgres, CopyErrorsReadsTheLastCopysRowsOfSysLoadErrorDetail) {
  auto engine = OpenRedshift(AsRedshiftReadsLiterals(Postgres().CreateDatabase("rs_sys")));
  ASSERT_TRUE(engine);
  // SYS_LOAD_ERROR_DETAIL's documented columns (SYS_LOAD_ERROR_DETAIL.html), blank-padded CHARs.
  ASSERT_TRUE(engine
                  ->Execute("CREATE TABLE sys_load_error_detail (user_id INTEGER, "
                            "query_id BIGINT, transaction_id BIGINT, session_id INTEGER, "
                            "database_name CHAR(64), table_id INTEGER, start_time TIMESTAMP, "
                            "file_name CHAR(256), line_number BIGINT, column_name CHAR(127), "
                            "column_type CHAR(10), column_length CHAR(10), position INTEGER, "
                            "error_code INTEGER, error_message CHAR(512));"
                            "CREATE FUNCTION pg_last_copy_id() RETURNS INTEGER LANGUAGE SQL AS "
                            "'SELECT 7';"
                            "INSERT INTO sys_load_error_detail (query_id, file_name, line_number, "
                            "column_name, error_code, error_message) VALUES "
                            "(7, 's3://b/log_data/b.json', 9, 'ts', 1207, "
                            "'Invalid digit, Value ''x'', Pos 0, Type: Long'),"
                            "(6, 's3://b/log_data/old.json', 1, 'ts', 1207, 'old'),"
                            "(7, 's3://b/log_data/a.json', 4, 'user_id', 1207, 'Invalid digit')")
                  .ok());
  auto sql = LoadSql(RedshiftEngine::Traits().sql_dialects, "copy_errors");
  ASSERT_TRUE(sql.ok());
  auto rows = engine->Query(*sql);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  using Row = std::vector<std::optional<std::string>>;
  ASSERT_EQ(rows->rows.size(), 2u);
  EXPECT_EQ(rows->rows[0],
            (Row{"s3://b/log_data/a.json", "4", "user_id", "Invalid digit", std::nullopt}));
  EXPECT_EQ(rows->rows[1], (Row{"s3://b/log_data/b.json", "9", "ts",
                                "Invalid digit, Value 'x', Pos 0, Type: Long", std::nullopt}));
}

// --- The Redshift SQL and the server stager, on PostgreSQL

// COPY from S3, emulated: the batch's files decoded by the project's decoders into the load table
// (as the cluster would parse them), rejected records into load_errors with file and line (as
// read back from STL_LOAD_ERRORS); everything else is the Redshift SQL as the real one runs it.
class EmulatedCopy final : public ServerStaging {
 public:
  explicit EmulatedCopy(Engine& engine) : engine_(engine) {}

  Result<ServerLoadResult> Load(const ServerLoadRequest& request) override {
    const bool events = request.table == "staging_events";
    const std::vector<std::string>& dialects = engine_.traits().sql_dialects;
    const std::map<std::string, std::string> vars = {{"run_id", std::to_string(request.run_id)},
                                                     {"file_id", std::to_string(request.file_id)},
                                                     {"manifest", "'s3://emulated/manifest'"}};
    auto create = LoadSql(dialects, events ? "create_load_events" : "create_load_songs");
    if (!create.ok()) return create.status();
    SPARKIFY_RETURN_IF_ERROR(engine_.Execute(*create));

    const std::vector<std::string> event_columns = {
        "artist", "auth",     "first_name", "gender", "item_in_session", "last_name",  "length",
        "level",  "location", "method",     "page",   "registration",    "session_id", "song",
        "status", "ts",       "user_agent", "user_id"};
    const std::vector<std::string> song_columns = {
        "num_songs",   "artist_id", "artist_latitude", "artist_longitude", "artist_location",
        "artist_name", "song_id",   "title",           "duration",         "year"};
    auto writer = engine_.OpenWriter(events ? "load_events" : "load_songs",
                                     events ? event_columns : song_columns);
    if (!writer.ok()) return writer.status();
    RowWriter& w = **writer;
    std::vector<Rejection> rejected;
    std::vector<std::string> rejected_paths, rejected_raw;
    Status status;
    PaddedBuffer buffer;
    for (const SourceFile& file : request.files) {
      SPARKIFY_RETURN_IF_ERROR(request.reader->Read(file, buffer));
      const simdjson::padded_string_view data(buffer.data(), buffer.size(), buffer.capacity());
      auto on_reject = [&](const Rejection& r) {
        rejected.push_back(r);
        rejected_paths.push_back(file.path);
        rejected_raw.push_back(EscapeRawText(r.raw, 4096));  // as COPY's raw line is stored
      };
      if (events) {
        event_decoder_.DecodeFile(
            file.path, data,
            [&](const EventRecord& e, const RecordPosition&) {
              WriteEventFields(e, w);
              if (status.ok()) status = w.EndRow();
            },
            on_reject);
      } else {
        song_decoder_.DecodeFile(
            file.path, data,
            [&](const SongRecord& s, const RecordPosition&) {
              WriteSongFields(s, w);
              if (status.ok()) status = w.EndRow();
            },
            on_reject);
      }
    }
    SPARKIFY_RETURN_IF_ERROR(status);
    SPARKIFY_RETURN_IF_ERROR(w.Finish());

    if (!rejected.empty()) {
      auto quarantine = engine_.OpenWriter(
          "load_errors", {"run_id", "file_id", "source", "path", "line", "document", "byte_offset",
                          "field", "reason", "raw_text"});
      if (!quarantine.ok()) return quarantine.status();
      RowWriter& q = **quarantine;
      for (size_t i = 0; i < rejected.size(); ++i) {
        const Rejection& r = rejected[i];
        q.Integer(request.run_id);
        q.Integer(request.file_id);
        q.Text(request.source);
        q.Text(rejected_paths[i]);
        q.Integer(r.position.line);
        q.Integer(r.position.document);
        q.Integer(r.position.byte_offset);
        if (r.field.empty()) {
          q.Null();
        } else {
          q.Text(r.field);
        }
        q.Text(r.reason);
        q.Text(rejected_raw[i]);
        SPARKIFY_RETURN_IF_ERROR(q.EndRow());
      }
      SPARKIFY_RETURN_IF_ERROR(q.Finish());
    }

    auto copied =
        Count(std::string("SELECT COUNT(*) FROM ") + (events ? "load_events" : "load_songs"));
    if (!copied.ok()) return copied.status();
    auto stage = LoadSql(dialects, events ? "stage_events" : "stage_songs", vars);
    if (!stage.ok()) return stage.status();
    SPARKIFY_RETURN_IF_ERROR(engine_.Execute(*stage));
    auto staged = Count("SELECT COUNT(*) FROM " + request.table +
                        " WHERE file_id = " + std::to_string(request.file_id));
    if (!staged.ok()) return staged.status();
    ServerLoadResult result;
    result.read = *copied + static_cast<int64_t>(rejected.size());
    result.loaded = *staged;
    result.quarantined = result.read - result.loaded;
    return result;
  }

 private:
  Result<int64_t> Count(const std::string& sql) {
    auto rows = engine_.Query(sql);
    if (!rows.ok()) return rows.status();
    return static_cast<int64_t>(std::stoll(*rows->rows[0][0]));
  }

  Engine& engine_;
  EventDecoder event_decoder_;
  SongDecoder song_decoder_;
};

// An engine with Redshift's traits, SQL dialects, lock, RowWriter and literals, on PostgreSQL.
class EmulatedRedshift final : public PostgresEngine {
 public:
  static std::unique_ptr<EmulatedRedshift> Open(const std::string& uri) {
    PostgresOptions options;
    options.conninfo = AsRedshiftReadsLiterals(uri);
    SessionSetup setup;
    setup.product = "Redshift emulated on PostgreSQL";
    setup.settings = RedshiftEngine::SessionSettings();
    setup.has_lock_timeout = false;
    auto session = Connect(options, setup);
    EXPECT_TRUE(session.ok()) << session.status().message();
    if (!session.ok()) return nullptr;
    std::unique_ptr<EmulatedRedshift> engine(
        new EmulatedRedshift(std::move(session).value(), options));
    // Redshift's lock statements, which PostgreSQL runs as they are.
    auto lock = RedshiftEngine::RunLockFor(options.lock_wait_ms, "0");
    EXPECT_TRUE(lock.ok()) << lock.status().message();
    if (!lock.ok()) return nullptr;
    engine->set_run_lock(std::move(lock).value());
    return engine;
  }

  Result<std::unique_ptr<RowWriter>> OpenWriter(std::string_view table,
                                                const std::vector<std::string>& columns) override {
    return MakeRedshiftInsertWriter(*this, table, columns);
  }
  ServerStaging* server_staging() override { return &copy_; }

 private:
  EmulatedRedshift(SessionPtr session, const PostgresOptions& options)
      : PostgresEngine(RedshiftEngine::Traits(), std::move(session), options), copy_(*this) {}

  EmulatedCopy copy_;
};

// A warehouse for the emulated engine: PostgreSQL's tables, with the two differences of
// sql/redshift/create_tables.sql the pipeline relies on: a COPY batch's files share one
// load_files.file_id, and load_files.records is unknown (NULL).
std::string CreateEmulatedWarehouse(const std::string& name) {
  const std::string uri = CreateByteOrderDatabase(name);
  PostgresOptions options;
  options.conninfo = uri;
  auto postgres = OpenPostgresEngine(options);
  EXPECT_TRUE(postgres.ok());
  EXPECT_TRUE(CreateTables(**postgres, /*drop_first=*/true).ok());
  EXPECT_TRUE((*postgres)
                  ->Execute("ALTER TABLE load_files DROP CONSTRAINT load_files_pkey;"
                            "ALTER TABLE load_files ALTER COLUMN records DROP NOT NULL")
                  .ok());
  return uri;
}

Result<LoadReport> RunEmulated(const std::string& uri, const fs::path& songs, const fs::path& logs,
                               bool full_refresh = false,
                               std::optional<std::string> until = std::nullopt) {
  auto engine = EmulatedRedshift::Open(uri);
  if (!engine) return Status::EngineError("cannot open the emulated engine");
  EtlOptions options;
  options.song_data = songs.string();
  options.log_data = logs.string();
  options.full_refresh = full_refresh;
  options.until = until;
  options.max_errors.max_count = 100;
  return RunEtl(*engine, options);
}

// Rows of `sql`, each rendered "v|v|NULL", sorted by their bytes.
std::vector<std::string> SortedRows(const std::string& uri, const std::string& sql) {
  PgClient client(uri);
  EXPECT_EQ(client.Exec("SET extra_float_digits = 3"), "");
  std::vector<std::string> out;
  for (const auto& row : client.Query(sql).rows) {
    std::string text;
    for (const auto& v : row) text += (v ? *v : std::string("NULL")) + "|";
    out.push_back(std::move(text));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Every table the two warehouses must agree on, without what only says where a row came from
// (file ids, lines, documents, record counts of the ledger) or when.
void ExpectSameWarehouse(const std::string& expected, const std::string& actual) {
  const char* queries[] = {
      "SELECT start_time, user_id, song_id, artist_id, session_id, item_in_session, user_level, "
      "user_location, user_agent FROM songplays",
      "SELECT * FROM users",
      "SELECT * FROM user_levels",
      "SELECT * FROM songs",
      "SELECT * FROM artists",
      "SELECT * FROM time",
      "SELECT artist, auth, first_name, gender, item_in_session, last_name, length, level, "
      "location, method, page, registration, session_id, song, status, ts, user_agent, user_id "
      "FROM staging_events",
      "SELECT num_songs, artist_id, artist_latitude, artist_longitude, artist_location, "
      "artist_name, song_id, title, duration, year FROM staging_songs",
      "SELECT source, path, line, field, reason, raw_text FROM load_errors",
      "SELECT source, path, size, mtime_ns, checksum FROM load_files",
  };
  for (const char* sql : queries) {
    const auto want = SortedRows(expected, sql), got = SortedRows(actual, sql);
    EXPECT_EQ(want.size(), got.size()) << sql;
    size_t shown = 0;
    for (size_t i = 0; i < std::min(want.size(), got.size()) && shown < 3; ++i) {
      if (want[i] != got[i]) {
        ADD_FAILURE() << sql << "\n  postgres: " << want[i] << "\n  redshift: " << got[i];
        ++shown;
      }
    }
  }
}

// The PostgreSQL engine's warehouse, its events staged as Redshift stages them (the default
// loads them directly, and staging_events is compared too).
std::string LoadWithPostgres(const std::string& name, const fs::path& songs, const fs::path& logs) {
  const std::string uri = Postgres().CreateDatabase(name);
  const CommandResult run =
      RunSparkify("run -q --stage-events --engine postgres --database '" + uri + "' --song-data '" +
                  songs.string() + "' --log-data '" + logs.string() + "' --max-errors 50%");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return uri;
}

TEST(RedshiftSqlOnPostgres, SampleDataGivesThePostgresWarehouse) {
  const fs::path songs = SampleDir() / "song_data", logs = SampleDir() / "log_data";
  const std::string reference = LoadWithPostgres("rs_ref_sample", songs, logs);
  const std::string uri = CreateEmulatedWarehouse("rs_sample");
  auto report = RunEmulated(uri, songs, logs);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->engine, "redshift");
  EXPECT_EQ(report->songs.files, 71);
  EXPECT_EQ(report->logs.files, 30);
  EXPECT_EQ(report->logs.loaded, 8056);
  EXPECT_EQ(report->tables["songplays"], 6820);
  ExpectSameWarehouse(reference, uri);
  PgClient pg(uri);
  EXPECT_EQ(pg.Scalar("SELECT COUNT(DISTINCT file_id) FROM load_files"), "2") << "two batches";
  EXPECT_EQ(pg.Scalar("SELECT COUNT(*) FROM staging_events WHERE line <> 0"), "0");

  // Again: every file is in the ledger, nothing changes.
  report = RunEmulated(uri, songs, logs);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->logs.files_skipped, 30);
  EXPECT_EQ(report->songplays_added, 0);
  ExpectSameWarehouse(reference, uri);
}

// Each catalog file and each log day is its own run, in path order, so each is its own batch and
// the provenance rules (first file by path, first copy by file, ties by file id) apply exactly as
// in PostgreSQL's single run. (In any other order, re-delivered events and an artist's records
// sharing a song_id follow the load order, on every engine.)
TEST(RedshiftSqlOnPostgres, DirtyInputFileByFileGivesThePostgresWarehouse) {
  TempDir dir;
  const fs::path songs = dir / "song_data", logs = dir / "log_data", none = dir / "none";
  fs::create_directories(none);
  auto song = [](const std::string& fields) {
    return "{\"num_songs\":1,\"artist_latitude\":null,\"artist_longitude\":null," + fields + "}";
  };
  auto event = [](const std::string& fields) {
    return "{\"auth\":\"Logged In\",\"gender\":\"F\",\"lastName\":\"Doe\",\"method\":\"PUT\","
           "\"registration\":1540919166796.0,\"status\":200," +
           fields + "}";
  };
  WriteFile(songs / "B/dup_first.json",
            song(R"("artist_id":"ARDUP","artist_name":"Dup","song_id":"SODUP","title":"From B",)"
                 R"("duration":200.5,"year":2001)"));
  WriteFile(songs / "a/dup_second.json",
            song(R"("artist_id":"ARDUP","artist_name":"Dup, a","song_id":"SODUP",)"
                 R"("title":"From a","duration":201.25,"year":0)"));
  WriteFile(songs / "C/case1.json",
            song(R"("artist_id":"ARCASE","artist_name":"Twins","song_id":"SOm1CASE",)"
                 R"("title":"Twin","duration":180.0,"year":1990,"artist_location":"Lower")"));
  WriteFile(songs / "C/case2.json",
            R"({"num_songs":1,"artist_id":"ARCASE","artist_name":"Twins","song_id":"SOM2CASE",)"
            R"("title":"Twin","duration":180.0,"year":1991,"artist_location":"Upper",)"
            R"("artist_latitude":51.50853000000001,"artist_longitude":-0.12574})");
  WriteFile(songs / "D/special.json",
            R"({"num_songs":1,"artist_id":"ARSPECIAL","artist_name":"Back\\slash 'Band'",)"
            R"("song_id":"SOSPECIAL","title":"Tab\tTitle\nwith \\. and \\N\r",)"
            R"("duration":215.12345678901234,"year":"1999","artist_location":""})");
  WriteFile(songs / "E/empty.json",
            song(R"("artist_id":"AREMPTY","artist_name":"","song_id":"SOEMPTY1","title":"",)"
                 R"("duration":100.0,"year":2010)"));
  WriteFile(songs / "E/named.json",
            song(R"("artist_id":"AREMPTY","artist_name":"Named","song_id":"SOEMPTY2",)"
                 R"("title":null,"duration":null,"year":null)"));
  WriteFile(songs / "F/bad.json", song(R"("artist_id":"ARBAD","song_id":"SOBAD","year":"x")"));
  const std::string day1 =
      event(R"("artist":"Back\\slash 'Band'","firstName":"Ann","itemInSession":3,)"
            R"("length":215.1234567890,"level":"free","page":"NextSong","sessionId":901,)"
            R"("song":"Tab\tTitle\nwith \\. and \\N\r","ts":1541030400000,)"
            R"("userAgent":"first copy","userId":"78")") +
      "\n" +
      event(R"("artist":"Nobody","itemInSession":0,"length":10.5,"page":"NextSong",)"
            R"("sessionId":902,"song":"Unknown","ts":1541030400050,"userId":"")") +
      "\n" +
      event(R"("artist":"Nobody","itemInSession":0,"length":10.5,"page":"NextSong",)"
            R"("sessionId":902,"song":"Unknown","ts":1541030400050,"userId":"")") +
      "\n" +
      event(R"("artist":"Twins","firstName":"Two","itemInSession":0,"length":180.0,)"
            R"("level":"paid","page":"NextSong","sessionId":905,"song":"Twin",)"
            R"("ts":1542736800250,"userId":"81")") +
      "\n" +
      event(R"("artist":"Nobody","firstName":"Zoë","itemInSession":0,"length":1.0,)"
            R"("level":"paid","page":"NextSong","sessionId":900,"song":"Latest",)"
            R"("ts":1543622399999,"userId":"77")") +
      "\n{\"artist\":\"Broken\n" +
      event(R"("itemInSession":1,"page":"NextSong","sessionId":1,"ts":"yesterday","userId":"5")") +
      "\n";
  const std::string day2 =
      event(R"("artist":"Back\\slash 'Band'","firstName":"Ann","itemInSession":3,)"
            R"("length":215.1234567890,"level":"free","page":"NextSong","sessionId":901,)"
            R"("song":"Tab\tTitle\nwith \\. and \\N\r","ts":1541030400000,)"
            R"("userAgent":"second copy","userId":"78")") +
      "\r\n" +
      event(R"("artist":"Nobody","firstName":"Zoe","itemInSession":5,"length":1.0,)"
            R"("level":"free","page":"NextSong","sessionId":850,"song":"Earlier",)"
            R"("ts":1541100000000,"userId":"77")") +
      "\r\n";
  WriteFile(logs / "2018-11-01-events.json", day1);
  WriteFile(logs / "2018-11-02-events.json", day2);

  const std::string reference = LoadWithPostgres("rs_ref_dirty", songs, logs);
  const std::string uri = CreateEmulatedWarehouse("rs_dirty");
  std::vector<std::string> song_files;
  for (const auto& e : fs::recursive_directory_iterator(songs)) {
    if (e.is_regular_file()) song_files.push_back(e.path().string());
  }
  std::sort(song_files.begin(), song_files.end());  // byte order, as the local source lists
  for (const std::string& file : song_files) {
    auto report = RunEmulated(uri, file, none);
    ASSERT_TRUE(report.ok()) << file << ": " << report.status().message();
  }
  for (const char* day : {"2018-11-01-events.json", "2018-11-02-events.json"}) {
    auto report = RunEmulated(uri, none, logs / day);
    ASSERT_TRUE(report.ok()) << day << ": " << report.status().message();
  }
  ExpectSameWarehouse(reference, uri);
  PgClient pg(uri);
  EXPECT_EQ(pg.Scalar("SELECT user_agent FROM songplays WHERE session_id = 901"), "first copy");
  EXPECT_EQ(pg.Scalar("SELECT song FROM songs WHERE song_id = 'SODUP'"), "From B");
  EXPECT_EQ(pg.Scalar("SELECT song_id FROM songplays WHERE session_id = 905"), "SOM2CASE");
  EXPECT_EQ(pg.Scalar("SELECT COUNT(*) FROM songplays WHERE session_id = 902"), "1");
  EXPECT_EQ(pg.Scalar("SELECT first_name FROM users WHERE user_id = 77"), "Zoë");
}

TEST(RedshiftSqlOnPostgres, AChangedFileReloadsItsBatchAndEqualsAFreshLoad) {
  TempDir dir;
  const fs::path songs = SampleDir() / "song_data", logs = dir / "log_data";
  fs::create_directories(logs);
  for (int day = 1; day <= 8; ++day) {  // eight days keep the test short
    const std::string name = fmt::format("2018-11-{:02}-events.json", day);
    fs::copy_file(SampleDir() / "log_data/2018/11" / name, logs / name);
  }
  const std::string uri = CreateEmulatedWarehouse("rs_changed");
  // Four days, then four more: two batches of 4 log files.
  auto report = RunEmulated(uri, songs, logs, false, "2018-11-04");
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->logs.files, 4);
  report = RunEmulated(uri, songs, logs);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->logs.files, 4);
  EXPECT_EQ(report->logs.files_skipped, 4);

  // A file of the first batch changes (its last event is gone): the whole batch is taken back and
  // loaded again, and the warehouse equals a fresh load of today's files.
  auto drop_last_line = [](const fs::path& path) {
    std::string text = ReadFile(path);
    while (!text.empty() && text.back() == '\n') text.pop_back();
    text.erase(text.rfind('\n') + 1);
    WriteFile(path, text);
  };
  drop_last_line(logs / "2018-11-03-events.json");
  report = RunEmulated(uri, songs, logs);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->logs.files, 4);
  EXPECT_EQ(report->logs.files_replaced, 4);
  EXPECT_EQ(report->logs.files_skipped, 4);
  ExpectSameWarehouse(LoadWithPostgres("rs_ref_changed", songs, logs), uri);

  // A batch-mate of a changed file is gone: the run refuses and changes nothing.
  fs::remove(logs / "2018-11-06-events.json");
  drop_last_line(logs / "2018-11-05-events.json");
  PgClient pg(uri);
  const std::string runs = pg.Scalar("SELECT COUNT(*) FROM etl_runs");
  report = RunEmulated(uri, songs, logs);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.status().message().find("2018-11-06-events.json, which is no longer listed"),
            std::string::npos)
      << report.status().message();
  EXPECT_NE(report.status().message().find("run with --full-refresh"), std::string::npos);
  // Changed nothing, but for the failed run's record in etl_runs.
  EXPECT_EQ(pg.Scalar("SELECT COUNT(*) FROM etl_runs"), std::to_string(std::stoi(runs) + 1));
  EXPECT_EQ(pg.Scalar("SELECT status || ': ' || error FROM etl_runs ORDER BY run_id DESC LIMIT 1"),
            "failed: " + report.status().message());

  // --full-refresh loads every listed file again, as one batch per source.
  report = RunEmulated(uri, songs, logs, /*full_refresh=*/true);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->logs.files, 7);
  ExpectSameWarehouse(LoadWithPostgres("rs_ref_refreshed", songs, logs), uri);
}

// Redshift's text columns have sizes (create_tables.sql): a longer value is quarantined with its
// field and length, never cut, and the rest of the file loads.
TEST(RedshiftSqlOnPostgres, ATextLongerThanItsColumnIsQuarantinedNotCut) {
  TempDir dir;
  const fs::path songs = dir / "song_data", logs = dir / "log_data";
  fs::create_directories(logs);
  WriteFile(songs / "a.json",
            "{\"num_songs\":1,\"artist_id\":\"AR1\",\"artist_latitude\":null,"
            "\"artist_longitude\":null,\"artist_location\":\"\",\"artist_name\":\"A\","
            "\"song_id\":\"SO1\",\"title\":\"" +
                std::string(1025, 't') + "\",\"duration\":1.0,\"year\":0}");
  WriteFile(songs / "b.json",
            "{\"num_songs\":1,\"artist_id\":\"AR2\",\"artist_latitude\":null,"
            "\"artist_longitude\":null,\"artist_location\":\"\",\"artist_name\":\"B\","
            "\"song_id\":\"SO2\",\"title\":\"" +
                std::string(1024, 't') + "\",\"duration\":1.0,\"year\":0}");
  std::string long_artist = Event(1541030400000, 1, 0);
  long_artist.replace(long_artist.find("\"artist\":\"A\""), 12,
                      "\"artist\":\"" + std::string(1500, 'a') + "\"");
  WriteFile(logs / "2018-11-01-events.json", long_artist + "\n" + Event(1541030400001, 1, 1));
  const std::string uri = CreateEmulatedWarehouse("rs_long");
  auto report = RunEmulated(uri, songs, logs);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->songs.loaded, 1);
  EXPECT_EQ(report->songs.quarantined, 1);
  EXPECT_EQ(report->logs.loaded, 1);
  EXPECT_EQ(report->logs.quarantined, 1);
  PgClient pg(uri);
  EXPECT_EQ(pg.Scalar("SELECT reason FROM load_errors WHERE source = 'logs'"),
            "artist: 1500 bytes, longer than the 1024 Redshift keeps");
  EXPECT_EQ(pg.Scalar("SELECT reason FROM load_errors WHERE source = 'songs'"),
            "title: 1025 bytes, longer than the 1024 Redshift keeps");
  EXPECT_EQ(pg.Scalar("SELECT OCTET_LENGTH(song) FROM songs"), "1024")
      << "at the limit: kept whole";
}

// Redshift does not enforce keys: a duplicate that slipped in fails the run, which rolls back.
TEST(RedshiftSqlOnPostgres, ADuplicateKeyFailsTheRun) {
  TempDir dir;
  const fs::path songs = dir / "song_data", logs = dir / "log_data";
  WriteFile(songs / "a.json",
            R"({"num_songs":1,"artist_id":"AR1","artist_name":"A","song_id":"SO1","title":"T",)"
            R"("duration":1.0,"year":2000})");
  fs::create_directories(logs);
  const std::string uri = CreateEmulatedWarehouse("rs_keys");
  ASSERT_TRUE(RunEmulated(uri, songs, logs).ok());
  PgClient pg(uri);
  // As an unenforced key would let a concurrent writer do: a second users row for one id.
  ASSERT_EQ(pg.Exec("ALTER TABLE users DROP CONSTRAINT users_pkey;"
                    "INSERT INTO users VALUES (5, 'A', 'B', 'F', 'free', '2018-11-01', 1, 1),"
                    "(5, 'A', 'B', 'F', 'paid', '2018-11-02', 2, 1)"),
            "");
  WriteFile(songs / "b.json",
            R"({"num_songs":1,"artist_id":"AR2","artist_name":"B","song_id":"SO2","title":"U",)"
            R"("duration":2.0,"year":2001})");
  const std::string runs = pg.Scalar("SELECT COUNT(*) FROM etl_runs");
  auto report = RunEmulated(uri, songs, logs);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kCheckFailed);
  EXPECT_NE(report.status().message().find("check_unique_users (the redshift warehouse does not "
                                           "enforce keys, so the run checks them): 1 key(s) more "
                                           "than once, e.g. user_id=5, copies=2"),
            std::string::npos)
      << report.status().message();
  EXPECT_EQ(pg.Scalar("SELECT COUNT(*) FROM etl_runs"), std::to_string(std::stoi(runs) + 1));
  EXPECT_EQ(pg.Scalar("SELECT status FROM etl_runs ORDER BY run_id DESC LIMIT 1"), "failed");
  EXPECT_EQ(pg.Scalar("SELECT COUNT(*) FROM songs"), "1");
}

// sparkify status and errors through Redshift's dialects (sql/redshift, then postgres, then
// common) and literals (a backslash escapes): a history with quarantined records and a failed run.
TEST(RedshiftSqlOnPostgres, StatusAndErrorsReadTheHistory) {
  TempDir dir;
  const fs::path songs = dir / "song_data", logs = dir / "log_data";
  WriteFile(songs / "a.json",
            R"({"num_songs":1,"artist_id":"AR1","artist_name":"A","song_id":"SO1","title":"T",)"
            R"("duration":1.0,"year":2000})");
  WriteFile(logs / "2018-11-01-events.json", Event(1541030400000, 1, 0) + "\nnot json\n");
  const std::string uri = CreateEmulatedWarehouse("rs_status");
  ASSERT_TRUE(RunEmulated(uri, songs, logs).ok());
  ASSERT_FALSE(RunEmulated(uri, songs, dir / "nothere").ok());

  auto engine = EmulatedRedshift::Open(uri);
  ASSERT_TRUE(engine);
  auto status = ReadWarehouseStatus(*engine);
  ASSERT_TRUE(status.ok()) << status.status().message();
  EXPECT_EQ(status->runs, 2);
  EXPECT_EQ(status->failed_runs, 1);
  EXPECT_EQ(status->last_success, 1);
  ASSERT_EQ(status->last_runs.size(), 2u);
  EXPECT_EQ(status->last_runs[0].status, "failed");
  EXPECT_NE(status->last_runs[0].error.value_or("").find("nothere"), std::string::npos);
  EXPECT_EQ(status->quarantined, 1);
  ASSERT_EQ(status->reasons.size(), 1u);
  EXPECT_EQ(status->reasons[0].source, "logs");

  ErrorFilter filter;
  filter.source = "logs";
  auto listing = ReadQuarantine(*engine, filter);
  ASSERT_TRUE(listing.ok()) << listing.status().message();
  EXPECT_EQ(listing->matching, 1);
  ASSERT_EQ(listing->records.size(), 1u);
  EXPECT_EQ(listing->records[0].raw_text.value_or(""), "not json");
  // A filter is a literal also where a backslash escapes in one.
  filter.reason = "it's \\' OR 1=1 --";
  listing = ReadQuarantine(*engine, filter);
  ASSERT_TRUE(listing.ok()) << listing.status().message();
  EXPECT_EQ(listing->matching, 0);
}

}  // namespace
}  // namespace sparkify::testing
