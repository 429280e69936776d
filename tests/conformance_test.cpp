// Conformance: the same input through `sparkify run` on SQLite and on PostgreSQL must give the
// same warehouse, row by row: every star table (all columns but the surrogate songplay_id), the
// staging tables, the ledger, the quarantine, the --json load report (without timings) and the
// output of `sparkify check`. A behaviour that differs between engines fails here.
//
// Values are compared exactly, in one canonical text per type: integers in decimal, doubles as
// the shortest text that reads back as the same double (SQLite's own text rendering keeps only
// 15 digits, so its doubles are read with sqlite3_column_double), timestamps as
// 'YYYY-MM-DD HH:MM:SS.mmm' (SQLite stores that text; PostgreSQL prints fewer fraction digits),
// NULL apart from ''. Rows are sorted by their natural key in C++, not by either database's
// collation.
#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "postgres_fixture.h"
#include "test_support.h"

namespace sparkify::testing {
namespace {

namespace fs = std::filesystem;

using Value = std::optional<std::string>;
using Row = std::vector<Value>;

struct TableSpec {
  std::string name;
  std::vector<std::string> columns;  // compared, in this order
  size_t key_columns;                // the first ones form the natural key
};

// Every table both engines must agree on. load_errors and load_files leave out what belongs to
// the run (run_id, loaded_at); etl_runs holds only timestamps and the report, compared apart.
const std::vector<TableSpec>& ComparedTables() {
  static const std::vector<TableSpec> kTables = {
      {"songplays",
       {"session_id", "item_in_session", "user_id", "start_time", "song_id", "artist_id",
        "user_level", "user_location", "user_agent", "song_title", "artist_name", "song_length"},
       4},
      {"users",
       {"user_id", "first_name", "last_name", "user_gender", "user_level", "last_event_at",
        "last_session_id", "last_item_in_session"},
       1},
      {"user_levels",
       {"user_id", "valid_from", "first_session_id", "first_item_in_session", "user_level",
        "valid_to"},
       4},
      {"songs", {"song_id", "song", "artist_id", "year", "song_duration"}, 1},
      {"artists",
       {"artist_id", "artist", "artist_location", "artist_latitude", "artist_longitude"},
       1},
      {"time", {"start_time", "hour", "day", "week", "month", "year", "weekday"}, 1},
      {"staging_events",
       {"file_id",    "line",   "artist", "auth",     "first_name", "gender", "item_in_session",
        "last_name",  "length", "level",  "location", "method",     "page",   "registration",
        "session_id", "song",   "status", "ts",       "user_agent", "user_id"},
       2},
      {"staging_songs",
       {"file_id", "document", "num_songs", "artist_id", "artist_latitude", "artist_longitude",
        "artist_location", "artist_name", "song_id", "title", "duration", "year"},
       2},
      {"load_errors",
       {"file_id", "source", "path", "line", "document", "byte_offset", "field", "reason",
        "raw_text"},
       4},
      {"load_files",
       {"file_id", "source", "path", "size", "mtime_ns", "etag", "checksum", "records"},
       1},
  };
  return kTables;
}

std::string CanonicalDouble(double value) { return fmt::format("{}", value); }

// PostgreSQL prints 21:01:46, 21:01:46.8, 21:01:46.796: as SQLite, three fraction digits.
std::string CanonicalTimestamp(std::string text) {
  const size_t dot = text.find('.');
  if (dot == std::string::npos) return text + ".000";
  while (text.size() - dot - 1 < 3) text.push_back('0');
  return text;
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

// Rows of `sql` on a SQLite file, every value in its canonical text.
std::vector<Row> QuerySqlite(const fs::path& db, const std::string& sql) {
  std::vector<Row> rows;
  sqlite3* raw = nullptr;
  if (sqlite3_open_v2(db.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << db << ": " << sqlite3_errmsg(raw);
    sqlite3_close(raw);
    return rows;
  }
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> handle(raw, &sqlite3_close);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(raw, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << sql << ": " << sqlite3_errmsg(raw);
    return rows;
  }
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    Row& row = rows.emplace_back();
    for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
      switch (sqlite3_column_type(stmt, c)) {
        case SQLITE_NULL:
          row.emplace_back(std::nullopt);
          break;
        case SQLITE_INTEGER:
          row.emplace_back(std::to_string(sqlite3_column_int64(stmt, c)));
          break;
        case SQLITE_FLOAT:
          row.emplace_back(CanonicalDouble(sqlite3_column_double(stmt, c)));
          break;
        default:
          row.emplace_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, c)),
                                       sqlite3_column_bytes(stmt, c)));
      }
    }
  }
  sqlite3_finalize(stmt);
  return rows;
}

std::vector<Row> ReadSqlite(const fs::path& db, const TableSpec& spec) {
  return QuerySqlite(db, "SELECT " + Join(spec.columns) + " FROM " + spec.name);
}

constexpr Oid kFloat4Oid = 700, kFloat8Oid = 701, kTimestampOid = 1114;

std::vector<Row> ReadPostgres(const std::string& uri, const TableSpec& spec) {
  PgClient client(uri);
  EXPECT_EQ(client.Exec("SET extra_float_digits = 3"), "");  // shortest exact doubles
  PgRows result = client.Query("SELECT " + Join(spec.columns) + " FROM " + spec.name);
  for (auto& row : result.rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      if (!row[c]) continue;
      if (result.types[c] == kFloat8Oid || result.types[c] == kFloat4Oid) {
        row[c] = CanonicalDouble(std::strtod(row[c]->c_str(), nullptr));
      } else if (result.types[c] == kTimestampOid) {
        row[c] = CanonicalTimestamp(*row[c]);
      }
    }
  }
  return std::move(result.rows);
}

// NULL first, integers by value, anything else by its bytes.
int CompareValues(const Value& a, const Value& b) {
  if (!a || !b) return (a ? 1 : 0) - (b ? 1 : 0);
  int64_t x, y;
  const auto ax = std::from_chars(a->data(), a->data() + a->size(), x);
  const auto by = std::from_chars(b->data(), b->data() + b->size(), y);
  if (ax.ec == std::errc() && ax.ptr == a->data() + a->size() && by.ec == std::errc() &&
      by.ptr == b->data() + b->size()) {
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a->compare(*b) < 0 ? -1 : a->compare(*b) > 0 ? 1 : 0;
}

int CompareRows(const Row& a, const Row& b, size_t columns) {
  for (size_t c = 0; c < columns; ++c) {
    if (int r = CompareValues(a[c], b[c])) return r;
  }
  return 0;
}

// A value as a person can read it: NULL, or quoted with control characters escaped.
std::string Render(const Value& v) {
  if (!v) return "NULL";
  std::string out = "'";
  for (unsigned char c : *v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\'') {
      out += "\\'";
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out + "'";
}

std::string RenderRow(const TableSpec& spec, const Row& row) {
  std::string out;
  for (size_t c = 0; c < row.size(); ++c) {
    out += fmt::format("{}{}={}", c ? ", " : "", spec.columns[c], Render(row[c]));
  }
  return out;
}

// Empty when both hold the same rows; else the counts and the first differing rows.
std::string DiffTable(const TableSpec& spec, std::vector<Row> sqlite, std::vector<Row> postgres) {
  const size_t width = spec.columns.size();
  auto by_key_then_all = [&](const Row& a, const Row& b) {
    if (int r = CompareRows(a, b, spec.key_columns)) return r < 0;
    return CompareRows(a, b, width) < 0;
  };
  std::sort(sqlite.begin(), sqlite.end(), by_key_then_all);
  std::sort(postgres.begin(), postgres.end(), by_key_then_all);
  std::vector<std::string> differences;
  size_t i = 0, j = 0;
  while ((i < sqlite.size() || j < postgres.size()) && differences.size() < 5) {
    const int key = i == sqlite.size()     ? 1
                    : j == postgres.size() ? -1
                                           : CompareRows(sqlite[i], postgres[j], spec.key_columns);
    if (key == 0) {
      if (CompareRows(sqlite[i], postgres[j], width) != 0) {
        differences.push_back(fmt::format("    sqlite:   {}\n    postgres: {}",
                                          RenderRow(spec, sqlite[i]),
                                          RenderRow(spec, postgres[j])));
      }
      ++i;
      ++j;
    } else if (key < 0) {
      differences.push_back("    only in sqlite:   " + RenderRow(spec, sqlite[i++]));
    } else {
      differences.push_back("    only in postgres: " + RenderRow(spec, postgres[j++]));
    }
  }
  if (differences.empty()) return "";
  std::string out =
      fmt::format("table {}: {} rows in sqlite, {} in postgres; first differences:", spec.name,
                  sqlite.size(), postgres.size());
  for (const auto& d : differences) out += "\n" + d;
  return out;
}

// The --json report without what depends on the run's timing, engine name or target.
std::string StableReport(const std::string& json) {
  static const std::regex kSeconds(R"("seconds": \{[^}]*\}, )");
  static const std::regex kEngine(R"("engine": "[a-z]+", "target": \{[^}]*\}, )");
  static const std::regex kTimes(R"("started_at": "[^"]*", "finished_at": "[^"]*", )");
  std::string out = std::regex_replace(json, kSeconds, "");
  out = std::regex_replace(out, kEngine, "");
  out = std::regex_replace(out, kTimes, "");
  EXPECT_EQ(out.find("target"), std::string::npos) << "report format changed: " << json;
  EXPECT_EQ(out.find("seconds"), std::string::npos) << "report format changed: " << json;
  return out;
}

std::string Quoted(const std::string& s) { return "'" + s + "'"; }

struct Warehouses {
  fs::path sqlite;         // staged (--stage-events)
  fs::path sqlite_direct;  // loaded directly, the default
  std::string postgres;    // staged (--stage-events)
  std::string postgres_direct;
};

// The report without the row count of staging_events, which a direct load leaves empty.
std::string WithoutStagedCount(const std::string& report) {
  static const std::regex kStaged(R"("staging_events": [0-9]+, )");
  return std::regex_replace(report, kStaged, "");
}

// Runs `sparkify run` on PostgreSQL and on SQLite, each both ways, then compares everything (a
// direct load has no staging_events to compare); the warehouses stay for more checks (the
// SQLite files live in `dir`).
Warehouses RunBothAndCompare(const std::string& name, const fs::path& songs, const fs::path& logs,
                             const TempDir& dir) {
  Warehouses w{dir / (name + ".db"), dir / (name + "_direct.db"),
               Postgres().CreateDatabase("conf_" + name),
               Postgres().CreateDatabase("conf_" + name + "_direct")};
  const std::string sources =
      " --song-data " + Quoted(songs.string()) + " --log-data " + Quoted(logs.string());
  const CommandResult on_sqlite =
      RunSparkify("run --stage-events --engine sqlite --database " + Quoted(w.sqlite.string()) +
                  sources + " --json -q --max-errors 50%");
  const CommandResult on_sqlite_direct =
      RunSparkify("run --engine sqlite --database " + Quoted(w.sqlite_direct.string()) + sources +
                  " --json -q --max-errors 50%");
  const CommandResult on_postgres =
      RunSparkify("run --stage-events --engine postgres --database " + Quoted(w.postgres) +
                  sources + " --json -q --max-errors 50%");
  const CommandResult on_postgres_direct =
      RunSparkify("run --engine postgres --database " + Quoted(w.postgres_direct) + sources +
                  " --json -q --max-errors 50%");
  EXPECT_EQ(on_sqlite.exit_code, 0) << on_sqlite.err;
  EXPECT_EQ(on_sqlite_direct.exit_code, 0) << on_sqlite_direct.err;
  EXPECT_EQ(on_postgres.exit_code, 0) << on_postgres.err;
  EXPECT_EQ(on_postgres_direct.exit_code, 0) << on_postgres_direct.err;
  EXPECT_EQ(StableReport(on_sqlite.out), StableReport(on_postgres.out)) << "--json load reports";
  for (const CommandResult* direct : {&on_sqlite_direct, &on_postgres_direct}) {
    EXPECT_EQ(WithoutStagedCount(StableReport(direct->out)),
              WithoutStagedCount(StableReport(on_postgres.out)))
        << "--json load reports, direct";
  }

  // Every warehouse against PostgreSQL's staged one.
  for (const TableSpec& spec : ComparedTables()) {
    const auto on_postgres_rows = ReadPostgres(w.postgres, spec);
    std::string diff = DiffTable(spec, ReadSqlite(w.sqlite, spec), on_postgres_rows);
    EXPECT_TRUE(diff.empty()) << name << ": " << diff;
    if (spec.name == "staging_events") continue;
    diff = DiffTable(spec, ReadSqlite(w.sqlite_direct, spec), on_postgres_rows);
    EXPECT_TRUE(diff.empty()) << name << " (sqlite direct): " << diff;
    diff = DiffTable(spec, ReadPostgres(w.postgres_direct, spec), on_postgres_rows);
    EXPECT_TRUE(diff.empty()) << name << " (postgres direct, as 'sqlite'): " << diff;
  }

  // The data-quality checks: same verdicts, same descriptions, same examples.
  const CommandResult check_postgres =
      RunSparkify("check --engine postgres --database " + Quoted(w.postgres));
  for (const fs::path& db : {w.sqlite, w.sqlite_direct}) {
    const CommandResult check_sqlite =
        RunSparkify("check --engine sqlite --database " + Quoted(db.string()));
    EXPECT_EQ(check_sqlite.exit_code, check_postgres.exit_code) << check_postgres.err;
    EXPECT_EQ(check_sqlite.out, check_postgres.out) << db;
  }
  const CommandResult check_postgres_direct =
      RunSparkify("check --engine postgres --database " + Quoted(w.postgres_direct));
  EXPECT_EQ(check_postgres_direct.exit_code, check_postgres.exit_code) << check_postgres.err;
  EXPECT_EQ(check_postgres_direct.out, check_postgres.out) << "postgres direct";
  return w;
}

TEST(Conformance, SampleData) {
  TempDir dir;
  const Warehouses w =
      RunBothAndCompare("sample", SampleDir() / "song_data", SampleDir() / "log_data", dir);
  PgClient pg(w.postgres);
  EXPECT_EQ(pg.Scalar("SELECT COUNT(*) FROM staging_events"), "8056");
  EXPECT_EQ(pg.Scalar("SELECT COUNT(*) FROM songplays"), "6820");
  // Plays keep what was played (issue 14): the sample's most played song, whether or not the
  // catalog knows it (it does not: 6,819 of 6,820 plays match no catalog song).
  EXPECT_EQ(pg.Scalar("SELECT song_title || ' by ' || artist_name || ': ' || COUNT(*) "
                      "FROM songplays GROUP BY song_title, artist_name "
                      "ORDER BY COUNT(*) DESC, song_title LIMIT 1"),
            "You're The One by Dwight Yoakam: 37");
}

// One event line of the eventsim logs, from the fields that vary in these tests.
std::string Event(const std::string& fields) {
  return "{\"auth\":\"Logged In\",\"gender\":\"F\",\"lastName\":\"Doe\",\"method\":\"PUT\","
         "\"registration\":1540919166796,\"status\":200," +
         fields + "}";
}

std::string Song(const std::string& fields) {
  return "{\"num_songs\":1,\"artist_latitude\":null,\"artist_longitude\":null,"
         "\"artist_location\":null," +
         fields + "}";
}

// A small dirty input: everything the engines could disagree on, and the records the decoders
// quarantine. Paths and song ids differ in letter case where byte order and a linguistic
// collation disagree ("B" < "a" in bytes only).
void WriteDirtyInput(const fs::path& root) {
  const fs::path songs = root / "song_data", logs = root / "log_data" / "2018" / "11";
  // The same song_id twice: the first file by path (bytes: B before a) wins.
  WriteFile(songs / "B" / "dup_first.json",
            Song(R"("artist_id":"ARDUP","artist_name":"Dup Artist","song_id":"SODUP",)"
                 R"("title":"Version from B","duration":200.5,"year":2001)"));
  WriteFile(songs / "a" / "dup_second.json",
            Song(R"("artist_id":"ARDUP","artist_name":"Dup Artist, a","song_id":"SODUP",)"
                 R"("title":"Version from a","duration":201.25,"year":0)"));
  // One artist, song ids differing in case: attributes come from SOM2CASE (bytes: M < m).
  WriteFile(songs / "C" / "case1.json",
            Song(R"("artist_id":"ARCASE","artist_name":"Twins","song_id":"SOm1CASE",)"
                 R"("title":"Twin","duration":180.0,"year":1990,"artist_location":"Lower")"));
  WriteFile(songs / "C" / "case2.json",
            R"({"num_songs":1,"artist_id":"ARCASE","artist_name":"Twins","song_id":"SOM2CASE",)"
            R"("title":"Twin","duration":180.0,"year":1991,"artist_location":"Upper",)"
            R"("artist_latitude":51.50853000000001,"artist_longitude":-0.12574})");
  // Non-ASCII, exact doubles, text that COPY must escape.
  WriteFile(songs / "D" / "unicode.json",
            R"({"num_songs":1,"artist_id":"ARUNI","artist_name":"Sigur Rós","song_id":"SOUNI",)"
            R"("title":"Hoppípolla 久石譲 🎵","duration":249.44281,"year":2005,)"
            R"("artist_location":"Reykjavík, Ísland","artist_latitude":64.13548,)"
            R"("artist_longitude":-21.89541})");
  WriteFile(songs / "D" / "special.json",
            R"({"num_songs":1,"artist_id":"ARSPECIAL","artist_name":"Back\\slash Band",)"
            R"("song_id":"SOSPECIAL","title":"Tab\tTitle\nwith \\. and \\N\r",)"
            R"("duration":215.12345678901234,"year":"1999","artist_location":"",)"
            R"("artist_latitude":0.30000000000000004,"artist_longitude":-1e-7})");
  // Double-encoded UTF-8 ("Café" read as Latin-1 and encoded again), numbers as strings.
  WriteFile(songs / "E" / "mojibake.json",
            Song(R"("artist_id":"ARMOJI","artist_name":"Caf\u00c3\u00a9 Tacvba",)"
                 R"("song_id":"SOMOJI","title":"Eres","duration":"213.4","year":"2003")"));
  // Quarantined: a type error, malformed JSON, a missing required field.
  WriteFile(songs / "E" / "bad_year.json",
            Song(R"("artist_id":"ARBAD","song_id":"SOBADYEAR","title":"x","year":"nineteen")"));
  WriteFile(songs / "E" / "malformed.json", R"({"song_id": "SOBROKEN", "artist_id": )");
  WriteFile(songs / "E" / "missing.json", Song(R"("artist_id":"ARMISSING","title":"No id")"));
  // NULL versus empty string, and an artist whose first record has no name.
  WriteFile(songs / "F" / "empty1.json",
            Song(R"("artist_id":"AREMPTY","artist_name":"","song_id":"SOEMPTY1","title":"",)"
                 R"("duration":100.0,"year":2010)"));
  WriteFile(songs / "F" / "empty2.json",
            Song(R"("artist_id":"AREMPTY","artist_name":"Named","song_id":"SOEMPTY2",)"
                 R"("title":null,"duration":null,"year":null)"));

  // The earlier-named log file holds user 77's latest event, and the first copy of an event
  // that the later file delivers again.
  const std::vector<std::string> day1 = {
      Event(R"("artist":"Sigur Rós","firstName":"Zoë","itemInSession":0,"length":249.44281,)"
            R"("level":"paid","location":"São Paulo, SP","page":"NextSong","sessionId":900,)"
            R"("song":"Hoppípolla 久石譲 🎵","ts":1543622399999,)"
            R"("userAgent":"Mozilla/5.0 \"quoted\"","userId":"77")"),
      Event(R"("artist":"Back\\slash Band","firstName":"Ann","itemInSession":3,)"
            R"("length":215.1234567890,"level":"free","location":"Tab\there","page":"NextSong",)"
            R"("sessionId":901,"song":"Tab\tTitle\nwith \\. and \\N\r","ts":1541030400000,)"
            R"("userAgent":"first copy","userId":"78")"),
      R"({"artist":"Broken","ts":15410)",  // malformed: the decoder resyncs at the next line
      Event(R"("itemInSession":1,"page":"NextSong","sessionId":1,"ts":"yesterday","userId":"5")"),
      Event(R"("artist":"Nobody","itemInSession":0,"length":10.5,"page":"NextSong",)"
            R"("sessionId":902,"song":"Unknown Song","ts":1541030400050,"userId":"")"),
      Event(R"("artist":"Nobody","itemInSession":0,"length":10.5,"page":"NextSong",)"
            R"("sessionId":902,"song":"Unknown Song","ts":1541030400050,"userId":"")"),
      Event(
          R"("artist":"Caf\u00c3\u00a9 Tacvba","firstName":"Caf\u00c3\u0083\u00c2\u00a9",)"
          R"("itemInSession":0,"length":213.4,"level":"free","location":"Lima","page":"NextSong",)"
          R"("sessionId":903,"song":"Eres","ts":1546257600123,"userId":"79")"),
      Event(R"("artist":"Nobody","firstName":"Wk","itemInSession":1,"length":1.0,"level":"free",)"
            R"("page":"NextSong","sessionId":903,"song":"Week 53","ts":1609668000500,)"
            R"("userId":"79")"),
      Event(R"("artist":"Nobody","firstName":"Wk","itemInSession":2,"length":1.0,"level":"free",)"
            R"("page":"NextSong","sessionId":903,"song":"Old","ts":1451637000001,"userId":"79")"),
      Event(R"("firstName":"Homer","itemInSession":0,"level":"free","page":"Home",)"
            R"("sessionId":904,"ts":1542265627700,"userId":80)"),
      Event(R"("artist":"Twins","firstName":"Two","itemInSession":0,"length":180.0,)"
            R"("level":"paid","location":"Line1\nLine2\r","page":"NextSong","sessionId":905,)"
            R"("song":"Twin","ts":1542736800250,"userId":"81")"),
      "[1, 2, 3]",
      Event(R"("itemInSession":0,"page":"NextSong","sessionId":906,"userId":"82")"),
      Event(R"("artist":"Nobody","firstName":"Str","itemInSession":0,"length":"249.44281",)"
            R"("level":"free","page":"NextSong","registration":1540919166796.0,)"
            R"("sessionId":907,"song":"S","ts":1542265627700,"userId":"83")"),
  };
  // The later-named file, with CRLF line ends: user 77's older events, the re-delivered event
  // (another user agent: the first copy must stay), a malformed line.
  const std::vector<std::string> day2 = {
      Event(R"("artist":"Nobody","firstName":"Zoe","itemInSession":5,"length":1.0,)"
            R"("level":"free","page":"NextSong","sessionId":850,"song":"Earlier",)"
            R"("ts":1541100000000,"userId":"77")"),
      Event(R"("artist":"Back\\slash Band","firstName":"Ann","itemInSession":3,)"
            R"("length":215.1234567890,"level":"free","location":"Tab\there","page":"NextSong",)"
            R"("sessionId":901,"song":"Tab\tTitle\nwith \\. and \\N\r","ts":1541030400000,)"
            R"("userAgent":"second copy","userId":"78")"),
      R"({"artist": "unterminated)",
      Event(R"("artist":"Nobody","firstName":"Zoe","itemInSession":6,"length":1.0,)"
            R"("level":"free","page":"Logout","sessionId":850,"ts":1541100000001,"userId":"77")"),
  };
  std::string text1, text2;
  for (const auto& line : day1) text1 += line + "\n";
  for (const auto& line : day2) text2 += line + "\r\n";
  WriteFile(logs / "2018-11-01-events.json", text1);
  WriteFile(logs / "2018-11-02-events.json", text2);
}

TEST(Conformance, DirtyInput) {
  TempDir dir;
  WriteDirtyInput(dir.path() / "dirty");
  const Warehouses w =
      RunBothAndCompare("dirty", dir / "dirty/song_data", dir / "dirty/log_data", dir);

  // The input exercises what it is meant to (both engines agree, so one is enough to look at).
  auto one = [&](const std::string& table, const std::vector<std::string>& columns,
                 const std::string& where) {
    auto rows =
        QuerySqlite(w.sqlite, "SELECT " + Join(columns) + " FROM " + table + " WHERE " + where);
    return rows.size() == 1 ? rows[0] : Row{};
  };
  EXPECT_EQ(one("songs", {"song", "year"}, "song_id = 'SODUP'"), (Row{"Version from B", "2001"}));
  EXPECT_EQ(one("artists", {"artist_location", "artist_latitude"}, "artist_id = 'ARCASE'"),
            (Row{"Upper", "51.50853000000001"}));
  EXPECT_EQ(one("songplays", {"song_id"}, "session_id = 905"), (Row{"SOM2CASE"}));
  EXPECT_EQ(one("songplays", {"user_agent", "song_id"}, "session_id = 901"),
            (Row{"first copy", "SOSPECIAL"}));
  EXPECT_EQ(one("songplays", {"COUNT(*)"}, "session_id = 902"), (Row{"1"}));
  EXPECT_EQ(one("users", {"first_name", "user_level", "last_event_at"}, "user_id = 77"),
            (Row{"Zoë", "paid", "2018-11-30 23:59:59.999"}));
  EXPECT_EQ(
      one("staging_events", {"first_name", "artist"}, "session_id = 903 AND item_in_session = 0"),
      (Row{"Café", "Café Tacvba"}));
  EXPECT_EQ(one("songplays", {"song_id"}, "session_id = 903 AND item_in_session = 0"),
            (Row{"SOMOJI"}));
  EXPECT_EQ(one("songs", {"song"}, "song_id = 'SOSPECIAL'"),
            (Row{"Tab\tTitle\nwith \\. and \\N\r"}));
  EXPECT_EQ(one("artists", {"artist"}, "artist_id = 'AREMPTY'"), (Row{"Named"}));
  EXPECT_EQ(one("songs", {"song"}, "song_id = 'SOEMPTY1'"), (Row{""}));
  EXPECT_EQ(one("songs", {"song"}, "song_id = 'SOEMPTY2'"), (Row{std::nullopt}));
  EXPECT_EQ(one("time", {"week", "weekday", "year"}, "start_time LIKE '2018-12-31%'"),
            (Row{"1", "1", "2018"}));
  EXPECT_EQ(one("time", {"week", "weekday"}, "start_time LIKE '2021-01-03%'"), (Row{"53", "0"}));
  EXPECT_EQ(one("time", {"week", "weekday"}, "start_time LIKE '2016-01-01%'"), (Row{"53", "5"}));
  EXPECT_EQ(one("load_errors", {"COUNT(*)"}, "1 = 1"), (Row{"8"}));
}

// KNOWN DIFFERENCE, disabled until the reference is settled: sql/sqlite renders ts with
// strftime(ts / 1000) || printf('.%03d', ts % 1000), which is wrong before 1970
// ('1969-12-31 23:59:59.-500' for ts -1500, where PostgreSQL has 23:59:58.500) and NULL from
// year 10000 on (the SQLite run then fails on NOT NULL, the PostgreSQL run loads the row).
// Either the decoders quarantine such ts or sql/sqlite computes them exactly; then enable this.
TEST(Conformance, DISABLED_TimestampsOutsideSqliteRange) {
  TempDir dir;
  WriteFile(dir / "in/song_data/s.json",
            Song(R"("artist_id":"AR1","song_id":"SO1","title":"t","duration":1.0)"));
  WriteFile(dir / "in/log_data/e.json",
            Event(R"("itemInSession":0,"page":"NextSong","sessionId":1,"ts":-1500,"userId":"1")") +
                "\n" +
                Event(R"("itemInSession":1,"page":"NextSong","sessionId":1,"ts":253402300800000,)"
                      R"("userId":"1")") +
                "\n");
  RunBothAndCompare("timestamp_range", dir / "in/song_data", dir / "in/log_data", dir);
}

// GENERATED DATA: the dataset of `sparkify generate` (being written on another branch) joins
// the conformance inputs here. Until the generator lands the command answers "not built yet"
// and the test is skipped; then it runs on every build with these small, fixed settings.
TEST(Conformance, GeneratedData) {
  TempDir dir;
  const fs::path out = dir / "generated";
  const CommandResult generated =
      RunSparkify("generate --out " + Quoted(out.string()) +
                  " --songs 300 --users 40 --days 3 --events-per-day 400 --seed 7");
  if (generated.exit_code != 0 && generated.err.find("not built yet") != std::string::npos) {
    GTEST_SKIP() << "sparkify generate is not built yet";
  }
  ASSERT_EQ(generated.exit_code, 0) << generated.err;
  RunBothAndCompare("generated", out / "song_data", out / "log_data", dir);
}

// Input nobody here wrote: invalid UTF-8 in a log line and in a song file, NUL characters, lines
// and files that are not JSON. Both runs must succeed (PostgreSQL's COPY of load_errors once
// failed on the first invalid byte) with the same quarantine, row by row, and the same counts.
TEST(Conformance, HostileInputQuarantinesAlikeOnEveryEngine) {
  TempDir dir;
  const fs::path songs = dir / "hostile/song_data", logs = dir / "hostile/log_data";
  WriteFile(songs / "ok.json", Song(R"("artist_id":"AR1","song_id":"SO1","title":"Fine")"));
  WriteFile(songs / "bad_utf8.json",
            Song("\"artist_id\":\"AR2\",\"song_id\":\"SO2\",\"title\":\"bad \xFF\xFE byte\""));
  WriteFile(songs / "nul.json",
            Song(R"("artist_id":"AR3","song_id":"SO3","title":"NUL\u0000title")"));
  WriteFile(songs / "not_json.json", "<html>\n  not a song \\ at all\n</html>\n");
  const std::vector<std::string> lines = {
      Event(R"("itemInSession":0,"page":"NextSong","sessionId":1,"song":"Fine","ts":1541030400000,)"
            R"("userId":"1")"),
      Event("\"itemInSession\":1,\"page\":\"NextSong\",\"sessionId\":1,\"artist\":\"\xC0\xAF\","
            "\"ts\":1541030400001,\"userId\":\"1\""),
      "this is not json at all",
      Event(R"("itemInSession":2,"page":"NextSong","sessionId":1,"song":"NUL\u0000inside",)"
            R"("ts":1541030400002,"userId":"1")"),
      std::string("raw NUL \0 and back\\slash", 24),
      Event(R"("itemInSession":3,"page":"NextSong","sessionId":1,"ts":1541030400003,"userId":"1")"),
  };
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  WriteFile(logs / "2018-11-01-events.json", text);

  const Warehouses w = RunBothAndCompare("hostile", songs, logs, dir);
  PgClient pg(w.postgres);
  EXPECT_EQ(pg.Scalar("SELECT COUNT(*) FROM load_errors WHERE source = 'logs'"), "3");
  EXPECT_EQ(pg.Scalar("SELECT COUNT(*) FROM load_errors WHERE source = 'songs'"), "2");
  EXPECT_EQ(pg.Scalar("SELECT raw_text FROM load_errors WHERE line = 5"),
            "raw NUL \\x00 and back\\\\slash");
  EXPECT_EQ(pg.Scalar("SELECT COUNT(*) FROM load_errors WHERE raw_text LIKE '%\"bad \\\\xff\\\\xfe "
                      "byte\"%'"),
            "1");
  EXPECT_EQ(pg.Scalar("SELECT song FROM staging_events WHERE item_in_session = 2"),
            "NUL\xEF\xBF\xBDinside");
  EXPECT_EQ(pg.Scalar("SELECT song FROM songs WHERE song_id = 'SO3'"), "NUL\xEF\xBF\xBDtitle");
  EXPECT_EQ(pg.Scalar("SELECT COUNT(*) FROM songplays"), "3");  // the invalid UTF-8 one is out
}

// Text values that break naive COPY, CSV or SQL quoting, in every text column of both sources:
// stored byte for byte on every engine.
std::vector<std::pair<std::string, std::string>> TextCorpus() {  // {JSON string body, bytes}
  return {
      {R"(back\\slash)", "back\\slash"},
      {R"(\\N)", "\\N"},
      {R"(\\.)", "\\."},
      {R"(\\)", "\\"},
      {R"(tab\there\t)", "tab\there\t"},
      {R"(CR\rLF\nCRLF\r\n)", "CR\rLF\nCRLF\r\n"},
      {R"(\"double\" 'single' `back`)", "\"double\" 'single' `back`"},
      {"  leading and trailing  ", "  leading and trailing  "},
      {R"('); DROP TABLE songs; --)", "'); DROP TABLE songs; --"},
      {R"(NULL)", "NULL"},
      {R"(a,b;c|d)", "a,b;c|d"},
      {"4-byte \xF0\x9F\x8E\xB5 \xF0\x9D\x84\x9E", "4-byte \xF0\x9F\x8E\xB5 \xF0\x9D\x84\x9E"},
      {R"(\u2028 separator \u0001 control \u007f)", "\xE2\x80\xA8 separator \x01 control \x7f"},
      {"", ""},
  };
}

TEST(Conformance, TextRoundTripsByteForByteInEveryTextColumn) {
  TempDir dir;
  const fs::path songs = dir / "text/song_data", logs = dir / "text/log_data";
  const auto corpus = TextCorpus();
  const std::vector<std::string> event_fields = {"artist",   "auth",     "firstName", "gender",
                                                 "lastName", "level",    "location",  "method",
                                                 "song",     "userAgent"};
  std::string events;
  for (size_t i = 0; i < corpus.size(); ++i) {
    const std::string v = "\"" + corpus[i].first + "\"";
    WriteFile(songs / fmt::format("s{:02}.json", i),
              fmt::format(R"({{"song_id":"SO{0:02}","artist_id":"AR{0:02}","title":{1},)"
                          R"("artist_name":{1},"artist_location":{1},"duration":1.0}})",
                          i, v));
    std::string texts;
    for (const auto& f : event_fields) texts += fmt::format(R"("{}":{},)", f, v);
    // A play (its texts in songplays and users), and an event whose page is the text.
    events += fmt::format(R"({{{}"page":"NextSong","ts":{},"sessionId":{},"itemInSession":0,)"
                          R"("userId":"{}","length":1.0}})",
                          texts, 1541030400000 + i, 100 + i, 100 + i) +
              "\n";
    events += fmt::format(R"({{{}"page":{},"ts":{},"sessionId":{},"itemInSession":1}})", texts, v,
                          1541030400000 + i, 100 + i) +
              "\n";
  }
  WriteFile(logs / "2018-11-01-events.json", events);
  const Warehouses w = RunBothAndCompare("text", songs, logs, dir);

  const std::string event_columns =
      "artist, auth, first_name, gender, last_name, level, location, method, song, user_agent";
  for (size_t i = 0; i < corpus.size(); ++i) {
    const Value want = corpus[i].second;
    const auto expect_all = [&](const std::string& sql, size_t width) {
      const auto rows = QuerySqlite(w.sqlite, sql);
      ASSERT_EQ(rows.size(), 1u) << sql;
      ASSERT_EQ(rows[0].size(), width) << sql;
      for (size_t c = 0; c < width; ++c) {
        EXPECT_EQ(rows[0][c], want)
            << sql << " column " << c << ": " << Render(rows[0][c]) << " for " << Render(want);
      }
    };
    const int64_t session = 100 + static_cast<int64_t>(i);
    expect_all(fmt::format("SELECT {} FROM staging_events WHERE session_id = {} AND "
                           "item_in_session = 0",
                           event_columns, session),
               10);
    expect_all(fmt::format("SELECT page FROM staging_events WHERE session_id = {} AND "
                           "item_in_session = 1",
                           session),
               1);
    expect_all(fmt::format("SELECT title, artist_name, artist_location FROM staging_songs "
                           "WHERE song_id = 'SO{:02}'",
                           i),
               3);
    expect_all(fmt::format("SELECT song FROM songs WHERE song_id = 'SO{:02}'", i), 1);
    if (!want->empty()) {  // artists take non-empty attributes only (README)
      expect_all(fmt::format("SELECT artist, artist_location FROM artists WHERE artist_id = "
                             "'AR{:02}'",
                             i),
                 2);
    }
    expect_all(fmt::format("SELECT user_agent, user_location FROM songplays WHERE session_id = {}",
                           session),
               2);
    expect_all(fmt::format("SELECT first_name, last_name, user_gender, user_level FROM users "
                           "WHERE user_id = {}",
                           session),
               4);
  }
}

}  // namespace
}  // namespace sparkify::testing
