// sqlite_ceiling: how fast SQLite itself takes the rows the pipeline stages, with nothing else
// running. Rows are decoded into memory first (untimed, in chunks, so memory stays bounded),
// then inserted with one prepared statement per table in one transaction, through the SQLite
// engine's own writers (src/engine/sqlite_engine.cpp: its connection, PRAGMAs and prepared
// INSERTs). Only the inserts and the commit (and, with `bare`, the index builds) are timed.
//
//   build/bench/sqlite_ceiling --song-data DIR --log-data DIR --database FILE [--schema full|bare]
//
// --schema full: the warehouse of sql/sqlite/create_tables.sql, so the staging tables' indexes
//                are maintained row by row, as in `sparkify run`.
// --schema bare: the same tables without their indexes; the indexes are then built after the
//                load (CREATE INDEX, timed apart), to show what index maintenance costs.
// --schema star: what `sparkify run --direct` writes: the staged songs, then the event rows
//                (WriteDirectEvent, matched against the catalog) into songplays and time through
//                the engine's own writers (OpenDirectEventWriter).
// The database file is replaced. Prints one JSON object.
#include <fmt/format.h>
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

struct TableLoad {
  int64_t rows = 0;
  double seconds = 0;  // inserting only
};

int Fail(const Status& s) {
  fmt::print(stderr, "sqlite_ceiling: {}\n", s.message());
  return 1;
}

// Decodes `folder` chunk by chunk into memory, and replays each chunk into `writer` (timed).
Result<TableLoad> LoadInto(RowWriter& writer, size_t columns, const InputFolder& folder,
                           FileDecoder& decoder, int64_t first_file_id, int64_t chunk_rows) {
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
  int64_t file_id = first_file_id;
  for (const SourceFile& file : folder.files()) {
    SPARKIFY_RETURN_IF_ERROR(decoder.Decode(folder, file, file_id++, &batch, counts));
    if (static_cast<int64_t>(batch.rows()) >= chunk_rows) SPARKIFY_RETURN_IF_ERROR(insert());
  }
  SPARKIFY_RETURN_IF_ERROR(insert());
  SPARKIFY_RETURN_IF_ERROR(writer.Finish());
  return load;
}

// Staging rows of `folder` into `table`, through the engine's writer.
Result<TableLoad> LoadTable(Engine& engine, const std::string& table,
                            const std::vector<std::string>& columns, const InputFolder& folder,
                            FileDecoder& decoder, int64_t first_file_id, int64_t chunk_rows) {
  auto writer = engine.OpenWriter(table, columns);
  if (!writer.ok()) return writer.status();
  return LoadInto(**writer, columns.size(), folder, decoder, first_file_id, chunk_rows);
}

// A new warehouse (the file is replaced) in one open transaction.
Result<std::unique_ptr<Engine>> NewWarehouse(const std::string& path) {
  ::unlink(path.c_str());
  SqliteOptions sqlite_options;
  sqlite_options.path = path;
  auto engine = OpenSqliteEngine(sqlite_options);
  if (!engine.ok()) return engine.status();
  SPARKIFY_RETURN_IF_ERROR(CreateTables(**engine, /*drop_first=*/true));
  return engine;
}

// Drops the staging tables' indexes and returns their DDL.
Result<std::vector<std::string>> DropStagingIndexes(Engine& engine) {
  auto rows = engine.Query(
      "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
      "AND tbl_name IN ('staging_events', 'staging_songs') ORDER BY name");
  if (!rows.ok()) return rows.status();
  std::vector<std::string> indexes;
  for (const auto& row : rows->rows) {
    indexes.push_back(*row[1]);
    SPARKIFY_RETURN_IF_ERROR(engine.Execute("DROP INDEX " + *row[0]));
  }
  return indexes;
}

void PrintResult(const std::string& schema, const TableLoad& songs, const TableLoad& events,
                 double commit_seconds, double index_seconds, size_t indexes_built_after) {
  fmt::print(
      "{{\"schema\": \"{}\", \"songs\": {{\"rows\": {}, \"seconds\": {:.3f}}}, "
      "\"events\": {{\"rows\": {}, \"seconds\": {:.3f}}}, \"commit_seconds\": {:.3f}, "
      "\"index_seconds\": {:.3f}, \"indexes_built_after\": {}, \"seconds\": {:.3f}}}\n",
      schema, songs.rows, songs.seconds, events.rows, events.seconds, commit_seconds, index_seconds,
      indexes_built_after, songs.seconds + events.seconds + commit_seconds + index_seconds);
}

// --schema star: the staged songs, then the event rows `sparkify run --direct` writes.
int RunStar(const Options& options, const InputFolder& songs, const InputFolder& logs) {
  auto engine = NewWarehouse(options.database);
  if (!engine.ok()) return Fail(engine.status());
  Engine& e = **engine;
  if (Status s = e.Begin(); !s.ok()) return Fail(s);

  FileDecoder decoder;
  auto song_load =
      LoadTable(e, "staging_songs", StagingSongColumns(), songs, decoder, 1, options.chunk_rows);
  if (!song_load.ok()) return Fail(song_load.status());

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
  DirectWriteState write_state;
  auto play_writer = OpenDirectEventWriter(e, write_state);
  if (!play_writer.ok()) return Fail(play_writer.status());
  auto play_load =
      LoadInto(**play_writer, DirectEventColumns().size(), logs, decoder, 1, options.chunk_rows);
  if (!play_load.ok()) return Fail(play_load.status());

  const double started = NowSeconds();
  if (Status s = e.Commit(); !s.ok()) return Fail(s);
  PrintResult("star", *song_load, *play_load, NowSeconds() - started, 0, 0);
  return 0;
}

int Run(const Options& options) {
  auto songs = InputFolder::Open(InputKind::kSongs, options.song_data);
  if (!songs.ok()) return Fail(songs.status());
  auto logs = InputFolder::Open(InputKind::kLogs, options.log_data);
  if (!logs.ok()) return Fail(logs.status());
  if (options.schema == "star") return RunStar(options, *songs, *logs);

  auto engine = NewWarehouse(options.database);
  if (!engine.ok()) return Fail(engine.status());
  Engine& e = **engine;
  std::vector<std::string> indexes;
  if (options.schema == "bare") {
    auto dropped = DropStagingIndexes(e);
    if (!dropped.ok()) return Fail(dropped.status());
    indexes = std::move(*dropped);
  }
  if (Status s = e.Begin(); !s.ok()) return Fail(s);

  FileDecoder decoder;
  auto song_load =
      LoadTable(e, "staging_songs", StagingSongColumns(), *songs, decoder, 1, options.chunk_rows);
  if (!song_load.ok()) return Fail(song_load.status());
  auto event_load = LoadTable(e, "staging_events", StagingEventColumns(), *logs, decoder,
                              static_cast<int64_t>(songs->files().size()) + 1, options.chunk_rows);
  if (!event_load.ok()) return Fail(event_load.status());
  double started = NowSeconds();
  if (Status s = e.Commit(); !s.ok()) return Fail(s);
  const double commit_seconds = NowSeconds() - started;

  started = NowSeconds();
  for (const std::string& ddl : indexes) {
    if (Status s = e.Execute(ddl); !s.ok()) return Fail(s);
  }
  PrintResult(options.schema, *song_load, *event_load, commit_seconds, NowSeconds() - started,
              indexes.size());
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
