// The direct load (SQLite's default): the star rows computed in C++ (star_rows.h) against
// SQLite's own functions, and whole warehouses loaded directly against warehouses loaded through
// staging_events and the SQL transforms (--stage-events, the reference semantics), run after run.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <csignal>
#include <fstream>
#include <random>
#include <sstream>

#include "pipeline/star_rows.h"
#include "test_support.h"

namespace sparkify {
namespace {

namespace fs = std::filesystem;
using testing::Dataset;
using testing::DumpAll;
using testing::Event;
using testing::RunSparkify;
using testing::SqliteInt;
using testing::SqliteRows;
using testing::TempDir;
using testing::WriteFile;

// ---------------------------------------------------------------------------------------------
// star_rows.h against SQLite

// What transform_time.sql and transform_songplays.sql compute from a ts, in SQLite.
std::string SqliteTimeRow(sqlite3* db, int64_t ts) {
  static const char* kSql =
      "SELECT start_time || '|' || CAST(substr(start_time, 12, 2) AS INTEGER) || '|' || "
      "CAST(substr(start_time, 9, 2) AS INTEGER) || '|' || "
      "((CAST(strftime('%j', date(start_time, '-3 days', 'weekday 4')) AS INTEGER) - 1) / 7 + 1)"
      " || '|' || CAST(substr(start_time, 6, 2) AS INTEGER) || '|' || "
      "CAST(substr(start_time, 1, 4) AS INTEGER) || '|' || CAST(strftime('%w', start_time) AS "
      "INTEGER) FROM (SELECT strftime('%Y-%m-%d %H:%M:%S', ?1 / 1000, 'unixepoch') || "
      "printf('.%03d', ?1 % 1000) AS start_time)";
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, kSql, -1, &stmt, nullptr), SQLITE_OK);
  sqlite3_bind_int64(stmt, 1, ts);
  std::string row;
  if (sqlite3_step(stmt) == SQLITE_ROW) {
    row = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  return row;
}

std::string OurTimeRow(int64_t ts) {
  const StartTimeText text = FormatStartTime(ts);
  const TimeParts t = ComputeTimeParts(ts);
  return fmt::format("{}|{}|{}|{}|{}|{}|{}", std::string_view(text.data(), text.size()), t.hour,
                     t.day, t.week, t.month, t.year, t.weekday);
}

TEST(StarRows, TimesAreSqlitesOnEveryKindOfDay) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  std::vector<int64_t> samples = {0,
                                  1,
                                  999,
                                  86'399'999,
                                  951'782'400'000,       // 2000-02-29 (a leap day of a /400 year)
                                  4'107'542'400'000,     // 2100-03-01 (2100 is not leap)
                                  1'230'768'000'000,     // 2009-01-01: ISO week 1 of 2009
                                  1'262'217'600'000,     // 2009-12-31: ISO week 53
                                  1'262'304'000'000,     // 2010-01-01: ISO week 53 of 2009
                                  1'293'753'600'000,     // 2010-12-31: ISO week 52
                                  1'541'105'830'796,     // the sample data's first event
                                  253'402'300'799'999};  // 9999-12-31 23:59:59.999
  // Every day of 2018 and 2020 at a random time of day, then random times up to year 9999.
  std::mt19937_64 random(42);
  for (int64_t day = 17'532; day < 17'532 + 366 * 3; ++day) {
    samples.push_back(day * 86'400'000 + static_cast<int64_t>(random() % 86'400'000));
  }
  std::uniform_int_distribution<int64_t> any(0, 253'402'300'799'999);
  for (int i = 0; i < 20'000; ++i) samples.push_back(any(random));
  for (int64_t ts : samples) {
    ASSERT_EQ(OurTimeRow(ts), SqliteTimeRow(db, ts)) << "ts " << ts;
  }
  sqlite3_close(db);
}

TEST(StarRows, TheCatalogMatchIsTransformSongplays) {
  SongCatalog catalog;
  catalog.Add("Song", "Artist", 200.0, "SOB", "ARB");
  catalog.Add("Song", "Artist", 200.0005, "SOA", "ARA");      // smaller song_id, within 1 ms
  catalog.Add("Song", "Artist", 300.0, "SOC", std::nullopt);  // not in songs
  catalog.Add("", "Artist", 10.0, "SOE", "ARE");              // an empty title is a title
  auto match = [&](std::string_view song, std::string_view artist, double length) {
    const SongCatalog::Song* m = catalog.Match(song, artist, length);
    return m ? m->song_id + "/" + m->artist_id : "none";
  };
  EXPECT_EQ(match("Song", "Artist", 200.0), "SOA/ARA");
  EXPECT_EQ(match("Song", "Artist", 199.9993), "SOB/ARB");  // SOA is 1.2 ms away
  EXPECT_EQ(match("Song", "Artist", 200.0014), "SOA/ARA");  // SOB is 1.4 ms away
  EXPECT_EQ(match("Song", "Artist", 200.002), "none");
  EXPECT_EQ(match("Song", "Artist", 300.0), "none");  // the smallest lacks a songs row
  EXPECT_EQ(match("song", "Artist", 200.0), "none");  // case matters
  EXPECT_EQ(match("SongArtist", "", 200.0), "none");  // the key keeps the two apart
  EXPECT_EQ(match("", "Artist", 10.0), "SOE/ARE");
  EXPECT_EQ(catalog.size(), 4u);
}

TEST(StarRows, AUsersLatestEventIsTheFirstSeenAmongEquals) {
  LatestUsers users;
  users.Offer(7, 100, 1, 1, "First", std::nullopt, "F", "free");
  users.Offer(7, 100, 1, 1, "Second", std::nullopt, "F", "paid");  // equal: the first stays
  users.Offer(7, 99, 9, 9, "Earlier", std::nullopt, "F", "paid");  // earlier
  EXPECT_EQ(users.users().at(7).first_name, "First");
  users.Offer(7, 100, 1, 2, "Later", "L", std::nullopt, "paid");  // a later item
  EXPECT_EQ(users.users().at(7).first_name, "Later");
  EXPECT_EQ(users.users().at(7).last_name, "L");
  EXPECT_EQ(users.users().at(7).gender, std::nullopt);
  users.Offer(7, 100, 2, 0, "Session", std::nullopt, "F", "free");  // a later session
  EXPECT_EQ(users.users().at(7).first_name, "Session");
  EXPECT_EQ(users.users().size(), 1u);
  EXPECT_EQ(users.users().at(7).earliest_ts, 99);  // from the earlier event, though not kept
}

// ---------------------------------------------------------------------------------------------
// Whole warehouses: --direct against the staged reference

// The star schema with the surrogate ids (plays are numbered in file and line order both ways;
// `with_ids` false leaves songplay_id out: a changed file's plays are numbered anew, in an order
// of its own on each path), the ledger without its times, and the quarantine.
std::vector<std::string> Warehouse(const fs::path& db, bool with_ids = true) {
  std::vector<std::string> out;
  for (const char* sql :
       {with_ids ? "SELECT 'songplays', * FROM songplays ORDER BY songplay_id"
                 : "SELECT 'songplays', start_time, user_id, song_id, artist_id, session_id, "
                   "item_in_session, user_level, user_location, user_agent, song_title, "
                   "artist_name, song_length, file_id, line FROM songplays ORDER BY 2, 6, 7, 3",
        "SELECT 'users', * FROM users ORDER BY user_id",
        "SELECT 'user_levels', * FROM user_levels ORDER BY user_id, valid_from",
        "SELECT 'songs', * FROM songs ORDER BY 2", "SELECT 'artists', * FROM artists ORDER BY 2",
        "SELECT 'time', * FROM time ORDER BY 2",
        "SELECT 'load_files', file_id, source, path, size, checksum, records, run_id "
        "FROM load_files ORDER BY file_id",
        "SELECT 'load_errors', * FROM load_errors ORDER BY file_id, line, document"}) {
    auto rows = SqliteRows(db, sql);
    out.insert(out.end(), rows.begin(), rows.end());
  }
  return out;
}

// Two warehouses loaded run after run with the same arguments, one staged (--stage-events), one
// directly (the default).
struct Twins {
  TempDir dir;
  fs::path staged = dir / "staged.db";
  fs::path direct = dir / "direct.db";

  // Runs `args` on both; both must succeed and give the same warehouse (`with_ids`: see
  // Warehouse).
  void Run(const std::string& args, const std::string& where, bool with_ids = true) {
    SCOPED_TRACE(where);
    auto s = RunSparkify("run --stage-events --max-errors 100 --database " + staged.string() + " " +
                         args);
    ASSERT_EQ(s.exit_code, 0) << s.err;
    auto d = RunSparkify("run --max-errors 100 --database " + direct.string() + " " + args);
    ASSERT_EQ(d.exit_code, 0) << d.err;
    const auto reference = Warehouse(staged, with_ids);
    ASSERT_GT(reference.size(), 10u);
    EXPECT_EQ(Warehouse(direct, with_ids), reference);
    EXPECT_EQ(SqliteInt(direct, "SELECT COUNT(*) FROM staging_events"), 0);
    EXPECT_EQ(RunSparkify("check --database " + direct.string()).exit_code, 0);
  }
};

// A song file of one track.
void WriteSong(const fs::path& path, const std::string& song_id, const std::string& artist_id,
               const std::string& title, const std::string& artist_name, double duration) {
  WriteFile(path, fmt::format(R"({{"num_songs": 1, "artist_id": "{}", "artist_latitude": null, )"
                              R"("artist_longitude": null, "artist_location": "", )"
                              R"("artist_name": "{}", "song_id": "{}", "title": "{}", )"
                              R"("duration": {:.17g}, "year": 2000}})",
                              artist_id, artist_name, song_id, title, duration));
}

// Plays in the sample logs without quotes or backslashes in their text: (song, artist, length).
std::vector<std::tuple<std::string, std::string, double>> FrequentPlays(const fs::path& staged) {
  std::vector<std::tuple<std::string, std::string, double>> plays;
  sqlite3* db = nullptr;
  sqlite3_open(staged.c_str(), &db);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db,
                     "SELECT song, artist, length FROM staging_events WHERE page = 'NextSong' "
                     "AND song NOT GLOB '*[\"\\]*' AND artist NOT GLOB '*[\"\\]*' "
                     "GROUP BY song, artist, length ORDER BY COUNT(*) DESC, song LIMIT 3",
                     -1, &stmt, nullptr);
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    plays.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)),
                       reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1)),
                       sqlite3_column_double(stmt, 2));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return plays;
}

TEST(DirectLoad, RunAfterRunTheWarehouseIsTheStagedOne) {
  Dataset d;
  Twins twins;
  // Dirty input, events without a user, duplicates of one event with other attributes within a
  // run (the first by file and line gives them), an unknown page.
  WriteFile(d.logs / "dirty" / "2018-11-20-extra.json",
            Event(1542672000000, 900, 0) +
                "\n{\"ts\":\"bad\",\"sessionId\":1,\"itemInSession\":1}\n" +
                Event(1542672000001, 900, 1, "\"\"") + "\n" +
                Event(1542672000001, 900, 1, "\"\"", "NextSong", "paid") + "\n" +
                Event(1542672000002, 900, 2, "\"7\"", "Upgrade", "paid") + "\n{not json\n");
  // Days 16 to 30 first, then a backfill of days 1 to 15 (users keep their latest attributes).
  twins.Run("--since 2018-11-16 " + d.Sources(), "days 16-30");
  twins.Run("--until 2018-11-15 " + d.Sources(), "backfill of days 1-15");

  // New songs that match frequent plays (one the plays of later runs match, two songs within a
  // millisecond where the smaller id wins), a day re-delivered under another name, and an
  // event of day 5 delivered again in a later file with other attributes.
  const auto plays = FrequentPlays(twins.staged);
  ASSERT_EQ(plays.size(), 3u);
  const auto& [song0, artist0, length0] = plays[0];
  const auto& [song1, artist1, length1] = plays[1];
  WriteSong(d.songs / "N" / "TRNEW1.json", "SONEW1", "ARNEW1", song0, artist0, length0);
  WriteSong(d.songs / "N" / "TRNEW2.json", "SONEW3", "ARNEW3", song1, artist1, length1 + 0.0004);
  WriteSong(d.songs / "N" / "TRNEW3.json", "SONEW2", "ARNEW2", song1, artist1, length1 - 0.0004);
  fs::copy_file(d.Day(3), d.logs / "2018-11-03-again.json");
  const std::string day5 = testing::ReadFile(d.Day(5));
  WriteFile(d.logs / "late" / "2018-11-21-late.json",
            day5.substr(0, day5.find('\n') + 1) + Event(1542760000000, 901, 0, "\"8\"") + "\n");
  WriteFile(
      d.logs / "late" / "2018-11-22-plays.json",
      fmt::format(R"({{"artist":"{}","song":"{}","length":{:.17g},"page":"NextSong",)"
                  R"("ts":1542850000000,"sessionId":902,"itemInSession":0,"userId":"9",)"
                  R"("level":"paid"}})",
                  artist0, song0, length0) +
          "\n" +
          fmt::format(R"({{"artist":"{}","song":"{}","length":{:.17g},"page":"NextSong",)"
                      R"("ts":1542850000001,"sessionId":902,"itemInSession":1,"userId":"9"}})",
                      artist1, song1, length1) +
          "\n");
  twins.Run(d.Sources(), "new songs and late files");
  EXPECT_GE(SqliteInt(twins.direct, "SELECT COUNT(*) FROM songplays WHERE song_id = 'SONEW1'"), 1);
  EXPECT_EQ(SqliteInt(twins.direct, "SELECT COUNT(*) FROM songplays WHERE song_id = 'SONEW3'"), 0);

  // A song changes its artist: the plays of the song follow it, both ways.
  WriteSong(d.songs / "N" / "TRNEW1.json", "SONEW1", "ARNEW9", song0, artist0, length0);
  twins.Run(d.Sources(), "a changed song file");
  EXPECT_GE(SqliteInt(twins.direct, "SELECT COUNT(*) FROM songplays WHERE artist_id = 'ARNEW9'"),
            1);

  // A changed day: its first version's plays and user events are taken back; events it shares
  // with another file (the late day-5 copy above) fall back to that copy.
  const std::string day4 = testing::ReadFile(d.Day(4));
  WriteFile(d.Day(4), day4.substr(day4.find('\n', day4.size() / 3) + 1));
  WriteFile(d.Day(5), day5.substr(day5.find('\n') + 1));
  twins.Run(d.Sources(), "changed days 4 and 5", /*with_ids=*/false);

  // And a full refresh of everything.
  twins.Run("--full-refresh " + d.Sources(), "full refresh");
}

// Copies of events in other files, with other attributes, then the files of the kept copies
// changed in every way: lines dropped, attributes changed, the copy's file itself changed too.
// Each step equals the staged warehouse, and the last a fresh load of the files as they are.
TEST(DirectLoad, AChangedFileGivesWayToTheFirstRemainingCopy) {
  Dataset d;
  Twins twins;
  twins.Run("--until 2018-11-12 " + d.Sources(), "days 1-12");
  // Day 14 (not loaded yet) also holds 20 events of day 12, played by another name and level,
  // and day 13 one of them again.
  std::vector<std::string> day12;
  {
    std::istringstream in(testing::ReadFile(d.Day(12)));
    for (std::string line; std::getline(in, line);) day12.push_back(line);
  }
  ASSERT_GT(day12.size(), 60u);
  // The line with the other level and a first name starting with `name`.
  auto altered = [](std::string line, const std::string& name) {
    for (const auto& [from, to] :
         {std::pair<std::string, std::string>{"\"level\":\"free\"", "\"level\":\"paid\""},
          {"\"level\":\"paid\"", "\"level\":\"free\""}}) {
      if (const size_t at = line.find(from); at != std::string::npos) {
        line.replace(at, from.size(), to);
        break;
      }
    }
    if (const size_t at = line.find("\"firstName\":\""); at != std::string::npos) {
      line.insert(at + 13, name);
    }
    return line;
  };
  std::string copies14, copies13;
  for (size_t i = 10; i < 30; ++i) copies14 += altered(day12[i], "Copy") + "\n";
  copies13 = altered(day12[15], "Other") + "\n";
  WriteFile(d.Day(14), testing::ReadFile(d.Day(14)) + copies14);
  WriteFile(d.Day(13), testing::ReadFile(d.Day(13)) + copies13);
  twins.Run("--until 2018-11-14 " + d.Sources(), "days 13-14 with copies of day 12");

  // Day 12 loses those 20 events and changes a name: the copies take their place, day 13's
  // (the earlier file) for the one both hold.
  std::string changed12;
  for (size_t i = 0; i < day12.size(); ++i) {
    if (i >= 10 && i < 30) continue;
    changed12 += (i == 40 ? altered(day12[i], "Renamed") : day12[i]) + "\n";
  }
  WriteFile(d.Day(12), changed12);
  twins.Run("--until 2018-11-14 " + d.Sources(), "day 12 changed", /*with_ids=*/false);
  EXPECT_GT(SqliteInt(twins.direct,
                      "SELECT COUNT(*) FROM direct_user_names WHERE first_name "
                      "LIKE 'Copy%'"),
            0);

  // Then day 14 itself changes (its copies go too) and the rest of the month comes.
  WriteFile(d.Day(14), testing::ReadFile(d.Day(14)).substr(
                           0, testing::ReadFile(d.Day(14)).size() - copies14.size()));
  twins.Run(d.Sources(), "day 14 changed, days 15-30", /*with_ids=*/false);
  EXPECT_EQ(SqliteInt(twins.direct, "SELECT COUNT(*) FROM direct_event_copies"), 0);

  TempDir fresh;
  ASSERT_EQ(RunSparkify("run " + d.Args(fresh / "fresh.db")).exit_code, 0);
  EXPECT_EQ(testing::StarTables(twins.direct), testing::StarTables(fresh / "fresh.db"));
  EXPECT_EQ(SqliteRows(twins.direct, "SELECT * FROM user_levels ORDER BY 1, 3"),
            SqliteRows(fresh / "fresh.db", "SELECT * FROM user_levels ORDER BY 1, 3"));
}

TEST(DirectLoad, GeneratedDataGivesTheStagedWarehouseAndTheExpectedCounts) {
  TempDir data;
  ASSERT_EQ(RunSparkify("generate --out " + data.path().string() +
                        " --songs 400 --days 4 --events-per-day 3000 --users 50")
                .exit_code,
            0);
  Twins twins;
  const std::string sources = "--song-data " + (data / "song_data").string() + " --log-data " +
                              (data / "log_data").string();
  twins.Run("--until 2018-11-02 " + sources, "two days");
  twins.Run(sources, "the rest");
  EXPECT_GT(SqliteInt(twins.direct, "SELECT COUNT(*) FROM songplays WHERE song_id IS NOT NULL"),
            1000);
}

// A warehouse an older sparkify created (before the direct load had its tables) is brought up to
// date by `etl` and then loaded as a new one would be.
TEST(DirectLoad, AWarehouseCreatedWithoutTheDirectTablesGetsThem) {
  Dataset d;
  TempDir scratch;
  const fs::path old = scratch / "old.db", fresh = scratch / "fresh.db";
  ASSERT_EQ(RunSparkify("create-tables --database " + old.string()).exit_code, 0);
  testing::SqliteExec(old,
                      "DROP TABLE direct_user_events; DROP TABLE direct_user_names; "
                      "DROP TABLE direct_event_copies");
  const auto r = RunSparkify("etl --until 2018-11-10 " + d.Args(old));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GT(SqliteInt(old, "SELECT COUNT(*) FROM direct_user_events"), 0);
  ASSERT_EQ(RunSparkify("run --until 2018-11-10 " + d.Args(fresh)).exit_code, 0);
  EXPECT_EQ(testing::StarTables(old), testing::StarTables(fresh));
}

TEST(DirectLoad, AWarehouseIsLoadedOneWayOrTheOther) {
  Dataset d;
  TempDir scratch;
  const fs::path staged = scratch / "staged.db", direct = scratch / "direct.db";
  ASSERT_EQ(RunSparkify("run --stage-events --until 2018-11-10 " + d.Args(staged)).exit_code, 0);
  ASSERT_EQ(RunSparkify("run --until 2018-11-10 " + d.Args(direct)).exit_code, 0);
  const auto staged_before = DumpAll(staged), direct_before = DumpAll(direct);

  auto r = RunSparkify("run --direct " + d.Args(staged));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("keeps staged events"), std::string::npos) << r.err;
  r = RunSparkify("run --stage-events " + d.Args(direct));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("was loaded directly"), std::string::npos) << r.err;
  EXPECT_EQ(DumpAll(staged), staged_before);
  EXPECT_EQ(DumpAll(direct), direct_before);
  r = RunSparkify("run --direct --stage-events " + d.Args(direct));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("excludes"), std::string::npos) << r.err;

  // Without a flag a run continues the way the warehouse was loaded.
  ASSERT_EQ(RunSparkify("run --until 2018-11-12 " + d.Args(staged)).exit_code, 0);
  EXPECT_GT(SqliteInt(staged, "SELECT COUNT(*) FROM staging_events WHERE file_id > 10"), 0);
  ASSERT_EQ(RunSparkify("run --until 2018-11-12 " + d.Args(direct)).exit_code, 0);
  EXPECT_EQ(SqliteInt(direct, "SELECT COUNT(*) FROM staging_events"), 0);
  EXPECT_EQ(testing::StarTables(staged), testing::StarTables(direct));

  // Redshift stages the events itself; the plan says so without connecting anywhere.
  const fs::path cfg = scratch / "dwh.cfg";
  {
    std::ofstream out(cfg);
    out << "[CLUSTER]\nHOST=nowhere.invalid\nDB_NAME=dev\nDB_USER=u\nDB_PASSWORD=p\n"
           "DB_PORT=5439\n[IAM_ROLE]\nARN=arn:aws:iam::123456789012:role/r\n";
  }
  r = RunSparkify("etl --dry-run --direct --config " + cfg.string() + " " + d.Sources());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--direct is for sqlite and postgres"), std::string::npos) << r.err;
  r = RunSparkify("etl --dry-run --direct " + d.Args(direct));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(" row(s) into songplays ("), std::string::npos) << r.out.substr(0, 3000);
  EXPECT_EQ(r.out.find(" row(s) into staging_events ("), std::string::npos);
  EXPECT_EQ(r.out.find("JOIN staging_events e ON e.rowid"),
            std::string::npos);  // no transform_users

  // --full-refresh switches either way and reloads everything.
  ASSERT_EQ(RunSparkify("run --direct --full-refresh " + d.Args(staged)).exit_code, 0);
  ASSERT_EQ(RunSparkify("run --stage-events --full-refresh " + d.Args(direct)).exit_code, 0);
  EXPECT_EQ(SqliteInt(staged, "SELECT COUNT(*) FROM staging_events"), 0);
  EXPECT_GT(SqliteInt(direct, "SELECT COUNT(*) FROM staging_events"), 0);
  EXPECT_EQ(testing::StarTables(staged), testing::StarTables(direct));
}

TEST(DirectLoad, AKilledDirectRunLeavesTheWarehouseAsBefore) {
  Dataset d;
  TempDir scratch;
  ASSERT_EQ(RunSparkify("run --direct --until 2018-11-15 " + d.Args(scratch / "base.db")).exit_code,
            0);
  const auto base = DumpAll(scratch / "base.db");
  // A new song file, so that the next run has catalog steps to kill.
  WriteSong(d.songs / "N" / "TRNEW1.json", "SONEW1", "ARNEW1", "New", "Artist", 100.0);
  ASSERT_EQ(RunSparkify("run --direct " + d.Args(scratch / "fresh.db")).exit_code, 0);
  for (const char* step : {"after-songs", "after-transform_artists", "after-rematch_songplays",
                           "after-logs", "before-commit"}) {
    SCOPED_TRACE(step);
    const fs::path db = scratch / (std::string(step) + ".db");
    fs::copy_file(scratch / "base.db", db);
    auto killed =
        RunSparkify("run --direct " + d.Args(db), std::string("SPARKIFY_TEST_KILL_AT=") + step);
    EXPECT_EQ(killed.exit_code, 128 + SIGKILL) << killed.err;
    EXPECT_EQ(DumpAll(db), base);
    ASSERT_EQ(RunSparkify("run --direct " + d.Args(db)).exit_code, 0);
  }
  // Two runs number files and plays otherwise than one: compare the stars without the ids.
  for (const char* step : {"after-songs", "before-commit"}) {
    EXPECT_EQ(testing::StarTables(scratch / (std::string(step) + ".db")),
              testing::StarTables(scratch / "fresh.db"))
        << step;
  }
}

// Plays keep what was played (issue 14), on the --direct path as on the staged one (Twins
// compares them row by row): the sample's most played song is known by its title alone.
TEST(DirectLoad, SampleTopSongIsKeptWithoutTheCatalog) {
  Twins twins;
  twins.Run("--song-data " + (testing::SampleDir() / "song_data").string() + " --log-data " +
                (testing::SampleDir() / "log_data").string(),
            "sample");
  EXPECT_EQ(SqliteInt(twins.direct,
                      "SELECT COUNT(*) FROM songplays WHERE song_title = 'You''re The One' "
                      "AND artist_name = 'Dwight Yoakam'"),
            37);
  EXPECT_EQ(SqliteInt(twins.direct,
                      "SELECT COUNT(*) FROM (SELECT 1 FROM songplays GROUP BY song_title, "
                      "artist_name HAVING COUNT(*) >= 37)"),
            1);
}

}  // namespace
}  // namespace sparkify
