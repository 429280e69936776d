// libFuzzer target for the whole file-to-rows path: the input becomes a log file and a song file
// (plain, or as the raw bytes of a .json.gz when the first byte is odd), and `sparkify run` loads
// them into a real SQLite warehouse (RunEtl: source, gunzip, decoders, staging, quarantine,
// transforms). Beyond the sanitizers' checks it asserts the pipeline's contract: the run succeeds
// (every error budget is allowed), every record read is loaded, filtered or quarantined, the
// staged rows and load_errors rows are exactly the loaded and quarantined counts, and every text
// the warehouse holds is valid UTF-8 without NUL (what PostgreSQL's COPY would take).
#include <simdjson.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "sparkify/pipeline.h"

namespace {

namespace fs = std::filesystem;

#define Require(condition)                                                      \
  do {                                                                          \
    if (!(condition)) {                                                         \
      std::fprintf(stderr, "pipeline_fuzz: contract broken: %s\n", #condition); \
      std::abort();                                                             \
    }                                                                           \
  } while (false)

void Write(const fs::path& path, const uint8_t* data, size_t size) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
}

int64_t Count(sparkify::Engine& engine, const std::string& sql) {
  auto rows = engine.Query(sql);
  Require(rows.ok() && rows->rows.size() == 1 && rows->rows[0][0]);
  return std::stoll(*rows->rows[0][0]);
}

const fs::path& WorkDir() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("pipeline_fuzz." + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const fs::path& dir = WorkDir();
  fs::remove_all(dir / "in");
  const bool gzip = size > 0 && (data[0] & 1);
  const char* name = gzip ? "2018-11-01-events.json.gz" : "2018-11-01-events.json";
  Write(dir / "in/log_data" / name, data, size);
  Write(dir / "in/song_data" / (gzip ? "song.json.gz" : "song.json"), data, size);

  // A fresh warehouse now and then: etl_runs keeps a row per run, which would grow for ever.
  static int runs = 0;
  static std::unique_ptr<sparkify::Engine> engine;
  if (runs++ % 500 == 0)
    engine = [&] {
      sparkify::Config config;
      config.engine = "sqlite";
      config.database = ":memory:";  // a real SQLite warehouse, without a disk in the loop
      auto opened = sparkify::OpenEngine(config);
      Require(opened.ok());
      Require(sparkify::CreateTables(**opened, /*drop_first=*/true).ok());
      return std::move(opened.value());
    }();

  sparkify::EtlOptions options;
  options.song_data = (dir / "in/song_data").string();
  options.log_data = (dir / "in/log_data").string();
  options.full_refresh = true;  // every input is loaded from scratch
  options.max_errors.max_percent = 100;
  options.max_record_size = 64 << 10;  // small, so the limit's path is reached
  auto report = sparkify::RunEtl(*engine, options);
  if (!report.ok()) std::fprintf(stderr, "%s\n", report.status().message().c_str());
  Require(report.ok());
  for (const auto* c : {&report->songs, &report->logs}) {
    Require(c->read == c->loaded + c->filtered + c->quarantined);
    Require(c->repaired <= c->loaded);
  }
  Require(Count(*engine, "SELECT COUNT(*) FROM staging_events") == report->logs.loaded);
  Require(Count(*engine, "SELECT COUNT(*) FROM staging_songs") == report->songs.loaded);
  Require(Count(*engine, "SELECT COUNT(*) FROM load_errors") ==
          report->logs.quarantined + report->songs.quarantined);
  // Every text PostgreSQL would be given: valid UTF-8, no NUL.
  for (const char* sql :
       {"SELECT raw_text || reason FROM load_errors",
        "SELECT COALESCE(artist, '') || COALESCE(song, '') || COALESCE(user_agent, '') || "
        "COALESCE(first_name, '') || COALESCE(location, '') || COALESCE(page, '') FROM "
        "staging_events",
        "SELECT COALESCE(title, '') || COALESCE(artist_name, '') || song_id || artist_id FROM "
        "staging_songs"}) {
    auto rows = engine->Query(sql);
    Require(rows.ok());
    for (const auto& row : rows->rows) {
      if (!row[0]) continue;
      Require(row[0]->find('\0') == std::string::npos);
      Require(simdjson::validate_utf8(row[0]->data(), row[0]->size()));
    }
  }
  return 0;
}
