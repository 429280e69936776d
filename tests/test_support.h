// Helpers shared by the tests: temporary folders, files, running the sparkify binary.
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace sparkify::testing {

// The fixtures committed under tests/data (provenance in tests/data/README.md).
inline std::filesystem::path FixturesDir() { return SPARKIFY_FIXTURES_DIR; }
inline std::filesystem::path SampleDir() { return FixturesDir() / "sample-data"; }

// A fresh folder under the system's temp dir, removed with its contents at scope exit.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "sparkify-test-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline void WriteFile(const std::filesystem::path& path, const std::string& contents) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << contents;
}

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct CommandResult {
  int exit_code = -1;
  std::string out;        // stdout
  std::string err;        // stderr, without `warehouse`
  std::string warehouse;  // stderr's first line when it names engine and target ("sparkify:
                          // engine ..."), which every warehouse command prints; "" otherwise
};

// Runs `sparkify <args>` through the shell; args are passed as written (quote them yourself).
// Safe to call from several threads at once.
inline CommandResult RunSparkify(const std::string& args, const std::string& env = "") {
  static std::atomic<int> counter = 0;
  const auto dir = std::filesystem::temp_directory_path();
  const std::string tag = std::to_string(::getpid()) + "-" + std::to_string(counter++);
  const auto out = dir / ("sparkify-out-" + tag), err = dir / ("sparkify-err-" + tag);
  const std::string command = env + " " + SPARKIFY_BINARY + " " + args + " >" + out.string() +
                              " 2>" + err.string() + " </dev/null";
  const int status = std::system(command.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = ReadFile(out);
  result.err = ReadFile(err);
  if (result.err.rfind("sparkify: engine ", 0) == 0) {
    const size_t end = result.err.find('\n');
    result.warehouse = result.err.substr(0, end);
    result.err.erase(0, end == std::string::npos ? end : end + 1);
  }
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return result;
}

// Runs `sql` on the SQLite file at `path` and returns the first column of the first row as an
// integer (-1 when there is no row or the query fails, which the caller's assertion reports).
inline int64_t SqliteInt(const std::filesystem::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  int64_t value = -1;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      value = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return value;
}

// Runs statements on the SQLite file at `path`; returns SQLite's error message, empty on success.
inline std::string SqliteExec(const std::filesystem::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::string error;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) error = "cannot open";
  char* message = nullptr;
  if (error.empty() && sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    error = message ? message : "error";
  }
  sqlite3_free(message);
  sqlite3_close(db);
  return error;
}

// Every row of `sql`'s result, each rendered as "v1|v2|..." (NULL as \N), in result order.
inline std::vector<std::string> SqliteRows(const std::filesystem::path& path,
                                           const std::string& sql) {
  std::vector<std::string> rows;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK) {
      while (sqlite3_step(stmt) == SQLITE_ROW) {
        std::string row;
        for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
          row += (c ? "|" : "") + (text ? std::string(text) : std::string("\\N"));
        }
        rows.push_back(std::move(row));
      }
    } else {
      rows.push_back(std::string("query failed: ") + sqlite3_errmsg(db));
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return rows;
}

// The star schema as a comparable value: every column but the surrogate songplay_id, sorted.
inline std::vector<std::string> StarTables(const std::filesystem::path& db) {
  std::vector<std::string> out;
  for (const char* sql :
       {"SELECT 'songplays', start_time, user_id, song_id, artist_id, session_id, "
        "item_in_session, user_level, user_location, user_agent FROM songplays ORDER BY 2, 6, 7, 3",
        "SELECT 'users', * FROM users ORDER BY user_id", "SELECT 'songs', * FROM songs ORDER BY 2",
        "SELECT 'artists', * FROM artists ORDER BY 2", "SELECT 'time', * FROM time ORDER BY 2"}) {
    auto rows = SqliteRows(db, sql);
    out.insert(out.end(), rows.begin(), rows.end());
  }
  return out;
}

// Every table, every column, sorted: equal dumps mean equal warehouses. A failed run leaves the
// warehouse as it was but for its record in etl_runs (status 'failed'), which is left out here
// (FailedRuns counts them).
inline std::vector<std::string> DumpAll(const std::filesystem::path& db) {
  std::vector<std::string> out;
  for (const auto& table :
       SqliteRows(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
    out.push_back("table " + table);
    const std::string where = table == "etl_runs" ? " WHERE status <> 'failed'" : "";
    auto rows = SqliteRows(db, "SELECT * FROM " + table + where + " ORDER BY 1, 2, 3, 4");
    out.insert(out.end(), rows.begin(), rows.end());
  }
  return out;
}

// The failed runs etl_runs records, each "run_id|error".
inline std::vector<std::string> FailedRuns(const std::filesystem::path& db) {
  return SqliteRows(db, "SELECT run_id, error FROM etl_runs WHERE status = 'failed' ORDER BY 1");
}

// Copies a folder tree (the sample data, to alter it).
inline void CopyTree(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::filesystem::create_directories(to);
  std::filesystem::copy(from, to, std::filesystem::copy_options::recursive);
}

// One eventsim event as a log line.
inline std::string Event(int64_t ts, int64_t session, int64_t item,
                         const std::string& user = "\"7\"", const std::string& page = "NextSong",
                         const std::string& level = "free") {
  return fmt::format(
      R"({{"artist":"A","auth":"Logged In","firstName":"F","gender":"F","itemInSession":{},)"
      R"("lastName":"L","length":100.5,"level":"{}","location":"X","method":"PUT","page":"{}",)"
      R"("registration":1540000000000.0,"sessionId":{},"song":"S","status":200,"ts":{},)"
      R"("userAgent":"UA","userId":{}}})",
      item, level, page, session, ts, user);
}

inline int64_t Lines(const std::filesystem::path& file) {
  const std::string text = ReadFile(file);
  return std::count(text.begin(), text.end(), '\n') + (text.empty() || text.back() == '\n' ? 0 : 1);
}

// A private, writable copy of the sample data.
struct Dataset {
  TempDir dir;
  std::filesystem::path songs = dir / "song_data";
  std::filesystem::path logs = dir / "log_data";
  std::filesystem::path db = dir / "w.db";
  Dataset() {
    CopyTree(SampleDir() / "song_data", songs);
    CopyTree(SampleDir() / "log_data", logs);
  }
  std::filesystem::path Day(int day) const {
    return logs / "2018" / "11" / fmt::format("2018-11-{:02d}-events.json", day);
  }
  std::string Sources() const {
    return "--song-data " + songs.string() + " --log-data " + logs.string();
  }
  std::string Args(const std::filesystem::path& database) const {
    return "--database " + database.string() + " " + Sources();
  }
  std::string Args() const { return Args(db); }
};

}  // namespace sparkify::testing
