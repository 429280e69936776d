// user_levels, the users' level history (issue 14 item 2), by hand: a user going free -> paid ->
// free across three daily files loaded out of order, then one of them changed, then a full
// refresh; after every run the exact rows are checked on SQLite (staged with --stage-events, and
// loaded directly) and on PostgreSQL, and the current stretch against users.user_level (`sparkify
// check`). Ties, a NULL level and an event delivered twice ride along in the same files. The sample
// data is the anchor for the real thing: its level changes, counted here from staging_events
// independently of the transform.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "postgres_fixture.h"
#include "test_support.h"

namespace sparkify::testing {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kDay1 = 1541066400000;  // 2018-11-01 10:00:00.000 UTC
constexpr int64_t kDay2 = 1541152800000;  // 2018-11-02 10:00:00.000
constexpr int64_t kDay3 = 1541239200000;  // 2018-11-03 10:00:00.000

std::string Lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  return text;
}

// An event of a user without a level field (NULL level).
std::string WithoutLevel(int64_t ts, int64_t session, int64_t item, const std::string& user) {
  std::string line = Event(ts, session, item, user, "Home");
  const std::string field = R"("level":"free",)";
  line.erase(line.find(field), field.size());
  return line;
}

// Day 1: user 7 free (two events); user 9 free, then an event without a level, then free.
std::string Day1() {
  return Lines({Event(kDay1, 1, 0, "\"7\"", "Home", "free"),
                Event(kDay1 + 1000, 1, 1, "\"7\"", "NextSong", "free"),
                Event(kDay1 + 10, 10, 0, "\"9\"", "Home", "free"),
                WithoutLevel(kDay1 + 20, 10, 1, "\"9\""),
                Event(kDay1 + 30, 10, 2, "\"9\"", "NextSong", "free")});
}

// Day 2: user 7 paid (or, as changed, paid then free); user 10's two events share a millisecond,
// the later session (paid) written first: the order is by session, not by line.
std::string Day2(bool changed) {
  return Lines({Event(kDay2, 2, 0, "\"7\"", "NextSong", "paid"),
                Event(kDay2 + 1500, 2, 1, "\"7\"", "Home", changed ? "free" : "paid"),
                Event(kDay2 + 5, 21, 0, "\"10\"", "Home", "paid"),
                Event(kDay2 + 5, 20, 0, "\"10\"", "Home", "free")});
}

// Day 3: user 7 free again; user 11's first event twice (the first copy, free, counts), then paid.
std::string Day3() {
  return Lines({Event(kDay3, 3, 0, "\"7\"", "Home", "free"),
                Event(kDay3 + 2000, 3, 1, "\"7\"", "NextSong", "free"),
                Event(kDay3 + 7, 30, 0, "\"11\"", "Home", "free"),
                Event(kDay3 + 7, 30, 0, "\"11\"", "Home", "paid"),
                Event(kDay3 + 8, 30, 1, "\"11\"", "Home", "paid")});
}

std::string Quoted(const std::string& s) { return "'" + s + "'"; }

// One warehouse and how `run` reaches it.
struct Warehouse {
  std::string name;
  std::string args;  // engine and database
  std::string load;  // how `run` loads the events
  fs::path sqlite;   // empty for PostgreSQL
  std::string postgres;

  // "user|level|valid_from|valid_to|first_session|first_item" rows, NULL as \N, in key order.
  std::vector<std::string> Levels() const {
    if (!sqlite.empty()) {
      return SqliteRows(sqlite,
                        "SELECT user_id, user_level, valid_from, valid_to, first_session_id, "
                        "first_item_in_session FROM user_levels "
                        "ORDER BY user_id, valid_from, first_session_id, first_item_in_session");
    }
    PgClient pg(postgres);
    std::vector<std::string> out;
    const PgRows rows = pg.Query(
        "SELECT user_id, user_level, to_char(valid_from, 'YYYY-MM-DD HH24:MI:SS.MS'), "
        "to_char(valid_to, 'YYYY-MM-DD HH24:MI:SS.MS'), first_session_id, first_item_in_session "
        "FROM user_levels ORDER BY user_id, valid_from, first_session_id, first_item_in_session");
    for (const auto& row : rows.rows) {
      std::string text;
      for (size_t c = 0; c < row.size(); ++c) text += (c ? "|" : "") + row[c].value_or("\\N");
      out.push_back(std::move(text));
    }
    return out;
  }
};

std::vector<Warehouse> Warehouses(const TempDir& dir, const std::string& prefix) {
  const fs::path staged = dir / (prefix + "_staged.db"), direct = dir / (prefix + "_direct.db");
  const std::string pg = Postgres().CreateDatabase("levels_" + prefix);
  return {
      {"sqlite --stage-events", "--engine sqlite --database " + Quoted(staged.string()),
       "--stage-events", staged, ""},
      {"sqlite", "--engine sqlite --database " + Quoted(direct.string()), "", direct, ""},
      {"postgres", "--engine postgres --database " + Quoted(pg), "", "", pg},
  };
}

// `run` (plus `extra`) into `w`, then `check`: both succeed.
void RunAndCheck(const Warehouse& w, const fs::path& root, const std::string& extra = "") {
  const CommandResult run = RunSparkify("run " + w.args + " " + w.load + " --song-data " +
                                        Quoted((root / "song_data").string()) + " --log-data " +
                                        Quoted((root / "log_data").string()) + " -q " + extra);
  ASSERT_EQ(run.exit_code, 0) << w.name << ": " << run.err;
  const CommandResult check = RunSparkify("check " + w.args);
  EXPECT_EQ(check.exit_code, 0) << w.name << ": " << check.out << check.err;
}

// The expected rows: the users that do not change between the steps, then user 7's.
std::vector<std::string> Expected(const std::vector<std::string>& user7,
                                  const std::vector<std::string>& others) {
  std::vector<std::string> rows = user7;
  rows.insert(rows.end(), others.begin(), others.end());
  return rows;
}

TEST(UserLevels, OutOfOrderChangedAndRefreshedLoadsGiveTheExactHistory) {
  TempDir dir;
  const fs::path root = dir / "in", logs = root / "log_data";
  WriteFile(
      root / "song_data" / "s.json",
      R"({"song_id":"SO1","artist_id":"AR1","title":"S","artist_name":"A","duration":100.5})");
  const auto warehouses = Warehouses(dir, "hand");

  const std::vector<std::string> user9 = {
      "9|free|2018-11-01 10:00:00.010|2018-11-01 10:00:00.020|10|0",
      "9|\\N|2018-11-01 10:00:00.020|2018-11-01 10:00:00.030|10|1",
      "9|free|2018-11-01 10:00:00.030|\\N|10|2"};
  const std::vector<std::string> user10 = {
      "10|free|2018-11-02 10:00:00.005|2018-11-02 10:00:00.005|20|0",
      "10|paid|2018-11-02 10:00:00.005|\\N|21|0"};
  const std::vector<std::string> user11 = {
      "11|free|2018-11-03 10:00:00.007|2018-11-03 10:00:00.008|30|0",
      "11|paid|2018-11-03 10:00:00.008|\\N|30|1"};
  auto all_but_7 = [&](bool day1, bool day2, bool day3) {
    std::vector<std::string> rows;
    if (day1) rows.insert(rows.end(), user9.begin(), user9.end());
    if (day2) rows.insert(rows.end(), user10.begin(), user10.end());
    if (day3) rows.insert(rows.end(), user11.begin(), user11.end());
    return rows;
  };
  auto expect_levels = [&](const std::vector<std::string>& want, const std::string& step) {
    for (const Warehouse& w : warehouses) EXPECT_EQ(w.Levels(), want) << step << " on " << w.name;
  };

  // The last day first: one free stretch.
  WriteFile(logs / "2018-11-03-events.json", Day3());
  for (const Warehouse& w : warehouses) RunAndCheck(w, root);
  expect_levels(Expected({"7|free|2018-11-03 10:00:00.000|\\N|3|0"}, all_but_7(false, false, true)),
                "day 3");

  // Then day 1, before it and free too: still one stretch, now from day 1.
  WriteFile(logs / "2018-11-01-events.json", Day1());
  for (const Warehouse& w : warehouses) RunAndCheck(w, root);
  expect_levels(Expected({"7|free|2018-11-01 10:00:00.000|\\N|1|0"}, all_but_7(true, false, true)),
                "days 3, 1");

  // Then day 2, paid, in between: the stretch splits in three.
  WriteFile(logs / "2018-11-02-events.json", Day2(false));
  for (const Warehouse& w : warehouses) RunAndCheck(w, root);
  const std::vector<std::string> free_paid_free = {
      "7|free|2018-11-01 10:00:00.000|2018-11-02 10:00:00.000|1|0",
      "7|paid|2018-11-02 10:00:00.000|2018-11-03 10:00:00.000|2|0",
      "7|free|2018-11-03 10:00:00.000|\\N|3|0"};
  const auto everyone_else = all_but_7(true, true, true);
  expect_levels(Expected(free_paid_free, everyone_else), "days 3, 1, 2");

  // Day 2 changes: its second event is free now, so the paid stretch ends there and the last
  // free stretch starts there; its first version is taken back, staged or direct.
  WriteFile(logs / "2018-11-02-events.json", Day2(true));
  const std::vector<std::string> changed = {
      "7|free|2018-11-01 10:00:00.000|2018-11-02 10:00:00.000|1|0",
      "7|paid|2018-11-02 10:00:00.000|2018-11-02 10:00:01.500|2|0",
      "7|free|2018-11-02 10:00:01.500|\\N|2|1"};
  for (const Warehouse& w : warehouses) RunAndCheck(w, root);
  expect_levels(Expected(changed, everyone_else), "day 2 changed");

  // A full refresh reloads every file in path order: the same rows on every warehouse.
  for (const Warehouse& w : warehouses) RunAndCheck(w, root, "--full-refresh");
  expect_levels(Expected(changed, everyone_else), "full refresh");

  // And a fresh load of today's files is the same again.
  const auto fresh = Warehouses(dir, "fresh");
  for (const Warehouse& w : fresh) RunAndCheck(w, root);
  for (const Warehouse& w : fresh) {
    EXPECT_EQ(w.Levels(), Expected(changed, everyone_else)) << "fresh load on " << w.name;
  }
}

// The real sample: every level change found in staging_events by a plain self-join (the next
// event of the same user, in users' order, at another level) is one closed stretch of
// user_levels, and the other way round; staged and loaded directly alike.
TEST(UserLevels, SampleDataHistoryMatchesItsLevelChanges) {
  TempDir dir;
  const fs::path staged = dir / "staged.db", direct = dir / "direct.db";
  const std::string sources = " --song-data " + Quoted((SampleDir() / "song_data").string()) +
                              " --log-data " + Quoted((SampleDir() / "log_data").string()) + " -q";
  ASSERT_EQ(
      RunSparkify("run --stage-events --database " + Quoted(staged.string()) + sources).exit_code,
      0);
  ASSERT_EQ(RunSparkify("run --direct --database " + Quoted(direct.string()) + sources).exit_code,
            0);

  // A change: an event whose previous event (the greatest smaller key of the same user) had
  // another level. The sample has no event delivered twice, so no copy needs to be skipped.
  const auto changes = SqliteRows(
      staged,
      "SELECT e.user_id, e.level, strftime('%Y-%m-%d %H:%M:%S', e.ts / 1000, 'unixepoch') || "
      "printf('.%03d', e.ts % 1000) FROM staging_events e "
      "JOIN staging_events p ON p.user_id = e.user_id AND (p.ts, p.session_id, p.item_in_session) "
      "= (SELECT q.ts, q.session_id, q.item_in_session FROM staging_events q "
      "   WHERE q.user_id = e.user_id AND (q.ts, q.session_id, q.item_in_session) < "
      "   (e.ts, e.session_id, e.item_in_session) "
      "   ORDER BY q.ts DESC, q.session_id DESC, q.item_in_session DESC LIMIT 1) "
      "WHERE p.level IS NOT e.level ORDER BY 1, 3");
  EXPECT_EQ(changes.size(), 9u);  // 8 free to paid, 1 paid to free (README)
  const std::string later_stretches =
      "SELECT user_id, user_level, valid_from FROM user_levels l WHERE EXISTS (SELECT 1 FROM "
      "user_levels b WHERE b.user_id = l.user_id AND b.valid_to = l.valid_from) ORDER BY 1, 3";
  EXPECT_EQ(SqliteRows(staged, later_stretches), changes);
  EXPECT_EQ(SqliteRows(direct, later_stretches), changes);
  EXPECT_EQ(SqliteInt(staged, "SELECT COUNT(*) FROM user_levels"), 97 + 9);
  EXPECT_EQ(SqliteInt(staged,
                      "SELECT COUNT(*) FROM user_levels WHERE user_level = 'paid' AND "
                      "valid_to IS NULL"),
            SqliteInt(staged, "SELECT COUNT(*) FROM users WHERE user_level = 'paid'"));
  EXPECT_EQ(SqliteRows(direct, "SELECT * FROM user_levels ORDER BY 1, 3"),
            SqliteRows(staged, "SELECT * FROM user_levels ORDER BY 1, 3"));
  EXPECT_EQ(SqliteRows(staged,
                       "SELECT COUNT(*) FROM (SELECT 1 FROM staging_events e JOIN "
                       "staging_events f ON f.user_id = e.user_id AND f.ts = e.ts AND "
                       "f.session_id = e.session_id AND f.item_in_session = "
                       "e.item_in_session AND f.rowid < e.rowid)"),
            std::vector<std::string>{"0"});
}

}  // namespace
}  // namespace sparkify::testing
