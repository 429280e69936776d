// sqlite_ceiling: how fast SQLite itself takes the rows the pipeline stages, with nothing else
// running. Rows are decoded into memory first (untimed, in chunks, so memory stays bounded),
// then inserted with one prepared statement per table in one transaction (bind, step, reset),
// on a connection with the PRAGMAs of src/engine/sqlite_engine.cpp. Only the inserts and the
// commit are timed.
//
//   build/bench/sqlite_ceiling --song-data DIR --log-data DIR --database FILE [--schema full|bare]
//
// --schema full: the warehouse of sql/sqlite/create_tables.sql, so the staging tables' indexes
//                are maintained row by row, as in `sparkify run`.
// --schema bare: the same tables without their indexes; the indexes are then built after the
//                load (CREATE INDEX, timed apart), to show what index maintenance costs.
// --schema star: what `sparkify run --direct` writes: the staged songs, then the play rows
//                (WriteDirectEvent, matched against the catalog) into songplays and time through
//                the engine's own writers (OpenDirectPlayWriter).
// The database file is replaced. Prints one JSON object.
#include <fmt/format.h>
#include <sqlite3.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <memory>

#include "engine/sqlite_engine.h"
#include "pipeline/direct_load.h"
#include "pipeline/row_batch.h"
#include "pipeline/staging.h"
#include "sparkify/pipeline.h"
#include "workload.h"

namespace {

using namespace sparkify;
using namespace sparkify::bench;

struct Options {
  std::string song_data;
  std::string log_data;
  std::string database;
  std::string schema = "full";
  int64_t chunk_rows = 200000;  // rows decoded into memory before each timed insert
};

struct DatabaseCloser {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
};
using DatabaseHandle = std::unique_ptr<sqlite3, DatabaseCloser>;
using StatementHandle = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

Status Exec(sqlite3* db, const std::string& sql) {
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    return Status::EngineError(sql.substr(0, 60) + ": " + sqlite3_errmsg(db));
  }
  return Status::Ok();
}

// Binds a row's values to the INSERT's parameters in order; EndRow steps and resets.
class StatementWriter final : public RowWriter {
 public:
  StatementWriter(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  void Null() override { sqlite3_bind_null(stmt_, ++column_); }
  void Integer(int64_t v) override { sqlite3_bind_int64(stmt_, ++column_, v); }
  void Real(double v) override { sqlite3_bind_double(stmt_, ++column_, v); }
  void Text(std::string_view v) override {
    sqlite3_bind_text(stmt_, ++column_, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
  Status EndRow() override {
    column_ = 0;
    const int rc = sqlite3_step(stmt_);
    sqlite3_reset(stmt_);
    return rc == SQLITE_DONE ? Status::Ok() : Status::EngineError(sqlite3_errmsg(db_));
  }
  Status Finish() override { return Status::Ok(); }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  int column_ = 0;
};

struct TableLoad {
  int64_t rows = 0;
  double seconds = 0;  // inserting only
};

// Decodes `folder` chunk by chunk into memory, and inserts each chunk into `table` (timed).
Result<TableLoad> Load(sqlite3* db, const InputFolder& folder, int64_t first_file_id,
                       const std::string& table, const std::vector<std::string>& columns,
                       int64_t chunk_rows) {
  std::string sql = "INSERT INTO " + table + " (";
  std::string params;
  for (size_t i = 0; i < columns.size(); ++i) {
    sql += (i ? ", " : "") + columns[i];
    params += i ? ", ?" : "?";
  }
  sql += ") VALUES (" + params + ")";
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
    return Status::EngineError(sql + ": " + sqlite3_errmsg(db));
  }
  StatementHandle stmt(raw);
  StatementWriter writer(db, stmt.get());
  FileDecoder decoder;
  DecodeCounts counts;
  RowBatch batch;
  TableLoad load;
  auto insert = [&]() -> Status {
    const double started = NowSeconds();
    SPARKIFY_RETURN_IF_ERROR(batch.ReplayInto(writer, columns.size()));
    load.seconds += NowSeconds() - started;
    load.rows += static_cast<int64_t>(batch.rows());
    batch.Clear();
    return Status::Ok();
  };
  int64_t file_id = first_file_id;
  for (const SourceFile& file : folder.files()) {
    SPARKIFY_RETURN_IF_ERROR(decoder.Decode(folder, file, file_id++, &batch, counts));
    if (static_cast<int64_t>(batch.rows()) >= chunk_rows) SPARKIFY_RETURN_IF_ERROR(insert());
  }
  SPARKIFY_RETURN_IF_ERROR(insert());
  return load;
}

// The warehouse schema, created by the library; with `bare`, the staging tables' index DDL is
// returned and the indexes are dropped.
Result<std::vector<std::string>> CreateSchema(const std::string& path, bool bare) {
  ::unlink(path.c_str());
  SqliteOptions sqlite_options;
  sqlite_options.path = path;
  auto engine = OpenSqliteEngine(sqlite_options);
  if (!engine.ok()) return engine.status();
  SPARKIFY_RETURN_IF_ERROR(CreateTables(**engine, /*drop_first=*/true));
  std::vector<std::string> indexes;
  if (!bare) return indexes;
  auto rows = (*engine)->Query(
      "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
      "AND tbl_name IN ('staging_events', 'staging_songs') ORDER BY name");
  if (!rows.ok()) return rows.status();
  for (const auto& row : rows->rows) {
    indexes.push_back(*row[1]);
    SPARKIFY_RETURN_IF_ERROR((*engine)->Execute("DROP INDEX " + *row[0]));
  }
  return indexes;
}

int Fail(const Status& s) {
  fmt::print(stderr, "sqlite_ceiling: {}\n", s.message());
  return 1;
}

// Decodes `folder` chunk by chunk into memory, and replays each chunk into `writer` (timed).
Result<TableLoad> LoadInto(RowWriter& writer, size_t columns, const InputFolder& folder,
                           FileDecoder& decoder, int64_t chunk_rows) {
  DecodeCounts counts;
  RowBatch batch;
  TableLoad load;
  auto insert = [&]() -> Status {
    const double started = NowSeconds();
    SPARKIFY_RETURN_IF_ERROR(batch.ReplayInto(writer, columns));
    load.seconds += NowSeconds() - started;
    load.rows += static_cast<int64_t>(batch.rows());
    batch.Clear();
    return Status::Ok();
  };
  int64_t file_id = 1;
  for (const SourceFile& file : folder.files()) {
    SPARKIFY_RETURN_IF_ERROR(decoder.Decode(folder, file, file_id++, &batch, counts));
    if (static_cast<int64_t>(batch.rows()) >= chunk_rows) SPARKIFY_RETURN_IF_ERROR(insert());
  }
  SPARKIFY_RETURN_IF_ERROR(insert());
  return load;
}

// --schema star, through the engine as `sparkify run --direct` uses it.
int RunStar(const Options& options, const InputFolder& songs, const InputFolder& logs) {
  ::unlink(options.database.c_str());
  SqliteOptions sqlite_options;
  sqlite_options.path = options.database;
  auto engine = OpenSqliteEngine(sqlite_options);
  if (!engine.ok()) return Fail(engine.status());
  Engine& e = **engine;
  Status status = CreateTables(e, /*drop_first=*/true);
  if (status.ok()) status = e.Begin();
  if (!status.ok()) return Fail(status);

  FileDecoder decoder;
  auto song_writer = e.OpenWriter("staging_songs", StagingSongColumns());
  if (!song_writer.ok()) return Fail(song_writer.status());
  auto song_load =
      LoadInto(**song_writer, StagingSongColumns().size(), songs, decoder, options.chunk_rows);
  if (!song_load.ok()) return Fail(song_load.status());
  (void)(*song_writer)->Finish();

  // The catalog (untimed): each staged song with its own artist, as the songs table would hold.
  DirectLoadState state;
  auto catalog = e.Query(
      "SELECT title, artist_name, printf('%!.20e', duration), song_id, artist_id "
      "FROM staging_songs WHERE title IS NOT NULL AND artist_name IS NOT NULL "
      "AND duration IS NOT NULL");
  if (!catalog.ok()) return Fail(catalog.status());
  for (const auto& row : catalog->rows) {
    state.catalog.Add(*row[0], *row[1], std::stod(*row[2]), *row[3], row[4]);
  }
  decoder.WriteDirectRows(&state);
  auto play_writer = OpenDirectPlayWriter(e);
  if (!play_writer.ok()) return Fail(play_writer.status());
  auto play_load =
      LoadInto(**play_writer, DirectPlayColumns().size(), logs, decoder, options.chunk_rows);
  if (!play_load.ok()) return Fail(play_load.status());
  (void)(*play_writer)->Finish();

  const double started = NowSeconds();
  if (!(status = e.Commit()).ok()) return Fail(status);
  const double commit_seconds = NowSeconds() - started;
  fmt::print(
      "{{\"schema\": \"star\", \"songs\": {{\"rows\": {}, \"seconds\": {:.3f}}}, "
      "\"events\": {{\"rows\": {}, \"seconds\": {:.3f}}}, \"commit_seconds\": {:.3f}, "
      "\"index_seconds\": 0, \"indexes_built_after\": 0, \"seconds\": {:.3f}}}\n",
      song_load->rows, song_load->seconds, play_load->rows, play_load->seconds, commit_seconds,
      song_load->seconds + play_load->seconds + commit_seconds);
  return 0;
}

int Run(const Options& options) {
  const auto fail = Fail;
  auto songs = InputFolder::Open(InputKind::kSongs, options.song_data);
  if (!songs.ok()) return fail(songs.status());
  auto logs = InputFolder::Open(InputKind::kLogs, options.log_data);
  if (!logs.ok()) return fail(logs.status());
  if (options.schema == "star") return RunStar(options, *songs, *logs);
  const bool bare = options.schema == "bare";
  auto indexes = CreateSchema(options.database, bare);
  if (!indexes.ok()) return fail(indexes.status());

  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(options.database.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
  DatabaseHandle db(raw);
  if (rc != SQLITE_OK) return fail(Status::EngineError(options.database + ": cannot open"));
  // The PRAGMAs of OpenSqliteEngine (src/engine/sqlite_engine.cpp).
  const std::string pragmas =
      "PRAGMA journal_mode = DELETE; PRAGMA synchronous = NORMAL; "
      "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -" +
      std::to_string(SqliteOptions{}.cache_mib * 1024) + ";";
  Status status = Exec(db.get(), pragmas);
  if (status.ok()) status = Exec(db.get(), "BEGIN IMMEDIATE");
  if (!status.ok()) return fail(status);

  auto song_load =
      Load(db.get(), *songs, 1, "staging_songs", StagingSongColumns(), options.chunk_rows);
  if (!song_load.ok()) return fail(song_load.status());
  auto event_load = Load(db.get(), *logs, static_cast<int64_t>(songs->files().size()) + 1,
                         "staging_events", StagingEventColumns(), options.chunk_rows);
  if (!event_load.ok()) return fail(event_load.status());
  double started = NowSeconds();
  if (!(status = Exec(db.get(), "COMMIT")).ok()) return fail(status);
  const double commit_seconds = NowSeconds() - started;

  started = NowSeconds();
  for (const std::string& ddl : *indexes) {
    if (!(status = Exec(db.get(), ddl)).ok()) return fail(status);
  }
  const double index_seconds = NowSeconds() - started;

  const double insert_seconds = song_load->seconds + event_load->seconds;
  fmt::print(
      "{{\"schema\": \"{}\", \"songs\": {{\"rows\": {}, \"seconds\": {:.3f}}}, "
      "\"events\": {{\"rows\": {}, \"seconds\": {:.3f}}}, \"commit_seconds\": {:.3f}, "
      "\"index_seconds\": {:.3f}, \"indexes_built_after\": {}, \"seconds\": {:.3f}}}\n",
      options.schema, song_load->rows, song_load->seconds, event_load->rows, event_load->seconds,
      commit_seconds, index_seconds, indexes->size(),
      insert_seconds + commit_seconds + index_seconds);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"SQLite's bulk-insert ceiling for sparkify's staging rows; prints JSON."};
  Options options;
  app.add_option("--song-data", options.song_data, "song_data folder")->required();
  app.add_option("--log-data", options.log_data, "log_data folder")->required();
  app.add_option("--database", options.database, "SQLite file to create (replaced)")->required();
  app.add_option("--schema", options.schema,
                 "full: with the staging indexes; bare: without; star: the rows of --direct")
      ->check(CLI::IsMember({"full", "bare", "star"}))
      ->capture_default_str();
  app.add_option("--chunk-rows", options.chunk_rows, "rows decoded before each timed insert")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  return Run(options);
}
