// Faults on the server engine, like the SQLite kill tests: sparkify killed (SIGKILL) at several
// steps of a PostgreSQL run, its session ended by the server mid-run, its connection dropped in
// the middle of a COPY. Each time the warehouse is exactly as before, a failure is one line, and
// the next run completes to exactly the state of a clean run. Also: --lock-timeout 0 does not
// wait on PostgreSQL either.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "postgres_fixture.h"
#include "tcp_cut_proxy.h"
#include "test_support.h"

namespace sparkify::testing {
namespace {

using namespace std::chrono_literals;

std::string Quoted(const std::string& s) { return "'" + s + "'"; }

// Every table, every column except the clock's and failed runs' records (timestamps of runs and
// files, the report with its seconds) and songplay_id (a sequence, which a rolled-back run still
// advances), sorted.
std::vector<std::string> Dump(const std::string& uri) {
  PgClient pg(uri);
  std::vector<std::string> out;
  for (const char* table :
       {"etl_runs", "load_files", "load_errors", "staging_events", "staging_songs", "songplays",
        "users", "user_levels", "songs", "artists", "time", "direct_user_events",
        "direct_user_names", "direct_event_copies"}) {
    const std::string columns = pg.Scalar(
        std::string("SELECT string_agg(column_name, ', ' ORDER BY ordinal_position) FROM "
                    "information_schema.columns WHERE table_schema = 'public' AND table_name = '") +
        table +
        "' AND column_name NOT IN ('songplay_id', 'started_at', 'finished_at', 'report', "
        "'loaded_at')");
    out.push_back(std::string("table ") + table + ": " + columns);
    // A failed run is recorded (status 'failed'); everything else stays as it was.
    const std::string where = std::string(table) == "etl_runs" ? " WHERE status <> 'failed'" : "";
    const PgRows rows =
        pg.Query("SELECT " + columns + " FROM " + table + where + " ORDER BY " + columns);
    for (const auto& row : rows.rows) {
      std::string line;
      for (const auto& v : row) line += (line.empty() ? "" : "|") + v.value_or("\\N");
      out.push_back(std::move(line));
    }
  }
  return out;
}

void ExpectOneLine(const CommandResult& r, const std::vector<std::string>& present) {
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(r.err.rfind("sparkify: error: ", 0), 0u) << r.err;
  for (const auto& p : present) EXPECT_NE(r.err.find(p), std::string::npos) << p << " in " << r.err;
}

// The reference states: the first half of the month loaded, and then everything.
struct Reference {
  Dataset data;
  std::vector<std::string> base, complete;
  std::string Run(const std::string& uri, const std::string& extra = "") const {
    return "run -q --engine postgres --database " + Quoted(uri) + " " + data.Sources() + extra;
  }
  // A fresh database holding the base state.
  std::string Base(const std::string& name) const {
    const std::string uri = Postgres().CreateDatabase(name);
    const CommandResult first = RunSparkify(Run(uri, " --until 2018-11-15"));
    EXPECT_EQ(first.exit_code, 0) << first.err;
    return uri;
  }
};

const Reference& Ref() {
  static const std::unique_ptr<Reference> ref = [] {
    auto r = std::make_unique<Reference>();
    const std::string uri = r->Base("f_reference");
    r->base = Dump(uri);
    const CommandResult rest = RunSparkify(r->Run(uri));
    EXPECT_EQ(rest.exit_code, 0) << rest.err;
    r->complete = Dump(uri);
    return r;
  }();
  return *ref;
}

// After a failed run: the warehouse is the base; the next run completes it exactly.
void ExpectRecovers(const std::string& uri) {
  EXPECT_EQ(Dump(uri), Ref().base);
  const CommandResult again = RunSparkify(Ref().Run(uri));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(Dump(uri), Ref().complete);
}

TEST(PostgresFaults, AKilledRunLeavesTheWarehouseAsBeforeAndTheNextRunCompletes) {
  ASSERT_NE(Ref().base, Ref().complete);
  int n = 0;
  // (The staged load's steps: PostgresRun.AKilledRunLeavesTheWarehouseAsBefore.)
  for (const char* step : {"begin", "after-songs", "after-logs", "before-commit"}) {
    SCOPED_TRACE(step);
    const std::string uri = Ref().Base("f_kill_" + std::to_string(n++));
    const CommandResult killed =
        RunSparkify(Ref().Run(uri), std::string("SPARKIFY_TEST_KILL_AT=") + step);
    EXPECT_EQ(killed.exit_code, 128 + SIGKILL) << "the shell reports the kill: " << killed.err;
    ExpectRecovers(uri);
  }
}

// The star tables without what says where a row came from (file ids, lines, songplay_id).
std::vector<std::string> StarDump(const std::string& uri) {
  PgClient pg(uri);
  std::vector<std::string> out;
  for (const char* sql :
       {"SELECT start_time, user_id, song_id, artist_id, session_id, item_in_session, "
        "user_level, user_location, user_agent, song_title, artist_name, song_length "
        "FROM songplays ORDER BY 1, 2, 5, 6",
        "SELECT * FROM users ORDER BY 1", "SELECT * FROM user_levels ORDER BY 1, 3, 5, 6",
        "SELECT * FROM songs ORDER BY 1", "SELECT * FROM artists ORDER BY 1",
        "SELECT * FROM time ORDER BY 1"}) {
    out.push_back(sql);
    for (const auto& row : pg.Query(sql).rows) {
      std::string line;
      for (const auto& v : row) line += (line.empty() ? "" : "|") + v.value_or("\\N");
      out.push_back(std::move(line));
    }
  }
  return out;
}

// A changed log file on the direct load: day 3 comes again with half its events, and with
// copies of events day 2 holds (which go aside as copies, through the batches' fallback). Killed
// after the take-back, the run changes nothing; the next run gives the warehouse a fresh load of
// the files as they are now gives, staged or direct.
TEST(PostgresFaults, AChangedFileIsTakenBackAsAFreshLoadWouldHaveIt) {
  Dataset d;
  const auto run = [&d](const std::string& uri, const std::string& extra = "") {
    return RunSparkify("run -q --engine postgres --database " + Quoted(uri) + " " + d.Sources() +
                       extra);
  };
  const std::string uri = Postgres().CreateDatabase("f_changed");
  ASSERT_EQ(run(uri, " --until 2018-11-15").exit_code, 0);
  const auto base = Dump(uri);
  const std::string day2 = ReadFile(d.Day(2)), day3 = ReadFile(d.Day(3));
  WriteFile(d.Day(3), day3.substr(0, day3.find('\n', day3.size() / 2) + 1) +
                          day2.substr(0, day2.find('\n', day2.size() / 3) + 1));

  const std::string fresh = Postgres().CreateDatabase("f_changed_fresh");
  const std::string staged = Postgres().CreateDatabase("f_changed_staged");
  ASSERT_EQ(run(fresh).exit_code, 0);
  ASSERT_EQ(run(staged, " --stage-events").exit_code, 0);
  ASSERT_EQ(StarDump(fresh), StarDump(staged));
  PgClient pg(fresh);
  EXPECT_GT(std::stoi(pg.Scalar("SELECT COUNT(*) FROM direct_event_copies")), 0);

  const CommandResult killed =
      RunSparkify("run -q --engine postgres --database " + Quoted(uri) + " " + d.Sources(),
                  "SPARKIFY_TEST_KILL_AT=after-direct_take_back");
  EXPECT_EQ(killed.exit_code, 128 + SIGKILL) << killed.err;
  EXPECT_EQ(Dump(uri), base);
  const CommandResult again = run(uri, " --json");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("\"files_replaced\": 1"), std::string::npos) << again.out;
  EXPECT_EQ(StarDump(uri), StarDump(fresh));
  EXPECT_EQ(RunSparkify("check --engine postgres --database " + Quoted(uri)).exit_code, 0);
}

TEST(PostgresFaults, ASessionEndedByTheServerMidRunIsOneLineAndChangesNothing) {
  const std::string dbname = "f_terminated";
  const std::string uri = Ref().Base(dbname);
  // Holding a lock on `songs` stops the run where it first reads songs, after staging the song
  // files (none is new: the catalog is read for the plays' match); the server then ends the
  // run's session, as a fast shutdown ends every session.
  PgClient holder(uri);
  ASSERT_EQ(holder.Exec("BEGIN; LOCK TABLE songs IN ACCESS EXCLUSIVE MODE"), "");
  CommandResult run;
  std::thread runner([&] { run = RunSparkify(Ref().Run(uri)); });
  PgClient admin(Postgres().Uri("postgres"));
  std::string terminated;
  for (int i = 0; i < 600 && terminated != "t"; ++i) {
    std::this_thread::sleep_for(50ms);
    terminated = admin.Scalar(
        "SELECT COALESCE(bool_or(pg_terminate_backend(pid)), false) FROM pg_stat_activity "
        "WHERE datname = '" +
        dbname + "' AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()");
  }
  runner.join();
  EXPECT_EQ(holder.Exec("ROLLBACK"), "");
  ASSERT_EQ(terminated, "t") << "the run never waited for the lock on songs";
  EXPECT_EQ(run.exit_code, 1);
  ExpectOneLine(run,
                {"direct_song_catalog: ", "lost the connection to PostgreSQL", "dbname=" + dbname});
  ExpectRecovers(uri);
}

TEST(PostgresFaults, AConnectionDroppedMidCopyIsOneLineAndChangesNothing) {
  const std::string dbname = "f_dropped";
  const std::string uri = Ref().Base(dbname);
  // The second half of the month is about 2 MB of COPY data: the cut falls inside it.
  TcpCutProxy proxy(Postgres().port(), 1 << 20);
  ASSERT_GT(proxy.port(), 0);
  const std::string via_proxy =
      "postgresql://postgres@127.0.0.1:" + std::to_string(proxy.port()) + "/" + dbname;
  const CommandResult run = RunSparkify(Ref().Run(via_proxy));
  EXPECT_EQ(proxy.cuts(), 1);
  EXPECT_EQ(run.exit_code, 1);
  ExpectOneLine(
      run, {"lost the connection to", "port=" + std::to_string(proxy.port()), "dbname=" + dbname});
  ExpectRecovers(uri);
}

TEST(PostgresFaults, LockTimeoutZeroFailsBusyAtOnceAsOnSqlite) {
  const std::string dbname = "f_busy";
  const std::string uri = Postgres().CreateDatabase(dbname);
  ASSERT_EQ(RunSparkify("create-tables --engine postgres --database " + Quoted(uri)).exit_code, 0);
  const std::string etl =
      "etl -q --engine postgres --database " + Quoted(uri) + " " + Ref().data.Sources();
  // A first run takes the warehouse's lock, then waits at its first transform for `songs`.
  PgClient table_holder(uri);
  ASSERT_EQ(table_holder.Exec("BEGIN; LOCK TABLE songs IN ACCESS EXCLUSIVE MODE"), "");
  CommandResult first;
  std::thread runner([&] { first = RunSparkify(etl); });
  PgClient admin(uri);
  std::string waiting = "0";
  for (int i = 0; i < 600 && waiting == "0"; ++i) {
    std::this_thread::sleep_for(50ms);
    waiting = admin.Scalar("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = '" + dbname +
                           "' AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()");
  }
  // The second, with --lock-timeout 0: busy at once (`timeout` turns a hang into a failure;
  // PostgreSQL's lock_timeout = 0 would have meant waiting forever).
  const CommandResult busy = RunSparkify(etl + " --lock-timeout 0", "timeout 60");
  EXPECT_EQ(table_holder.Exec("ROLLBACK"), "");
  runner.join();
  ASSERT_NE(waiting, "0") << "the first run never reached the transforms";
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(busy.exit_code, 3) << busy.err;
  ExpectOneLine(busy, {"another sparkify run holds the warehouse", "dbname=" + dbname,
                       "--lock-timeout 0 does not wait"});
}

}  // namespace
}  // namespace sparkify::testing
