// End to end on the embedded engine, through the sparkify binary as a user runs it.
#include <gtest/gtest.h>

#include <map>

#include "test_support.h"

namespace sparkify {
namespace {

using testing::RunSparkify;
using testing::SampleDir;
using testing::SqliteExec;
using testing::SqliteInt;
using testing::TempDir;

std::string SampleArgs(const std::filesystem::path& db) {
  return "--database " + db.string() + " --song-data " + (SampleDir() / "song_data").string() +
         " --log-data " + (SampleDir() / "log_data").string();
}

// The figures the issue fixes for tests/data/sample-data, loaded directly (the default) or with
// --stage-events (`staged`: every event in staging_events).
void ExpectSampleWarehouse(const std::filesystem::path& db, bool staged = false) {
  const std::map<std::string, int64_t> expected = {{"staging_events", staged ? 8056 : 0},
                                                   {"staging_songs", 71},
                                                   {"songplays", 6820},
                                                   {"users", 97},
                                                   {"songs", 71},
                                                   {"artists", 69},
                                                   {"time", 6813}};
  for (const auto& [table, rows] : expected) {
    EXPECT_EQ(SqliteInt(db, "SELECT COUNT(*) FROM " + table), rows) << table;
  }
  EXPECT_EQ(SqliteInt(db, "SELECT COUNT(*) FROM users WHERE user_level = 'paid'"), 22);
  EXPECT_EQ(SqliteInt(db, "SELECT COUNT(*) FROM users WHERE user_level = 'free'"), 75);
  EXPECT_EQ(SqliteInt(db,
                      "SELECT COUNT(*) FROM songplays WHERE song_id = 'SOZCTXZ12AB0182364' "
                      "AND artist_id = 'AR5KOSW1187FB35FF4'"),
            1);
  EXPECT_EQ(SqliteInt(db, "SELECT COUNT(*) FROM load_errors"), 0);
}

TEST(Etl, SampleDataGivesTheExpectedWarehouse) {
  TempDir dir;
  auto r = RunSparkify("run --json " + SampleArgs(dir / "w.db"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectSampleWarehouse(dir / "w.db");
  // The human summary goes to stderr, the JSON report to stdout.
  EXPECT_NE(r.err.find("6,820"), std::string::npos) << r.err;
  for (const char* key : {"\"run_id\": 1", "\"songs\": {\"files\": 71", "\"read\": 8056",
                          "\"loaded\": 8056", "\"quarantined\": 0", "\"matched\": 1",
                          "\"songplays\": 6820", "\"time\": 6813", "\"users\": 97"}) {
    EXPECT_NE(r.out.find(key), std::string::npos) << key << " in " << r.out;
  }
  // The same warehouse through staging_events, which then keeps every event.
  ASSERT_EQ(RunSparkify("run --stage-events " + SampleArgs(dir / "staged.db")).exit_code, 0);
  ExpectSampleWarehouse(dir / "staged.db", /*staged=*/true);
}

TEST(Etl, CreateTablesThenEtlIsTheOriginalProcess) {
  TempDir dir;
  auto db = dir / "w.db";
  auto none = RunSparkify("etl " + SampleArgs(db));
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("create-tables"), std::string::npos) << none.err;
  ASSERT_EQ(RunSparkify("create-tables --database " + db.string()).exit_code, 0);
  auto r = RunSparkify("etl " + SampleArgs(db));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectSampleWarehouse(db);
}

TEST(Etl, RerunsChangeNothing) {
  TempDir dir;
  auto db = dir / "w.db";
  ASSERT_EQ(RunSparkify("run " + SampleArgs(db)).exit_code, 0);
  auto again = RunSparkify("run --json " + SampleArgs(db));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("\"files_skipped\": 30"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("\"added\": 0"), std::string::npos) << again.out;
  ExpectSampleWarehouse(db);
  // create-tables starts over.
  ASSERT_EQ(RunSparkify("create-tables --database " + db.string()).exit_code, 0);
  EXPECT_EQ(SqliteInt(db, "SELECT COUNT(*) FROM songplays"), 0);
}

TEST(Etl, TimeRowsFollowIsoWeeksAndSundayZeroWeekdays) {
  TempDir dir;
  auto db = dir / "w.db";
  ASSERT_EQ(RunSparkify("run " + SampleArgs(db)).exit_code, 0);
  // 2018-11-01 is a Thursday in ISO week 44; 2018-11-04 a Sunday (weekday 0, still week 44);
  // 2018-11-05 a Monday, week 45.
  EXPECT_EQ(SqliteInt(db, "SELECT MIN(week) FROM time WHERE start_time LIKE '2018-11-01%'"), 44);
  EXPECT_EQ(SqliteInt(db, "SELECT MIN(weekday) FROM time WHERE start_time LIKE '2018-11-01%'"), 4);
  EXPECT_EQ(SqliteInt(db, "SELECT MIN(week) FROM time WHERE start_time LIKE '2018-11-04%'"), 44);
  EXPECT_EQ(SqliteInt(db, "SELECT MAX(weekday) FROM time WHERE start_time LIKE '2018-11-04%'"), 0);
  EXPECT_EQ(SqliteInt(db, "SELECT MIN(week) FROM time WHERE start_time LIKE '2018-11-05%'"), 45);
  // Milliseconds are kept: 1541105830796 is 2018-11-01 21:01:46.796... of the first NextSong.
  EXPECT_EQ(SqliteInt(db,
                      "SELECT COUNT(*) FROM songplays WHERE start_time = "
                      "'2018-11-01 21:01:46.796'"),
            1);
}

TEST(Check, PassesOnTheSampleAndNamesTheFailingCheck) {
  TempDir dir;
  auto db = dir / "w.db";
  ASSERT_EQ(RunSparkify("run " + SampleArgs(db)).exit_code, 0);
  auto ok = RunSparkify("check --database " + db.string());
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_EQ(ok.out.find("FAIL"), std::string::npos);

  // Break the warehouse: a dangling artist, a wrong hour.
  ASSERT_EQ(SqliteExec(
                db,
                "DELETE FROM artists WHERE artist_id = 'AR5KOSW1187FB35FF4';"
                "UPDATE time SET hour = 99 WHERE start_time = (SELECT MIN(start_time) FROM time);"),
            "");
  auto bad = RunSparkify("check --database " + db.string());
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("FAIL songplays_artists_resolve"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("FAIL time_consistent"), std::string::npos) << bad.out;
  EXPECT_NE(bad.err.find("songplays_artists_resolve"), std::string::npos) << bad.err;
  EXPECT_NE(bad.out.find("AR5KOSW1187FB35FF4"), std::string::npos) << bad.out;
}

TEST(Cli, EveryCommandHasHelpAndTheVersionIsShown) {
  for (const char* command : {"create-tables", "etl", "run", "check", "generate"}) {
    auto r = RunSparkify(std::string(command) + " --help");
    EXPECT_EQ(r.exit_code, 0) << command;
    EXPECT_NE(r.out.find("--"), std::string::npos) << command;
  }
  auto v = RunSparkify("--version");
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_NE(v.out.find("sparkify "), std::string::npos);
}

TEST(Cli, ErrorsAreOneLineNamingWhatWasWrong) {
  TempDir dir;
  auto missing = RunSparkify("run --database " + (dir / "w.db").string() +
                             " --song-data /no/such/songs --log-data /no/such/logs");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("/no/such/songs"), std::string::npos) << missing.err;
  EXPECT_EQ(std::count(missing.err.begin(), missing.err.end(), '\n'), 1) << missing.err;

  auto engine = RunSparkify("run --engine oracle");
  EXPECT_NE(engine.exit_code, 0);
  EXPECT_NE(engine.err.find("oracle"), std::string::npos) << engine.err;

  auto no_data =
      RunSparkify("run --database " + (dir / "w.db").string(), "cd " + dir.path().string() + " &&");
  EXPECT_EQ(no_data.exit_code, 2);
  EXPECT_NE(no_data.err.find("--song-data"), std::string::npos) << no_data.err;
}

TEST(Cli, ReadsDwhCfgFromTheWorkingDirectory) {
  TempDir dir;
  testing::WriteFile(dir / "dwh.cfg",
                     "[WAREHOUSE]\nENGINE=sqlite\nDATABASE=" + (dir / "cfg.db").string() +
                         "\n[S3]\nSONG_DATA=" + (SampleDir() / "song_data").string() +
                         "\nLOG_DATA=" + (SampleDir() / "log_data").string() +
                         "\n[CLUSTER]\nDB_PASSWORD=hunter2secret\n");
  auto r = RunSparkify("run", "cd " + dir.path().string() + " &&");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(SqliteInt(dir / "cfg.db", "SELECT COUNT(*) FROM songplays"), 6820);
  EXPECT_EQ(r.err.find("hunter2secret"), std::string::npos);
}

// Progress is for terminals: under a pseudo-terminal (script(1)) the run redraws its line and
// writes a line per step; into a file, no escape code at all, and with --quiet not a line.
TEST(Etl, ProgressOnATerminalOnlyAndNeverAnEscapeCodeElsewhere) {
  TempDir dir;
  const std::string run = std::string(SPARKIFY_BINARY) + " run " + SampleArgs(dir / "t.db");
  const std::string typescript = (dir / "typescript").string();
  const int status =
      std::system(("script -qec '" + run + "' " + typescript + " >/dev/null 2>&1").c_str());
  ASSERT_EQ(status, 0) << "script(1) from util-linux runs the command under a pseudo-terminal";
  const std::string shown = testing::ReadFile(typescript);
  EXPECT_NE(shown.find("\r\033[K"), std::string::npos) << shown;  // redrawn in place
  EXPECT_NE(shown.find("logs: 30 files read (3.8 MB), 8,056 records in "), std::string::npos)
      << shown;
  for (const char* step :
       {"  stage ", "  transform_songs ", "  direct_songplays_time ", "  count "}) {
    EXPECT_NE(shown.find(step), std::string::npos) << step << " in " << shown;
  }

  const auto to_file = RunSparkify("run " + SampleArgs(dir / "f.db"));
  ASSERT_EQ(to_file.exit_code, 0) << to_file.err;
  EXPECT_EQ(to_file.err.find('\033'), std::string::npos) << to_file.err;
  EXPECT_EQ(to_file.err.find('\r'), std::string::npos) << to_file.err;
  EXPECT_NE(to_file.err.find("sparkify etl: run 1 on sqlite finished"), std::string::npos);
  EXPECT_EQ(to_file.err.find("\n  transform_songs "), std::string::npos) << to_file.err;

  const std::string quiet_script = (dir / "quiet").string();
  ASSERT_EQ(std::system(
                ("script -qec '" + run + " -q --full-refresh' " + quiet_script + " >/dev/null 2>&1")
                    .c_str()),
            0);
  EXPECT_EQ(testing::ReadFile(quiet_script).find("transform"), std::string::npos)
      << testing::ReadFile(quiet_script);
}

}  // namespace
}  // namespace sparkify
