#include "pipeline/plan.h"

#include <fmt/format.h>

#include "base/sql_text.h"
#include "engine/sql_catalog.h"
#include "pipeline/server_stager.h"
#include "pipeline/steps.h"
#include "s3/s3_source.h"

namespace sparkify {
namespace {

constexpr const char* kRunId = "{{run_id}}";
constexpr const char* kFirstFileId = "{{first_file_id}}";
constexpr const char* kLastSongplayId = "{{last_songplay_id}}";

// Statement text ending in exactly one newline.
std::string Statement(std::string sql) {
  while (!sql.empty() && (sql.back() == '\n' || sql.back() == ' ')) sql.pop_back();
  return sql + "\n";
}

Result<std::string> Named(const EngineTraits& traits, const char* name,
                          const std::map<std::string, std::string>& vars = {}) {
  auto sql = LoadSql(traits.sql_dialects, name, vars);
  if (!sql.ok()) return sql.status();
  return Statement(*sql);
}

struct Listed {
  std::vector<SourceFile> files;  // in the window
  size_t out_of_range = 0;
  std::vector<SkippedEntry> skipped;  // not files to read (dangling links, FIFOs, loops)
};

Result<Listed> ListInWindow(Source& source, const std::optional<std::string>& since,
                            const std::optional<std::string>& until) {
  auto files = source.List();
  if (!files.ok()) return files.status();
  Listed listed;
  listed.skipped = source.Skipped();
  for (SourceFile& f : *files) {
    if (InDateWindow(f.path, since, until)) {
      listed.files.push_back(std::move(f));
    } else {
      ++listed.out_of_range;
    }
  }
  return listed;
}

std::string FileLines(const char* name, const std::string& location, const Listed& listed) {
  // Paths are quoted: a file name may hold a newline, which would end the comment line.
  std::string out =
      fmt::format("-- {}: {}: {} file(s)", name, QuotedPath(location), listed.files.size());
  if (listed.out_of_range) {
    out += fmt::format(" ({} more outside --since/--until, not shown)", listed.out_of_range);
  }
  out += "\n";
  for (const SourceFile& f : listed.files) {
    out += fmt::format("--   {}  {} bytes{}\n", QuotedPath(f.path), f.size,
                       f.etag.empty() ? "" : "  ETag " + f.etag);
  }
  for (const SkippedEntry& entry : listed.skipped) {
    out += fmt::format("--   skipped {}: {}\n", QuotedPath(entry.path), entry.reason);
  }
  return out;
}

}  // namespace

Result<std::string> PlanRun(const EngineBlueprint& engine, Source& songs, Source& logs,
                            const EtlOptions& options, const std::string& started_at) {
  const EngineTraits& traits = engine.traits;
  auto song_files = ListInWindow(songs, std::nullopt, std::nullopt);
  if (!song_files.ok()) return song_files.status();
  auto log_files = ListInWindow(logs, options.since, options.until);
  if (!log_files.ok()) return log_files.status();

  std::string dialects;
  for (const auto& d : traits.sql_dialects) dialects += (dialects.empty() ? "" : ", ") + d;
  std::string out = fmt::format(
      "-- sparkify etl --dry-run: the plan of one run on engine {} (SQL of {}).\n"
      "-- Nothing was connected to or changed; only the sources were listed.\n"
      "-- Without a connection the ledger is unknown: every listed file in the --since/--until\n"
      "-- window is shown as new (a run skips the files its ledger holds unchanged), and\n"
      "-- {} and {} stand for the run's id and first file id (MAX + 1 of the ledger's), {}\n"
      "-- for the largest songplay_id before the run.\n",
      traits.name, dialects, kRunId, kFirstFileId, kLastSongplayId);
  out += FileLines("songs", options.song_data, *song_files);
  out += FileLines("logs", options.log_data, *log_files);

  if (options.create_missing_tables) {
    auto create = Named(traits, "create_tables");
    if (!create.ok()) return create.status();
    out += "-- `run`: when the tables are missing, first, in a transaction of its own:\n" + *create;
  }
  out += Statement(engine.begin);
  out += "SELECT MAX(run_id) FROM etl_runs;\n";
  out += fmt::format(
      "INSERT INTO etl_runs (run_id, started_at, status) VALUES ({}, '{}', 'running');\n", kRunId,
      started_at);
  for (const char* name : {"prepare_run", options.full_refresh ? "full_refresh" : nullptr}) {
    if (name == nullptr) continue;
    auto sql = Named(traits, name);
    if (!sql.ok()) return sql.status();
    out += *sql;
  }
  out +=
      "SELECT COUNT(*) FROM songplays;\nSELECT MAX(songplay_id) FROM songplays;\n"
      "SELECT MAX(file_id) FROM load_files;\n";
  auto drop_indexes = Named(traits, "drop_staging_indexes");
  if (!drop_indexes.ok()) return drop_indexes.status();
  out += std::string(kStagedRowsQuery) + ";\n";
  out += "-- when both staging tables are empty (a first load, --full-refresh):\n" + *drop_indexes;

  // Staging, source by source.
  struct Staged {
    const char* source;
    const char* table;
    Source* reader;
    const Listed* listed;
  };
  const Staged staged[] = {{"songs", "staging_songs", &songs, &*song_files},
                           {"logs", "staging_events", &logs, &*log_files}};
  const std::map<std::string, std::string> vars = {
      {"run_id", kRunId}, {"first_file_id", kFirstFileId}, {"last_songplay_id", kLastSongplayId}};
  auto append = [&](const char* name, const std::map<std::string, std::string>& with = {}) {
    auto sql = Named(traits, name, with);
    if (!sql.ok()) return sql.status();
    out += *sql;
    return Status::Ok();
  };
  // The plan connects to nothing, so it cannot see a warehouse that keeps staged events; it
  // shows the load a new warehouse gets.
  auto direct = LoadsDirectly(traits, options.event_load, false);
  if (!direct.ok()) return direct.status();
  if (*direct) {
    out +=
        "-- the direct load: a warehouse that keeps staged events is loaded staged instead "
        "(and stops a --direct run here; one loaded directly stops a --stage-events run):\n"
        "SELECT COUNT(*) FROM (SELECT 1 FROM staging_events LIMIT 1) AS e;\n";
    SPARKIFY_RETURN_IF_ERROR(append("direct_prepare_run"));
  }
  std::string file_id = kFirstFileId;
  for (const Staged& s : staged) {
    const std::map<std::string, std::string> ledger_vars = {
        {"source", SqlQuote(s.source, traits.backslash_escapes_in_literals)}};
    if (*direct && s.table == std::string("staging_events")) {
      out +=
          "-- the direct load: the songs' transforms run before the logs are read; the indexes "
          "when they were dropped above:\n";
      SPARKIFY_RETURN_IF_ERROR(append("create_staging_indexes"));
      for (const char* name : kDirectCatalogSteps) SPARKIFY_RETURN_IF_ERROR(append(name, vars));
      out += "-- the catalog, read into memory for the plays' match:\n";
      SPARKIFY_RETURN_IF_ERROR(append("direct_song_catalog"));
      out += ";\n";
      SPARKIFY_RETURN_IF_ERROR(append("ledger_read", ledger_vars));
      const char* how = traits.several_writers_at_once
                            ? "INSERT ... ON CONFLICT DO NOTHING; a skipped copy into "
                              "direct_event_copies"
                            : "in batches, each COPYed table by table inside SAVEPOINT "
                              "direct_batch; from the first batch a table refuses on, into "
                              "direct_run_events instead";
      out += fmt::format(
          "-- load logs (direct): the client reads and decodes {} file(s); each play (page "
          "NextSong) is matched against the catalog and written into songplays and time, each "
          "event of a user into direct_user_events and its names where they change into "
          "direct_user_names ({}), each user's latest event kept in memory; the records it "
          "rejects go into load_errors, one ledger row per file into load_files; a changed "
          "file's previous version is noted (direct_forget_file)\n",
          s.listed->files.size(), how);
      if (!traits.several_writers_at_once) {
        SPARKIFY_RETURN_IF_ERROR(append(kDirectDistribute, vars));
      }
      out += "-- when a changed file replaced a version loaded before:\n";
      SPARKIFY_RETURN_IF_ERROR(append("direct_take_back"));
      SPARKIFY_RETURN_IF_ERROR(append("direct_prepare_users"));
      out += "-- run_users: this run's latest event per user (INSERT ... VALUES)\n";
      SPARKIFY_RETURN_IF_ERROR(append("direct_users"));
      SPARKIFY_RETURN_IF_ERROR(append("direct_user_levels"));
      continue;
    }
    SPARKIFY_RETURN_IF_ERROR(append("ledger_read", ledger_vars));
    if (engine.staging == nullptr) {
      out += fmt::format(
          "-- stage {}: the client reads and decodes {} file(s) and bulk-loads their records into "
          "{}, the records it rejects into load_errors, one ledger row per file into "
          "load_files\n",
          s.source, s.listed->files.size(), s.table);
      continue;
    }
    if (s.listed->files.empty()) {
      out += fmt::format("-- stage {}: no file to load\n", s.source);
      continue;
    }
    ServerLoadRequest request;
    request.source = s.source;
    request.table = s.table;
    request.run_id = kRunId;
    request.file_id = file_id;
    request.token = StagingToken(kRunId, started_at);
    request.location = s.source == std::string("songs") ? options.song_data : options.log_data;
    request.files = s.listed->files;
    request.reader = s.reader;
    request.max_errors = options.max_errors.max_count;
    request.s3 = options.s3;
    auto plan = engine.staging->Plan(request);
    if (!plan.ok()) return plan.status();
    out += *plan;
    out += fmt::format("-- one load_files row per file, file id {} (INSERT ... VALUES)\n", file_id);
    file_id = std::string(kFirstFileId) + " + 1";
  }

  if (!*direct) {
    out += "-- when the indexes were dropped above:\n";
    SPARKIFY_RETURN_IF_ERROR(append("create_staging_indexes"));
    for (const char* name : kTransformSteps) SPARKIFY_RETURN_IF_ERROR(append(name, vars));
  }
  if (!traits.enforces_unique_keys) {
    out += fmt::format(
        "-- {} does not enforce keys: each check_unique_* query must return no row, else the "
        "run fails and rolls back\n",
        traits.name);
    for (const std::string& name : SqlNamesWithPrefix(traits.sql_dialects, "check_unique_")) {
      auto sql = Named(traits, name.c_str());
      if (!sql.ok()) return sql.status();
      out += *sql;
    }
  }
  for (const char* table : kReportedTables) {
    out += fmt::format("SELECT COUNT(*) FROM {};\n", table);
  }
  out += "SELECT COUNT(*) FROM songplays WHERE song_id IS NOT NULL;\n";
  out += fmt::format(
      "UPDATE etl_runs SET finished_at = '<the time>', status = 'succeeded', report = '<the JSON "
      "load report>' WHERE run_id = {};\n",
      kRunId);
  out += "COMMIT;\n";
  out +=
      "-- When a statement above fails: ROLLBACK, then, in a transaction of its own that takes the "
      "lock again:\n-- INSERT INTO etl_runs (run_id, started_at, finished_at, status, error, "
      "report) VALUES (<the next run_id>, ..., 'failed', '<the error>', '<the JSON load "
      "report>');\n";
  return out;
}

Result<std::string> PlanEtl(const Config& config, const EtlOptions& options) {
  auto engine = EngineBlueprintFor(config);
  if (!engine.ok()) return engine.status();
  // The sources as the run opens them (etl.cpp's OpenSource): s3:// URIs or local paths.
  auto open = [&](const std::string& location,
                  const char* flag) -> Result<std::unique_ptr<Source>> {
    if (location.empty()) {
      return Status::InvalidArgument(std::string("no ") + flag + " given: pass --" + flag +
                                     " or set it in dwh.cfg [S3]");
    }
    if (location.rfind("s3://", 0) == 0) {
      S3SourceOptions s3;
      s3.s3 = options.s3;
      return MakeS3Source(location, s3);
    }
    return MakeLocalSource(location);
  };
  auto songs = open(options.song_data, "song-data");
  if (!songs.ok()) return songs.status();
  auto logs = open(options.log_data, "log-data");
  if (!logs.ok()) return logs.status();
  return PlanRun(*engine, **songs, **logs, options, UtcNow());
}

}  // namespace sparkify
