// Nothing lost, nothing doubled: dirty input, exact accounting, the error budget, killed runs,
// re-deliveries, changed files, out-of-order loads and concurrent runs (embedded engine).
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <random>
#include <thread>

#include "test_support.h"

namespace sparkify {
namespace {

namespace fs = std::filesystem;
using testing::CopyTree;
using testing::Dataset;
using testing::DumpAll;
using testing::Event;
using testing::Lines;
using testing::RunSparkify;
using testing::SampleDir;
using testing::SqliteInt;
using testing::SqliteRows;
using testing::StarTables;
using testing::TempDir;
using testing::WriteFile;

TEST(Robustness, DirtyCorpusIsAccountedForExactly) {
  Dataset d;
  const int64_t day1 = Lines(d.Day(1));
  WriteFile(d.logs / "dirty" / "bom-crlf.json", "\xEF\xBB\xBF" + Event(1541100000001, 900, 0) +
                                                    "\r\n\r\n" + Event(1541100000002, 900, 1) +
                                                    "\r\n" + Event(1541100000003, 900, 2) + "\r\n");
  WriteFile(d.logs / "dirty" / "errors.json",
            Event(1541100000010, 901, 0) + "\n" +                                  // ok
                "{\"ts\":1541100000011,\"sessionId\":901,\"itemInSession\":1\n" +  // malformed
                "{\"ts\":\"abc\",\"sessionId\":901,\"itemInSession\":2}\n" +       // type
                "{\"ts\":1541100000013,\"sessionId\":901,\"itemInSession\":3,"
                "\"artist\":{\"a\":1}}\n" +  // object
                "{\"ts\":1541100000014,\"sessionId\":901,\"itemInSession\":4,"
                "\"song\":\"a\\u0000b\"}\n" +   // NUL: repaired, loaded
                Event(1541100000015, 901, 5));  // ok, no newline
  WriteFile(d.logs / "dirty" / "pretty.json",
            "{\n  \"ts\": 1541100000020,\n  \"sessionId\": 902,\n"
            "  \"itemInSession\": 0\n}\n{\"ts\": 1541100000021, "
            "\"sessionId\": 902, \"itemInSession\": 1}\n");
  WriteFile(d.logs / "dirty" / "empty.json", "");
  WriteFile(d.logs / "dirty" / "zipped.json",
            Event(1541100000030, 903, 0) + "\n" + Event(1541100000031, 903, 1));
  ASSERT_EQ(std::system(("gzip " + (d.logs / "dirty" / "zipped.json").string()).c_str()), 0);
  WriteFile(d.songs / "Z" / "bad.json",
            "{\"song_id\":null,\"artist_id\":\"ARX\"}\n{\"song_id\":\"SOX\",\"artist_id\":\"ARX\","
            "\"year\":\"abc\"}");

  // Staged, so that staging_events shows each record as it was decoded.
  auto r = RunSparkify("run --stage-events --json --max-errors 100 " + d.Args());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const int64_t logs_read = 8056 + 3 + 6 + 2 + 2;
  EXPECT_NE(r.out.find(fmt::format("\"logs\": {{\"files\": 35, ")), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(fmt::format("\"read\": {}, \"loaded\": {}, \"filtered\": 0, "
                                   "\"quarantined\": 3, \"repaired\": {}, "
                                   "\"repaired_fields\": {{\"artist\": 193, \"song\": {}}}",
                                   logs_read, logs_read - 3,
                                   // the sample data's double-encoded UTF-8, and the NUL
                                   326 + 1, 153 + 1)),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\"read\": 73, \"loaded\": 71, \"filtered\": 0, \"quarantined\": 2"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(SqliteInt(d.db, "SELECT COUNT(*) FROM staging_events"), logs_read - 3);
  EXPECT_EQ(SqliteInt(d.db, "SELECT COUNT(*) FROM load_errors WHERE source = 'logs'"), 3);
  EXPECT_EQ(SqliteInt(d.db, "SELECT COUNT(*) FROM load_errors WHERE source = 'songs'"), 2);
  // The type error, as a person reads it.
  auto row = SqliteRows(d.db,
                        "SELECT line, field, reason, raw_text FROM load_errors "
                        "WHERE path LIKE '%errors.json' AND field = 'ts'");
  ASSERT_EQ(row.size(), 1u);
  EXPECT_EQ(row[0],
            "3|ts|ts: expected an integer, got the string \"abc\"|"
            "{\"ts\":\"abc\",\"sessionId\":901,\"itemInSession\":2}");
  EXPECT_EQ(SqliteInt(d.db, "SELECT line FROM load_errors WHERE reason LIKE 'malformed JSON%'"), 2);
  // The NUL became U+FFFD; the record loaded, and its line says where the original is.
  EXPECT_EQ(SqliteRows(d.db,
                       "SELECT line, song FROM staging_events WHERE session_id = 901 AND "
                       "item_in_session = 4"),
            std::vector<std::string>{"5|a\xEF\xBF\xBD"
                                     "b"});
  EXPECT_EQ(SqliteInt(d.db, "SELECT document FROM load_errors WHERE field = 'song_id'"), 1);
  EXPECT_EQ(SqliteInt(d.db, "SELECT document FROM load_errors WHERE field = 'year'"), 2);
  // The first reasons are in the human summary.
  EXPECT_NE(r.err.find("errors.json:2: malformed JSON"), std::string::npos) << r.err;
  (void)day1;
}

TEST(Robustness, OverTheErrorBudgetTheRunFailsAndChangesNothing) {
  Dataset d;
  ASSERT_EQ(RunSparkify("run " + d.Args()).exit_code, 0);
  const auto before = DumpAll(d.db);
  std::string bad;
  for (int i = 0; i < 100; ++i) bad += "{\"ts\":\"x\",\"sessionId\":1,\"itemInSession\":1}\n";
  WriteFile(d.logs / "bad" / "2018-12-01-events.json", bad);
  auto r = RunSparkify("etl " + d.Args());  // default budget: 1% of 8,156
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("error budget exceeded: 100 of 100 records quarantined"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("2018-12-01-events.json:1: ts: expected an integer"), std::string::npos)
      << r.err;
  EXPECT_EQ(DumpAll(d.db), before);
  // ... but for the failed run's record, with its error (sparkify status shows it).
  const auto failed = testing::FailedRuns(d.db);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].rfind("2|error budget exceeded: 100 of 100 records quarantined", 0), 0u)
      << failed[0];

  auto allowed = RunSparkify("etl --max-errors 100 " + d.Args());
  EXPECT_EQ(allowed.exit_code, 0) << allowed.err;
  EXPECT_EQ(SqliteInt(d.db, "SELECT COUNT(*) FROM load_errors"), 100);
  EXPECT_EQ(RunSparkify("etl --max-errors 2.5x " + d.Args()).exit_code, 2);
}

TEST(Robustness, AKilledRunLeavesTheWarehouseAsBeforeAndTheNextRunCompletes) {
  Dataset d;
  // Both loads: each stops at its own steps. The next run loads the second half of the month and
  // a changed day 3 (half of it), whose first version it takes back.
  struct Load {
    std::string flags;
    std::vector<std::string> steps;
  };
  const Load loads[] = {
      {"", {"begin", "after-songs", "after-logs", "after-direct_take_back", "before-commit"}},
      {"--stage-events ",
       {"begin", "after-songs", "after-logs", "after-transform_songs", "after-transform_artists",
        "after-transform_users", "after-transform_songplays", "after-transform_time",
        "before-commit"}}};
  const std::string day3 = testing::ReadFile(d.Day(3));
  for (const Load& load : loads) {
    SCOPED_TRACE(load.flags);
    TempDir scratch;
    WriteFile(d.Day(3), day3);
    // The base: the first half of the month.
    ASSERT_EQ(RunSparkify("run " + load.flags + "--until 2018-11-15 " + d.Args(scratch / "base.db"))
                  .exit_code,
              0);
    const auto base = DumpAll(scratch / "base.db");
    WriteFile(d.Day(3), day3.substr(0, day3.find('\n', day3.size() / 2) + 1));
    // The reference: everything as it is now loaded by one clean run.
    ASSERT_EQ(RunSparkify("run " + load.flags + d.Args(scratch / "fresh.db")).exit_code, 0);
    const auto expected = StarTables(scratch / "fresh.db");
    for (const std::string& step : load.steps) {
      SCOPED_TRACE(step);
      const fs::path db = scratch / (step + ".db");
      fs::copy_file(scratch / "base.db", db);
      auto killed = RunSparkify("run " + load.flags + d.Args(db), "SPARKIFY_TEST_KILL_AT=" + step);
      EXPECT_EQ(killed.exit_code, 128 + SIGKILL) << "the shell reports the kill: " << killed.err;
      EXPECT_EQ(DumpAll(db), base);
      auto again = RunSparkify("run " + load.flags + d.Args(db));
      ASSERT_EQ(again.exit_code, 0) << again.err;
      EXPECT_EQ(StarTables(db), expected);
      EXPECT_EQ(RunSparkify("check --database " + db.string()).exit_code, 0);
    }
  }
}

TEST(Robustness, OutOfOrderLoadsGiveTheSameWarehouse) {
  Dataset d;
  TempDir scratch;
  ASSERT_EQ(RunSparkify("run " + d.Args(scratch / "fresh.db")).exit_code, 0);
  const fs::path db = scratch / "backfilled.db";
  auto late = RunSparkify("run --json --since 2018-11-16 " + d.Args(db));
  ASSERT_EQ(late.exit_code, 0) << late.err;
  EXPECT_NE(late.out.find("\"files_out_of_range\": 15"), std::string::npos) << late.out;
  auto backfill = RunSparkify("run --until 2018-11-15 " + d.Args(db));
  ASSERT_EQ(backfill.exit_code, 0) << backfill.err;
  EXPECT_EQ(StarTables(db), StarTables(scratch / "fresh.db"));
  EXPECT_EQ(SqliteInt(db, "SELECT COUNT(*) FROM users WHERE user_level = 'paid'"), 22);
}

TEST(Robustness, AFileDeliveredTwiceUnderAnotherNameAddsNothing) {
  Dataset d;
  ASSERT_EQ(RunSparkify("run " + d.Args()).exit_code, 0);
  const auto star = StarTables(d.db);
  fs::copy_file(d.Day(5), d.logs / "redelivered.json");
  auto r = RunSparkify("run --json " + d.Args());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const int64_t lines = Lines(d.Day(5));
  EXPECT_NE(r.out.find(fmt::format("\"read\": {}, \"loaded\": 0, \"filtered\": {}", lines, lines)),
            std::string::npos)
      << r.out;
  EXPECT_EQ(StarTables(d.db), star);
  EXPECT_EQ(SqliteInt(d.db, "SELECT COUNT(*) FROM direct_user_events"), 7770);
  EXPECT_EQ(SqliteInt(d.db, "SELECT COUNT(*) FROM direct_event_copies"), 0);  // filtered: none
}

TEST(Robustness, AChangedFileReplacesWhatItsPreviousVersionContributed) {
  Dataset d;
  ASSERT_EQ(RunSparkify("run " + d.Args()).exit_code, 0);
  // Day 10 is re-delivered with only its first half, and a corrected bad line in day 11.
  const std::string day10 = testing::ReadFile(d.Day(10));
  size_t cut = 0;
  for (int64_t i = 0, half = Lines(d.Day(10)) / 2; i < half; ++i) cut = day10.find('\n', cut) + 1;
  WriteFile(d.Day(10), day10.substr(0, cut));
  WriteFile(
      d.logs / "extra" / "2018-11-11-late.json",
      Event(1541900000000, 950, 0) + "\n{\"ts\":\"bad\",\"sessionId\":1,\"itemInSession\":1}");
  auto first = RunSparkify("run --json --max-errors 10 " + d.Args());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("\"files_replaced\": 1"), std::string::npos) << first.out;
  EXPECT_EQ(SqliteInt(d.db, "SELECT COUNT(*) FROM load_errors"), 1);
  WriteFile(d.logs / "extra" / "2018-11-11-late.json", Event(1541900000000, 950, 0) + "\n");

  auto r = RunSparkify("run --json " + d.Args());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"files_replaced\": 1"), std::string::npos) << r.out;
  EXPECT_EQ(SqliteInt(d.db, "SELECT COUNT(*) FROM load_errors"), 0);

  // The same as loading today's files into an empty warehouse.
  TempDir scratch;
  ASSERT_EQ(RunSparkify("run " + d.Args(scratch / "fresh.db")).exit_code, 0);
  EXPECT_EQ(StarTables(d.db), StarTables(scratch / "fresh.db"));
  for (const char* table : {"direct_user_events", "direct_event_copies"}) {
    EXPECT_EQ(testing::SqliteRows(d.db, std::string("SELECT user_id, start_time, session_id, "
                                                    "item_in_session, user_level FROM ") +
                                            table + " ORDER BY 1, 2, 3, 4"),
              testing::SqliteRows(scratch / "fresh.db",
                                  std::string("SELECT user_id, start_time, session_id, "
                                              "item_in_session, user_level FROM ") +
                                      table + " ORDER BY 1, 2, 3, 4"))
        << table;
  }
  EXPECT_EQ(RunSparkify("check --database " + d.db.string()).exit_code, 0);

  // --full-refresh reloads everything and ends in the same state.
  ASSERT_EQ(RunSparkify("run --full-refresh " + d.Args()).exit_code, 0);
  EXPECT_EQ(StarTables(d.db), StarTables(scratch / "fresh.db"));
}

// A warehouse's answer that is not the number its column promises (SQLite keeps any value in an
// INTEGER column) is one error naming the column, never an exception that ends the process.
TEST(Robustness, ANonNumberInTheLedgerIsAnErrorNamingTheColumn) {
  Dataset d;
  ASSERT_EQ(RunSparkify("run " + d.Args()).exit_code, 0);
  const auto star = StarTables(d.db);
  ASSERT_EQ(
      testing::SqliteExec(d.db, "UPDATE load_files SET size = 'twelve' WHERE source = 'logs'"), "");
  auto r = RunSparkify("run " + d.Args());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("load_files.size: the warehouse returned 'twelve'"), std::string::npos)
      << r.err;
  EXPECT_EQ(StarTables(d.db), star);
}

TEST(Robustness, ConcurrentRunsNeverInterleave) {
  Dataset d;
  ASSERT_EQ(RunSparkify("create-tables --database " + d.db.string()).exit_code, 0);
  sqlite3* holder = nullptr;
  ASSERT_EQ(sqlite3_open(d.db.c_str(), &holder), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(holder, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  auto busy = RunSparkify("run --lock-timeout 1 " + d.Args());
  EXPECT_EQ(busy.exit_code, 3) << busy.err;
  EXPECT_NE(busy.err.find("another sparkify run holds the warehouse"), std::string::npos)
      << busy.err;
  // A run that waits long enough goes through once the other one ends.
  std::thread release([holder] {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    sqlite3_exec(holder, "COMMIT", nullptr, nullptr, nullptr);
  });
  auto waited = RunSparkify("run --lock-timeout 20 " + d.Args());
  release.join();
  sqlite3_close(holder);
  EXPECT_EQ(waited.exit_code, 0) << waited.err;
  EXPECT_EQ(SqliteInt(d.db, "SELECT COUNT(*) FROM songplays"), 6820);
}

}  // namespace
}  // namespace sparkify

namespace sparkify {
namespace {

// Starts `sparkify args...`, lets it run for `delay`, then SIGKILLs it. Returns true when the
// kill landed before the process finished by itself.
bool RunAndKillAfter(const std::vector<std::string>& args, std::chrono::milliseconds delay) {
  const pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv;
    std::string binary = SPARKIFY_BINARY;
    argv.push_back(binary.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    freopen("/dev/null", "w", stderr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  std::this_thread::sleep_for(delay);
  const bool killed = kill(pid, SIGKILL) == 0;
  int status = 0;
  waitpid(pid, &status, 0);
  return killed && WIFSIGNALED(status);
}

TEST(Robustness, KillsAtRandomMomentsNeverLeaveAHalfLoadedWarehouse) {
  TempDir dir;
  const fs::path data = dir / "data";
  ASSERT_EQ(RunSparkify("generate --out " + data.string() +
                        " --songs 3000 --users 300 --days 6 --events-per-day 10000 --seed 7")
                .exit_code,
            0);
  const std::string sources = " --song-data " + (data / "song_data").string() + " --log-data " +
                              (data / "log_data").string();
  // References: the first three days loaded, and everything loaded.
  const fs::path base = dir / "base.db", full = dir / "full.db";
  ASSERT_EQ(RunSparkify("run --until 2018-11-03 --database " + base.string() + sources).exit_code,
            0);
  ASSERT_EQ(RunSparkify("run --database " + full.string() + sources).exit_code, 0);
  const auto base_dump = DumpAll(base);
  const auto full_star = StarTables(full);

  std::mt19937 random(20181101);  // fixed seed: the same moments on every run of the test
  int killed_midway = 0;
  for (int attempt = 0; attempt < 6; ++attempt) {
    SCOPED_TRACE(attempt);
    const fs::path db = dir / ("kill" + std::to_string(attempt) + ".db");
    fs::copy_file(base, db);
    const auto delay = std::chrono::milliseconds(20 + random() % 700);
    const bool killed =
        RunAndKillAfter({"run", "--database", db.string(), "--song-data",
                         (data / "song_data").string(), "--log-data", (data / "log_data").string()},
                        delay);
    // Either nothing of the run is visible, or all of it.
    // (A kill can also land after the commit, before the process exits.)
    if (DumpAll(db) == base_dump) {
      killed_midway += killed ? 1 : 0;
    } else {
      EXPECT_EQ(StarTables(db), full_star) << "killed after " << delay.count() << " ms";
    }
    ASSERT_EQ(RunSparkify("run --database " + db.string() + sources).exit_code, 0);
    EXPECT_EQ(StarTables(db), full_star);
  }
  // The moments are spread over the run, so most attempts must have hit it mid-way.
  EXPECT_GE(killed_midway, 3);
}

}  // namespace
}  // namespace sparkify
