// PostgresEngine against the real test server: COPY round trips, transactions, the run lock,
// re-runs, schemas, and the one-line, password-free errors of every connection failure. Runs
// through the library where a test needs to hold a connection, else through the binary as a
// user runs it.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <regex>
#include <thread>
#include <tuple>

#include "engine/postgres_engine.h"
#include "postgres_fixture.h"
#include "test_support.h"

namespace sparkify::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::unique_ptr<Engine> OpenEngine(const std::string& conninfo, const std::string& schema = "") {
  PostgresOptions options;
  options.conninfo = conninfo;
  if (!schema.empty()) options.schema = schema;
  auto engine = OpenPostgresEngine(options);
  EXPECT_TRUE(engine.ok()) << engine.status().message();
  return engine.ok() ? std::move(engine).value() : nullptr;
}

std::string Quoted(const std::string& s) { return "'" + s + "'"; }

std::string Sources() {
  return " --song-data " + (SampleDir() / "song_data").string() + " --log-data " +
         (SampleDir() / "log_data").string();
}

// A port of 127.0.0.1 where nothing listens (bound, read, released).
int UnusedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// stderr of a failed command: exactly one line, naming what it must and no secret.
void ExpectOneLineError(const CommandResult& r, const std::vector<std::string>& present,
                        const std::vector<std::string>& absent = {kPassword, kPasswordInUri}) {
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(r.err.rfind("sparkify: error: ", 0), 0u) << r.err;
  for (const auto& p : present) EXPECT_NE(r.err.find(p), std::string::npos) << p << " in " << r.err;
  for (const auto& a : absent) EXPECT_EQ(r.err.find(a), std::string::npos) << a << " in " << r.err;
}

std::string Where(const std::string& dbname, int port = 0) {
  return "host=127.0.0.1 port=" + std::to_string(port ? port : Postgres().port()) +
         " dbname=" + dbname;
}

// "tables": {...} of a --json report.
std::string TablesOf(const std::string& json) {
  std::smatch m;
  static const std::regex kTables(R"("tables": \{[^}]*\})");
  return std::regex_search(json, m, kTables) ? m.str() : "no tables in: " + json;
}

TEST(PostgresEngine, CopyRoundTripsTextDoublesIntegersAndNull) {
  auto engine = OpenEngine(Postgres().CreateDatabase("t_copy"));
  ASSERT_TRUE(engine);
  ASSERT_TRUE(
      engine->Execute("CREATE TABLE t (id BIGINT, n BIGINT, s TEXT, d DOUBLE PRECISION)").ok());
  const std::vector<std::string> texts = {"",           "plain",
                                          "tab\there",  "new\nline",
                                          "cr\rreturn", "back\\slash",
                                          "\\.",        "\\N",
                                          "\\",         "ünïcödé 久石譲 🎵",
                                          "trailing\\", "\t\n\r\\",
                                          "'quote\"",   std::string(300, 'x')};
  const std::vector<double> doubles = {0.1,
                                       0.30000000000000004,
                                       1e-300,
                                       5e-324,
                                       1.7976931348623157e308,
                                       -0.0,
                                       35.14968,
                                       249.44281,
                                       -21.89541,
                                       123456789.12345679,
                                       51.50853000000001};
  const std::vector<int64_t> integers = {std::numeric_limits<int64_t>::min(),
                                         std::numeric_limits<int64_t>::max(), 0, -1, 1541105830796};
  // Enough rows for many 64 KiB chunks, so rows straddle chunk boundaries.
  const int kRows = 20000;
  ASSERT_TRUE(engine->Begin().ok());
  {
    auto writer = engine->OpenWriter("t", {"id", "n", "s", "d"});
    ASSERT_TRUE(writer.ok()) << writer.status().message();
    for (int i = 0; i < kRows; ++i) {
      RowWriter& w = **writer;
      w.Integer(i);
      if (i % 7 == 6) {
        w.Null();
        w.Null();
        w.Null();
      } else {
        w.Integer(integers[i % integers.size()]);
        w.Text(texts[i % texts.size()]);
        w.Real(doubles[i % doubles.size()]);
      }
      ASSERT_TRUE(w.EndRow().ok());
    }
    const Status finished = (*writer)->Finish();
    ASSERT_TRUE(finished.ok()) << finished.message();
  }
  ASSERT_TRUE(engine->Commit().ok());

  auto rows = engine->Query("SELECT id, n, s, d FROM t ORDER BY id");
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ASSERT_EQ(rows->rows.size(), static_cast<size_t>(kRows));
  for (int i = 0; i < kRows; ++i) {
    const auto& row = rows->rows[i];
    ASSERT_EQ(row[0], std::to_string(i));
    if (i % 7 == 6) {
      EXPECT_FALSE(row[1] || row[2] || row[3]) << "row " << i;
      continue;
    }
    ASSERT_TRUE(row[1] && row[2] && row[3]) << "row " << i;
    EXPECT_EQ(*row[1], std::to_string(integers[i % integers.size()]));
    EXPECT_EQ(*row[2], texts[i % texts.size()]) << "row " << i;
    const double expected = doubles[i % doubles.size()],
                 got = std::strtod(row[3]->c_str(), nullptr);
    EXPECT_EQ(std::memcmp(&expected, &got, sizeof got), 0)
        << "row " << i << ": " << *row[3] << " is not exactly " << expected;
  }
}

TEST(PostgresEngine, QueryPrintsTimestampsWithMilliseconds) {
  auto engine = OpenEngine(Postgres().Uri("postgres"));
  ASSERT_TRUE(engine);
  auto rows = engine->Query(
      "SELECT TIMESTAMP '2018-11-01 21:01:46', TIMESTAMP '2018-11-01 21:01:46.8', "
      "TIMESTAMP '2018-11-01 21:01:46.796', 'not a timestamp'");
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  EXPECT_EQ(rows->rows[0], (std::vector<std::optional<std::string>>{
                               "2018-11-01 21:01:46.000", "2018-11-01 21:01:46.800",
                               "2018-11-01 21:01:46.796", "not a timestamp"}));
}

TEST(PostgresEngine, AbandonedWriterLeavesAUsableConnection) {
  auto engine = OpenEngine(Postgres().CreateDatabase("t_abandon"));
  ASSERT_TRUE(engine);
  ASSERT_TRUE(engine->Execute("CREATE TABLE t (s TEXT)").ok());
  ASSERT_TRUE(engine->Begin().ok());
  {
    auto writer = engine->OpenWriter("t", {"s"});
    ASSERT_TRUE(writer.ok());
    (*writer)->Text("dropped");
    ASSERT_TRUE((*writer)->EndRow().ok());
  }  // no Finish()
  EXPECT_TRUE(engine->Rollback().ok());
  auto rows = engine->Query("SELECT COUNT(*) FROM t");
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  EXPECT_EQ(rows->rows[0][0], "0");
}

TEST(PostgresEngine, RowWithWrongValueCountIsAnError) {
  auto engine = OpenEngine(Postgres().CreateDatabase("t_width"));
  ASSERT_TRUE(engine);
  ASSERT_TRUE(engine->Execute("CREATE TABLE t (a TEXT, b TEXT)").ok());
  ASSERT_TRUE(engine->Begin().ok());
  auto writer = engine->OpenWriter("t", {"a", "b"});
  ASSERT_TRUE(writer.ok());
  (*writer)->Text("only one");
  const Status status = (*writer)->EndRow();
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("row 1 has 1 values, expected 2"), std::string::npos)
      << status.message();
  EXPECT_FALSE((*writer)->Finish().ok());
  writer->reset();  // drop the writer before the rollback
  EXPECT_TRUE(engine->Rollback().ok());
}

TEST(PostgresEngine, CopyErrorNamesTableLineAndColumn) {
  auto engine = OpenEngine(Postgres().CreateDatabase("t_copy_error"));
  ASSERT_TRUE(engine);
  ASSERT_TRUE(engine->Execute("CREATE TABLE t (n BIGINT)").ok());
  ASSERT_TRUE(engine->Begin().ok());
  auto writer = engine->OpenWriter("t", {"n"});
  ASSERT_TRUE(writer.ok());
  for (const char* value : {"1", "2", "three", "4"}) {
    (*writer)->Text(value);
    ASSERT_TRUE((*writer)->EndRow().ok());
  }
  const Status status = (*writer)->Finish();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.message(),
            "loading t: invalid input syntax for type bigint: \"three\" (COPY t, line 3, column "
            "n: \"three\") [SQLSTATE 22P02]");
  writer->reset();
  EXPECT_TRUE(engine->Rollback().ok());
}

// The binary COPY (all columns BIGINT, DOUBLE PRECISION or TEXT) takes every value as the text
// format would: numbers into text columns as their text, integers into DOUBLE PRECISION, a
// whole double into BIGINT; text for a number column switches the load to a text COPY, here
// after many binary chunks were sent, and the rows on both sides of the switch arrive.
TEST(PostgresEngine, CopyTakesValuesOfAnotherKindAsTheTextFormatWould) {
  auto engine = OpenEngine(Postgres().CreateDatabase("t_copy_kinds"));
  ASSERT_TRUE(engine);
  ASSERT_TRUE(
      engine->Execute("CREATE TABLE t (id BIGINT, n BIGINT, d DOUBLE PRECISION, s TEXT)").ok());
  const int kRows = 20000, kSwitch = 15000;
  ASSERT_TRUE(engine->Begin().ok());
  {
    auto writer = engine->OpenWriter("t", {"id", "n", "d", "s"});
    ASSERT_TRUE(writer.ok()) << writer.status().message();
    RowWriter& w = **writer;
    for (int i = 0; i < kRows; ++i) {
      w.Integer(i);
      if (i == kSwitch) {
        w.Text("42");
      } else if (i % 3 == 0) {
        w.Real(1.5e12);
      } else {
        w.Integer(i * 7);
      }
      if (i % 2 == 0) {
        w.Integer(9007199254740993);  // 2^53 + 1: as float8in reads it, 2^53
      } else {
        w.Real(0.1 * i);
      }
      if (i % 5 == 0) {
        w.Integer(-i);
      } else if (i % 5 == 1) {
        w.Real(0.1);
      } else {
        w.Text("tab\there");
      }
      ASSERT_TRUE(w.EndRow().ok());
    }
    const Status finished = w.Finish();
    ASSERT_TRUE(finished.ok()) << finished.message();
  }
  ASSERT_TRUE(engine->Commit().ok());
  auto rows = engine->Query("SELECT id, n, d, s FROM t ORDER BY id");
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ASSERT_EQ(rows->rows.size(), static_cast<size_t>(kRows));
  for (int i = 0; i < kRows; ++i) {
    const auto& row = rows->rows[i];
    ASSERT_TRUE(row[1] && row[2] && row[3]) << "row " << i;
    const std::string n = i == kSwitch ? "42"
                          : i % 3 == 0 ? "1500000000000"
                                       : std::to_string(i * 7);
    EXPECT_EQ(*row[1], n) << "row " << i;
    const double expected = i % 2 == 0 ? 9007199254740992.0 : 0.1 * i,
                 got = std::strtod(row[2]->c_str(), nullptr);
    EXPECT_EQ(std::memcmp(&expected, &got, sizeof got), 0) << "row " << i << ": " << *row[2];
    const std::string text = i % 5 == 0 ? std::to_string(-i) : i % 5 == 1 ? "0.1" : "tab\there";
    EXPECT_EQ(*row[3], text) << "row " << i;
  }
}

// TIMESTAMP and INTEGER columns go in binary too: a timestamp given as 'YYYY-MM-DD HH:MM:SS'
// or with milliseconds is converted here, and must be the value the server reads from that text
// (dates from year 1 to 9999, leap days, both sides of 2000-01-01, PostgreSQL's epoch). Any
// other text (an ISO 'T', here mid-row after a binary timestamp) switches the load to text; an
// impossible date or an integer out of INTEGER's range fails as the text format does.
TEST(PostgresEngine, CopyTakesTimestampsAndIntegersAsTheServerReadsTheirText) {
  auto engine = OpenEngine(Postgres().CreateDatabase("t_copy_timestamps"));
  ASSERT_TRUE(engine);
  ASSERT_TRUE(engine
                  ->Execute("CREATE TABLE t (id BIGINT, ts TIMESTAMP, n INTEGER, ts2 TIMESTAMP, "
                            "s TEXT)")
                  .ok());
  std::vector<std::string> texts = {
      "2000-01-01 00:00:00.000", "1999-12-31 23:59:59.999", "0001-01-01 00:00:00.000",
      "9999-12-31 23:59:59.999", "2000-02-29 12:00:00.001", "1600-02-29 01:02:03",
      "2016-02-29 23:59:59.500", "1970-01-01 00:00:00",     "2018-11-30 23:59:59.999"};
  std::mt19937_64 random(7);
  for (int i = 0; i < 20000; ++i) {
    texts.push_back(fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}", random() % 9999 + 1,
                                random() % 12 + 1, random() % 28 + 1, random() % 24, random() % 60,
                                random() % 60, random() % 1000));
  }
  const size_t kSwitch = texts.size() - 100;
  ASSERT_TRUE(engine->Begin().ok());
  {
    auto writer = engine->OpenWriter("t", {"id", "ts", "n", "ts2", "s"});
    ASSERT_TRUE(writer.ok()) << writer.status().message();
    RowWriter& w = **writer;
    for (size_t i = 0; i < texts.size(); ++i) {
      w.Integer(static_cast<int64_t>(i));
      w.Text(texts[i]);
      w.Integer(i % 2 ? INT32_MIN : INT32_MAX);
      w.Text(i == kSwitch ? "2018-11-01T10:00:00" : texts[i]);
      w.Text(texts[i]);
      ASSERT_TRUE(w.EndRow().ok());
    }
    const Status finished = w.Finish();
    ASSERT_TRUE(finished.ok()) << finished.message();
  }
  ASSERT_TRUE(engine->Commit().ok());
  auto differ = engine->Query(
      "SELECT COUNT(*) FROM t WHERE ts IS DISTINCT FROM s::TIMESTAMP OR "
      "(id <> " +
      std::to_string(kSwitch) +
      " AND ts2 IS DISTINCT FROM s::TIMESTAMP) OR n <> CASE WHEN id % 2 = 1 THEN -2147483648 "
      "ELSE 2147483647 END");
  ASSERT_TRUE(differ.ok()) << differ.status().message();
  EXPECT_EQ(differ->rows.at(0).at(0), "0");
  auto switched = engine->Query("SELECT ts2 FROM t WHERE id = " + std::to_string(kSwitch));
  ASSERT_TRUE(switched.ok());
  EXPECT_EQ(switched->rows.at(0).at(0), "2018-11-01 10:00:00.000");
  auto count = engine->Query("SELECT COUNT(*) FROM t");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(count->rows.at(0).at(0), std::to_string(texts.size()));

  for (const auto& [ts, n, error] :
       {std::tuple<std::string, int64_t, std::string>{"2018-02-30 00:00:00.000", 1, "out of range"},
        {"2018-11-01 00:00:00.000", int64_t{1} << 31, "out of range for type integer"}}) {
    ASSERT_TRUE(engine->Begin().ok());
    auto writer = engine->OpenWriter("t", {"id", "ts", "n", "ts2", "s"});
    ASSERT_TRUE(writer.ok());
    RowWriter& w = **writer;
    w.Integer(1);
    w.Text(ts);
    w.Integer(n);
    w.Null();
    w.Null();
    Status status = w.EndRow();
    if (status.ok()) status = w.Finish();
    EXPECT_NE(status.message().find(error), std::string::npos) << status.message();
    writer->reset();
    EXPECT_TRUE(engine->Rollback().ok());
  }
}

TEST(PostgresEngine, CommitAfterAFailedStatementFails) {
  auto engine = OpenEngine(Postgres().CreateDatabase("t_commit"));
  ASSERT_TRUE(engine);
  ASSERT_TRUE(engine->Begin().ok());
  const Status failed = engine->Execute("SELECT * FROM no_such_table");
  EXPECT_FALSE(failed.ok());
  EXPECT_NE(failed.message().find("no_such_table"), std::string::npos) << failed.message();
  EXPECT_NE(failed.message().find("SQLSTATE 42P01"), std::string::npos) << failed.message();
  const Status commit = engine->Commit();
  EXPECT_FALSE(commit.ok());
  EXPECT_NE(commit.message().find("rolled the run's transaction back"), std::string::npos);
}

TEST(PostgresEngine, LostConnectionDuringALoadIsOneLineNamingTheServer) {
  const std::string dbname = "t_lost";
  Postgres().CreateDatabase(dbname);
  const std::string uri = "postgresql://" + std::string(kPasswordRole) + ":" + kPasswordInUri +
                          "@127.0.0.1:" + std::to_string(Postgres().port()) + "/" + dbname;
  auto engine = OpenEngine(uri);
  ASSERT_TRUE(engine);
  ASSERT_TRUE(engine->Execute("CREATE TABLE t (s TEXT)").ok());
  ASSERT_TRUE(engine->Begin().ok());
  auto pid = engine->Query("SELECT pg_backend_pid()");
  ASSERT_TRUE(pid.ok());
  auto writer = engine->OpenWriter("t", {"s"});
  ASSERT_TRUE(writer.ok());
  PgClient admin(Postgres().Uri("postgres"));
  // Waits (up to 5 s) until the backend is gone.
  EXPECT_EQ(admin.Scalar("SELECT pg_terminate_backend(" + *pid->rows[0][0] + ", 5000)"), "t");
  Status status;
  for (int i = 0; i < 200000 && status.ok(); ++i) {  // ~20 MB at most: the loss shows first
    (*writer)->Text("a row of text that goes nowhere, since the server is gone: padding");
    status = (*writer)->EndRow();
  }
  if (status.ok()) status = (*writer)->Finish();
  ASSERT_FALSE(status.ok());
  const std::string& m = status.message();
  EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  EXPECT_NE(m.find("loading t: lost the connection to PostgreSQL"), std::string::npos) << m;
  EXPECT_NE(m.find(Where(dbname)), std::string::npos) << m;
  EXPECT_EQ(m.find(kPassword), std::string::npos) << m;
  EXPECT_EQ(m.find(kPasswordInUri), std::string::npos) << m;
  writer->reset();
  const Status rollback = engine->Rollback();  // fails too, the same way
  EXPECT_NE(rollback.message().find(Where(dbname)), std::string::npos) << rollback.message();
}

TEST(PostgresRun, ReRunAddsNothingAndChecksPass) {
  const std::string uri = Postgres().CreateDatabase("t_rerun");
  const std::string base = "--engine postgres --database " + Quoted(uri);
  const CommandResult first = RunSparkify("run " + base + Sources() + " --json -q");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const CommandResult second = RunSparkify("run " + base + Sources() + " --json -q");
  ASSERT_EQ(second.exit_code, 0) << second.err;
  const CommandResult third = RunSparkify("etl " + base + Sources() + " --json -q");
  ASSERT_EQ(third.exit_code, 0) << third.err;
  for (const CommandResult* again : {&second, &third}) {
    EXPECT_NE(again->out.find("\"songplays\": {\"added\": 0"), std::string::npos) << again->out;
    EXPECT_NE(again->out.find("\"files\": 0, \"files_skipped\": 30"), std::string::npos)
        << again->out;
    EXPECT_EQ(TablesOf(again->out), TablesOf(first.out));
  }
  EXPECT_NE(TablesOf(first.out).find("\"songplays\": 6820"), std::string::npos) << first.out;
  const CommandResult check = RunSparkify("check " + base);
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_EQ(check.out.find("FAIL"), std::string::npos) << check.out;
}

// Killed at any step, a run of either load leaves the warehouse as it was; the next run loads.
TEST(PostgresRun, AKilledRunLeavesTheWarehouseAsBefore) {
  struct Load {
    const char* name;
    const char* flags;
    std::vector<const char*> steps;
  };
  const Load loads[] = {
      {"staged", " --stage-events", {"after-logs", "after-transform_songplays", "before-commit"}},
      {"direct", "", {"after-logs", "before-commit"}},
  };
  for (const Load& load : loads) {
    const std::string uri = Postgres().CreateDatabase(std::string("t_killed_") + load.name);
    const std::string base = "--engine postgres --database " + Quoted(uri) + load.flags;
    ASSERT_EQ(RunSparkify("run --until 2018-11-15 " + base + Sources() + " -q").exit_code, 0);
    PgClient pg(uri);
    auto snapshot = [&] {
      std::string all;
      for (const char* table :
           {"songplays", "users", "user_levels", "time", "staging_events", "direct_user_events",
            "direct_user_names", "load_files", "etl_runs", "load_errors"}) {
        all += std::string(table) + "=" + pg.Scalar(std::string("SELECT COUNT(*) FROM ") + table) +
               " ";
      }
      return all + pg.Scalar(
                       "SELECT string_agg(user_id || user_level, ',' ORDER BY user_id) "
                       "FROM users");
    };
    const std::string before = snapshot();
    for (const char* step : load.steps) {
      const CommandResult killed = RunSparkify("run " + base + Sources() + " -q",
                                               std::string("SPARKIFY_TEST_KILL_AT=") + step);
      EXPECT_EQ(killed.exit_code, 128 + 9) << load.name << " " << step << ": " << killed.err;
      EXPECT_EQ(snapshot(), before) << load.name << " " << step;
    }
    const CommandResult finished = RunSparkify("run " + base + Sources() + " --json -q");
    ASSERT_EQ(finished.exit_code, 0) << finished.err;
    EXPECT_EQ(pg.Scalar("SELECT COUNT(*) FROM songplays"), "6820") << load.name;
    EXPECT_EQ(pg.Scalar("SELECT COUNT(*) FROM users WHERE user_level = 'paid'"), "22") << load.name;
  }
}

TEST(PostgresRun, SchemaOptionKeepsTablesInTheSchema) {
  const std::string uri = Postgres().CreateDatabase("t_schema");
  const std::string base = "--engine postgres --schema analytics --database " + Quoted(uri);
  const CommandResult run = RunSparkify("run " + base + Sources() + " -q");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  PgClient pg(uri);
  // The 11 tables every engine has and the direct load's 3.
  EXPECT_EQ(pg.Scalar("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'analytics'"), "14");
  EXPECT_EQ(pg.Scalar("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'"), "0");
  EXPECT_EQ(pg.Scalar("SELECT COUNT(*) FROM analytics.songplays"), "6820");
  EXPECT_EQ(RunSparkify("check " + base).exit_code, 0);
}

// Waits until a backend of `dbname` waits for an advisory lock; false after `limit`.
bool WaitsForAdvisoryLock(const std::string& dbname, std::chrono::milliseconds limit) {
  PgClient admin(Postgres().Uri("postgres"));
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (admin.Scalar("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = '" + dbname +
                     "' AND wait_event_type = 'Lock' AND wait_event = 'advisory'") == "1") {
      return true;
    }
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

TEST(PostgresRun, SecondRunWaitsForTheFirst) {
  const std::string dbname = "t_wait", uri = Postgres().CreateDatabase(dbname);
  const std::string base = "--engine postgres --database " + Quoted(uri);
  ASSERT_EQ(RunSparkify("create-tables " + base).exit_code, 0);

  // The "first run": holds the lock and writes a run the second must see, or else they mixed.
  auto holder = OpenEngine(uri);
  ASSERT_TRUE(holder);
  ASSERT_TRUE(holder->Begin().ok());
  ASSERT_TRUE(
      holder
          ->Execute("INSERT INTO etl_runs (run_id, started_at, status) VALUES (100, '2000-01-01', "
                    "'succeeded')")
          .ok());

  std::atomic<bool> done = false;
  CommandResult second;
  std::thread runner([&] {
    second = RunSparkify("run " + base + Sources() + " --json -q");
    done = true;
  });
  const bool waited = WaitsForAdvisoryLock(dbname, 10s);
  std::this_thread::sleep_for(200ms);
  const bool finished_while_locked = done;
  EXPECT_TRUE(holder->Commit().ok());
  runner.join();
  EXPECT_TRUE(waited) << "the second run never waited for the advisory lock";
  EXPECT_FALSE(finished_while_locked);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.out.find("\"run_id\": 101"), std::string::npos) << second.out;
}

TEST(PostgresRun, BusyWhenTheLockStaysTaken) {
  const std::string dbname = "t_busy", uri = Postgres().CreateDatabase(dbname);
  ASSERT_EQ(RunSparkify("create-tables --engine postgres --database " + Quoted(uri)).exit_code, 0);
  auto holder = OpenEngine(uri);
  ASSERT_TRUE(holder);
  ASSERT_TRUE(holder->Begin().ok());
  // The connection's own lock_timeout is the wait (without one, 10 s).
  const auto started = std::chrono::steady_clock::now();
  const CommandResult busy =
      RunSparkify("run --engine postgres --database " +
                  Quoted(uri + "?options=-c%20lock_timeout%3D300") + Sources() + " -q");
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(busy.exit_code, 3) << busy.err;  // busy
  ExpectOneLineError(busy, {"another sparkify run holds the warehouse", "schema public",
                            Where(dbname), "300ms", "try again later"});
  EXPECT_LT(took, 5s);
  EXPECT_TRUE(holder->Rollback().ok());
}

// The lock's wait is a lock_timeout set for the lock only: set back after the lock, and after
// the rollback of a lock that gave up (which undoes what the transaction set).
TEST(PostgresRun, TheLockWaitIsSetBackAfterTheLockAndAfterABusyBegin) {
  const std::string uri = Postgres().CreateDatabase("t_lock_wait");
  auto holder = OpenEngine(uri);
  ASSERT_TRUE(holder);
  PostgresOptions options;
  options.conninfo = uri;
  options.lock_wait_ms = 300;
  auto waiter = OpenPostgresEngine(options);
  ASSERT_TRUE(waiter.ok()) << waiter.status().message();
  const auto lock_timeout = [&] {
    auto shown = (*waiter)->Query("SHOW lock_timeout");
    return shown.ok() ? shown->rows[0][0].value_or("NULL") : shown.status().message();
  };
  ASSERT_TRUE(holder->Begin().ok());
  const Status busy = (*waiter)->Begin();
  EXPECT_EQ(busy.code(), StatusCode::kBusy) << busy.message();
  EXPECT_NE(busy.message().find("; gave up waiting after 300 ms (lock_timeout); try again later"),
            std::string::npos)
      << busy.message();
  EXPECT_EQ(lock_timeout(), "0") << "the wait outlived the failed Begin";
  ASSERT_TRUE(holder->Commit().ok());
  ASSERT_TRUE((*waiter)->Begin().ok());
  EXPECT_EQ(lock_timeout(), "0") << "the run's statements would give up after the lock's wait";
  ASSERT_TRUE((*waiter)->Rollback().ok());
  EXPECT_EQ(lock_timeout(), "0") << "the rollback brought the lock's wait back";
}

TEST(PostgresRun, ConcurrentRunsTakeTurns) {
  const std::string uri = Postgres().CreateDatabase("t_concurrent");
  // A generous lock_timeout: on a busy machine one run may take longer than the default 10 s.
  const std::string command = "run --engine postgres --database " +
                              Quoted(uri + "?options=-c%20lock_timeout%3D120s") + Sources() +
                              " --json -q";
  CommandResult a, b;
  std::thread first([&] { a = RunSparkify(command); });
  std::thread second([&] { b = RunSparkify(command); });
  first.join();
  second.join();
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  // One loaded everything, the other found every file in the ledger: they did not mix.
  const std::string loaded = "\"files\": 30, \"files_skipped\": 0";
  const std::string skipped = "\"files\": 0, \"files_skipped\": 30";
  EXPECT_TRUE(
      (a.out.find(loaded) != std::string::npos && b.out.find(skipped) != std::string::npos) ||
      (b.out.find(loaded) != std::string::npos && a.out.find(skipped) != std::string::npos))
      << a.out << "\n"
      << b.out;
  PgClient pg(uri);
  EXPECT_EQ(pg.Scalar("SELECT COUNT(*) FROM songplays"), "6820");
  EXPECT_EQ(pg.Scalar("SELECT COUNT(*) FROM etl_runs r1 JOIN etl_runs r2 ON r1.run_id < r2.run_id "
                      "WHERE r2.started_at < r1.finished_at"),
            "0");
}

TEST(PostgresErrors, RefusedPort) {
  const int port = UnusedPort();
  const CommandResult r =
      RunSparkify("check --engine postgres --database " +
                  Quoted("postgresql://postgres@127.0.0.1:" + std::to_string(port) + "/nowhere"));
  EXPECT_EQ(r.exit_code, 1);
  ExpectOneLineError(
      r, {"cannot connect to PostgreSQL", Where("nowhere", port), "Connection refused"});
}

TEST(PostgresErrors, MissingDatabase) {
  const CommandResult r =
      RunSparkify("check --engine postgres --database " + Quoted(Postgres().Uri("no_such_db")));
  ExpectOneLineError(r, {Where("no_such_db"), "database \"no_such_db\" does not exist"});
}

TEST(PostgresErrors, WrongPassword) {
  const std::string wrong = "wrong-Pa55-word";
  const std::string uri = "postgresql://" + std::string(kPasswordRole) + ":" + wrong +
                          "@127.0.0.1:" + std::to_string(Postgres().port()) + "/postgres";
  const CommandResult r = RunSparkify("check --engine postgres --database " + Quoted(uri));
  ExpectOneLineError(r, {Where("postgres"), "password authentication failed"},
                     {wrong, kPassword, kPasswordInUri});
  // The same through libpq's environment.
  const CommandResult env = RunSparkify(
      "check --engine postgres --database " + Quoted(Postgres().Uri("postgres", kPasswordRole)),
      "PGPASSWORD=" + wrong);
  ExpectOneLineError(env, {Where("postgres"), "password authentication failed"}, {wrong});
}

TEST(PostgresErrors, PasswordNeverInMessages) {
  const std::string port = std::to_string(Postgres().port());
  const std::string with_password =
      "postgresql://" + std::string(kPasswordRole) + ":" + kPasswordInUri + "@127.0.0.1:" + port;
  // Right password, wrong database.
  ExpectOneLineError(
      RunSparkify("check --engine postgres --database " + Quoted(with_password + "/nope")),
      {Where("nope"), "does not exist"});
  // URIs libpq cannot parse: its messages quote parts of the string.
  const CommandResult bad_uri =
      RunSparkify("check --engine postgres --database " + Quoted(with_password + "/x?nonsense=1"));
  EXPECT_EQ(bad_uri.exit_code, 2);
  ExpectOneLineError(bad_uri, {"invalid PostgreSQL connection string"});
  const CommandResult bad_escape =
      RunSparkify("check --engine postgres --database " +
                  Quoted("postgresql://u:%zzleak-me@127.0.0.1:" + port + "/x"));
  EXPECT_EQ(bad_escape.exit_code, 2);
  ExpectOneLineError(bad_escape, {"invalid PostgreSQL connection string"}, {"leak-me"});
  // A value libpq quotes when it refuses it at connect time.
  ExpectOneLineError(RunSparkify("check --engine postgres --database " +
                                 Quoted(with_password + "/x?sslmode=" + kPasswordInUri)),
                     {Where("x"), "sslmode"});
  // key=value with a bad port.
  const std::string key_value =
      "host=127.0.0.1 port=notaport dbname=x user=" + std::string(kPasswordRole) +
      " password=" + kPassword;
  ExpectOneLineError(RunSparkify("check --engine postgres --database " + Quoted(key_value)),
                     {"port=notaport", "dbname=x"});
  // A statement that fails after connecting (no tables yet).
  const std::string uri = with_password + "/t_pwd";
  Postgres().CreateDatabase("t_pwd");
  ExpectOneLineError(RunSparkify("etl --engine postgres --database " + Quoted(uri) + Sources()),
                     {"sparkify create-tables"});
}

TEST(PostgresConfig, ClusterKeysEnvironmentAndPgpass) {
  Postgres().CreateDatabase("t_cfg");
  TempDir dir;
  const std::string port = std::to_string(Postgres().port());
  auto cfg = [&](const std::string& db_name, const std::string& password) {
    const fs::path path = dir / ("dwh-" + db_name + ".cfg");
    WriteFile(path, "[CLUSTER]\nHOST=127.0.0.1\nDB_NAME=" + db_name + "\nDB_USER=" + kPasswordRole +
                        "\nDB_PASSWORD=" + password + "\nDB_PORT=" + port +
                        "\n[WAREHOUSE]\nENGINE=postgres\n");
    return path.string();
  };
  // dwh.cfg's [CLUSTER] keys, as in the original Redshift project.
  const CommandResult ok = RunSparkify("create-tables --config " + cfg("t_cfg", kPassword));
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  ExpectOneLineError(RunSparkify("create-tables --config " + cfg("t_cfg_missing", kPassword)),
                     {Where("t_cfg_missing"), "does not exist"});
  // libpq's own environment and password file still apply.
  const std::string no_password = Quoted(Postgres().Uri("t_cfg", kPasswordRole));
  const CommandResult env = RunSparkify("check --engine postgres --database " + no_password,
                                        std::string("PGPASSWORD=") + Quoted(kPassword));
  EXPECT_NE(env.err.find("data-quality check failed"), std::string::npos) << env.err;
  const fs::path pgpass = dir / "pgpass";
  WriteFile(pgpass, "127.0.0.1:" + port + ":*:" + kPasswordRole + ":" + kPassword + "\n");
  ::chmod(pgpass.c_str(), 0600);
  const CommandResult file = RunSparkify(
      "create-tables --engine postgres --database " + no_password, "PGPASSFILE=" + pgpass.string());
  EXPECT_EQ(file.exit_code, 0) << file.err;
  const CommandResult env_db =
      RunSparkify("create-tables --engine postgres",
                  "PGHOST=127.0.0.1 PGPORT=" + port + " PGDATABASE=t_cfg PGUSER=postgres");
  EXPECT_EQ(env_db.exit_code, 0) << env_db.err;
}

}  // namespace
}  // namespace sparkify::testing
