// RunEtl: one run, all or nothing, in one transaction that also holds the warehouse lock:
//   prepare -> (full refresh) -> stage songs -> stage logs -> error budget
//   -> transforms (songs, artists, users, songplays, time) -> counts -> commit.
#include <fmt/format.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <ctime>

#include "base/numbers.h"
#include "base/sql_text.h"
#include "decode/decoders.h"
#include "engine/sql_catalog.h"
#include "pipeline/direct_load.h"
#include "pipeline/key_checks.h"
#include "pipeline/progress.h"
#include "pipeline/run_record.h"
#include "pipeline/server_stager.h"
#include "pipeline/source_stager.h"
#include "pipeline/staging.h"
#include "pipeline/steps.h"
#include "s3/s3_source.h"
#include "source/source.h"
#include "sparkify/pipeline.h"

namespace sparkify {
namespace {

// Test-only: SPARKIFY_TEST_KILL_AT=<step> makes the process SIGKILL itself when it reaches that
// step, so tests can prove a run killed at any step leaves the warehouse unchanged. Steps:
// begin, after-songs, after-logs, after-<transform name>, before-commit.
void KillPointForTests(const std::string& step) {
  static const char* target = std::getenv("SPARKIFY_TEST_KILL_AT");
  if (target != nullptr && step == target) std::raise(SIGKILL);
}

// The integers of the first row of the query `name` (sql/), NULL or no row as 0, one per column
// up to `columns`.
Result<std::vector<int64_t>> QueryIntegers(Engine& engine, const char* name, size_t columns,
                                           const std::map<std::string, std::string>& vars = {}) {
  auto sql = LoadSql(engine.traits().sql_dialects, name, vars);
  if (!sql.ok()) return sql.status();
  auto result = engine.Query(*sql);
  if (!result.ok()) return result.status().WithContext(name);
  std::vector<int64_t> values(columns, 0);
  for (size_t i = 0; !result->rows.empty() && i < columns && i < result->rows[0].size(); ++i) {
    if (!result->rows[0][i]) continue;
    auto value = NumberFromWarehouse<int64_t>(*result->rows[0][i], name);
    if (!value.ok()) return value.status();
    values[i] = *value;
  }
  return values;
}

Result<int64_t> QueryInteger(Engine& engine, const char* name,
                             const std::map<std::string, std::string>& vars = {}) {
  auto values = QueryIntegers(engine, name, 1, vars);
  if (!values.ok()) return values.status();
  return (*values)[0];
}

Status ExecuteNamed(Engine& engine, const char* name,
                    const std::map<std::string, std::string>& vars = {}) {
  auto sql = LoadSql(engine.traits().sql_dialects, name, vars);
  if (!sql.ok()) return sql.status();
  return engine.Execute(*sql).WithContext(name);
}

class Stopwatch {
 public:
  double Lap() {
    const auto now = std::chrono::steady_clock::now();
    const double s = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    return s;
  }

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

Result<std::unique_ptr<Source>> OpenSource(const std::string& location, const char* flag,
                                           const S3Options& s3, Progress& progress) {
  if (location.empty()) {
    return Status::InvalidArgument(std::string("no ") + flag + " given: pass --" + flag +
                                   " or set it in dwh.cfg [S3]");
  }
  if (location.rfind("s3://", 0) == 0) {
    S3SourceOptions options;
    options.s3 = s3;
    options.progress = &progress;
    return MakeS3Source(location, options);
  }
  return MakeLocalSource(location);
}

// Decodes a file with `decoder` and writes each record with `write_row(record, file_id, where,
// writer)`: a staging row (provenance: the file id and the record's line or document index,
// `where`), or under --direct a play row.
template <typename Decoder, typename WriteRow>
DecodeInto DecodeWith(Decoder& decoder, WriteRow write_row, int64_t RecordPosition::*where) {
  return [&decoder, write_row, where](const SourceFile& file, simdjson::padded_string_view data,
                                      int64_t file_id, RowWriter* writer, DecodeCounts& counts,
                                      const OnReject& on_reject, StreamOrigin* origin) {
    Status status;
    decoder.DecodeFile(
        file.path, data,
        [&](const auto& record, const RecordPosition& position) {
          counts.Accept(record);
          if (writer && status.ok()) status = write_row(record, file_id, position.*where, *writer);
        },
        on_reject, origin);
    return status;
  };
}

struct Sources {
  std::unique_ptr<Source> songs, logs;
};

Result<Sources> OpenSources(const EtlOptions& options, Progress& progress) {
  auto songs = OpenSource(options.song_data, "song-data", options.s3, progress);
  if (!songs.ok()) return songs.status();
  auto logs = OpenSource(options.log_data, "log-data", options.s3, progress);
  if (!logs.ok()) return logs.status();
  return Sources{std::move(*songs), std::move(*logs)};
}

Status StageSongs(Engine& engine, Source& songs, const EtlOptions& options, int64_t run_id,
                  int64_t& next_file_id, LoadReport& report, Progress& progress) {
  SongDecoder decoder(options.max_record_size);
  SourceStager stager(engine, progress,
                      {.run_id = run_id,
                       .source_name = "songs",
                       .table = "staging_songs",
                       .columns = &StagingSongColumns(),
                       .boundary = RecordBoundary::kDocument,
                       .max_record_size = options.max_record_size});
  SPARKIFY_RETURN_IF_ERROR(stager.Stage(
      songs, next_file_id, DecodeWith(decoder, WriteSongRow, &RecordPosition::document),
      report.songs, report.first_errors));
  KillPointForTests("after-songs");
  return Status::Ok();
}

Status StageLogs(Engine& engine, Source& logs, const EtlOptions& options, int64_t run_id,
                 int64_t& next_file_id, LoadReport& report, Progress& progress) {
  EventDecoder decoder(options.max_record_size);
  SourceStager stager(engine, progress,
                      {.run_id = run_id,
                       .source_name = "logs",
                       .table = "staging_events",
                       .columns = &StagingEventColumns(),
                       .since = options.since,
                       .until = options.until,
                       .max_record_size = options.max_record_size});
  SPARKIFY_RETURN_IF_ERROR(stager.Stage(logs, next_file_id,
                                        DecodeWith(decoder, WriteEventRow, &RecordPosition::line),
                                        report.logs, report.first_errors));
  KillPointForTests("after-logs");
  return Status::Ok();
}

// The direct load: the logs go into songplays, time and direct_user_events as they are decoded;
// what changed files gave before is taken back, then users and user_levels follow at the end.
Status LoadLogsDirect(Engine& engine, Source& logs, const EtlOptions& options, int64_t run_id,
                      int64_t& next_file_id, DirectLoadState& state, LoadReport& report,
                      Progress& progress) {
  EventDecoder decoder(options.max_record_size);
  DirectWriteState write_state;
  StagerSettings settings{
      .run_id = run_id,
      .source_name = "logs",
      .table = "songplays",
      .columns = &DirectEventColumns(),
      .since = options.since,
      .until = options.until,
      .open_writer = [&engine, &write_state] { return OpenDirectEventWriter(engine, write_state); },
      .forget_file_sql = "direct_forget_file",
      .max_record_size = options.max_record_size};
  SourceStager stager(engine, progress, std::move(settings));
  const auto write_play = [&state](const EventRecord& event, int64_t file_id, int64_t line,
                                   RowWriter& w) {
    return WriteDirectEvent(event, file_id, line, state, w);
  };
  const DecodeInto decode = DecodeWith(decoder, write_play, &RecordPosition::line);
  SPARKIFY_RETURN_IF_ERROR(
      stager.Stage(logs, next_file_id, decode, report.logs, report.first_errors));
  KillPointForTests("after-logs");
  return Status::Ok();
}

// A warehouse is loaded with staged events or directly, not both: a staged run needs every
// event staged, and a direct run would leave the staged events incomplete. By default a run
// loads the way the warehouse was loaded; whether the run loads directly.
Result<bool> ChooseEventLoad(Engine& engine, EventLoad load) {
  const EngineTraits& traits = engine.traits();
  if (!traits.loads_star_directly) return LoadsDirectly(traits, load, true);
  auto staged = QueryInteger(engine, "keeps_staged_events");
  if (!staged.ok()) return staged.status();
  if (load == EventLoad::kDirect && *staged > 0) {
    return Status::InvalidArgument(
        "this warehouse keeps staged events (staging_events has rows), which a direct load "
        "would leave incomplete: run without --direct, or with --direct --full-refresh to "
        "reload it without staging");
  }
  if (load == EventLoad::kStaged && *staged == 0) {
    auto loaded = QueryInteger(engine, "holds_star_rows");
    if (!loaded.ok()) return loaded.status();
    if (*loaded > 0) {
      return Status::InvalidArgument(
          "this warehouse was loaded directly (songplays and users hold rows, staging_events "
          "none): run without --stage-events, or with --stage-events --full-refresh to reload "
          "it with staged events");
    }
  }
  return LoadsDirectly(traits, load, *staged > 0);
}

Status CheckAccounting(const char* name, const SourceCounts& c) {
  if (c.read != c.loaded + c.filtered + c.quarantined) {
    return Status::DataError(
        fmt::format("{}: accounting mismatch: read {} != loaded {} + filtered {} + quarantined {}",
                    name, c.read, c.loaded, c.filtered, c.quarantined));
  }
  return Status::Ok();
}

Status CheckErrorBudget(const ErrorBudget& budget, const LoadReport& report) {
  const int64_t read = report.songs.read + report.logs.read;
  const int64_t quarantined = report.songs.quarantined + report.logs.quarantined;
  if (quarantined == 0) return Status::Ok();
  const bool over = budget.max_count ? quarantined > *budget.max_count
                                     : static_cast<double>(quarantined) >
                                           static_cast<double>(read) * budget.max_percent / 100.0;
  if (!over) return Status::Ok();
  std::string reasons;
  for (const auto& e : report.first_errors) reasons += "; " + e;
  const std::string limit = budget.max_count ? std::to_string(*budget.max_count) + " records"
                                             : fmt::format("{}%", budget.max_percent);
  return Status::DataError(fmt::format(
      "error budget exceeded: {} of {} records quarantined (--max-errors {}); the warehouse is "
      "unchanged. First reasons{}",
      quarantined, read, limit, reasons));
}

// Counts and words the entries a source's listing passed over (dangling links, FIFOs, loops).
void NoteSkipped(const char* name, const Source& source, SourceCounts& counts,
                 std::vector<std::string>& warnings) {
  for (const SkippedEntry& entry : source.Skipped()) {
    ++counts.entries_skipped;
    warnings.push_back(
        fmt::format("{}: skipped {}: {}", name, QuotedPath(entry.path), entry.reason));
  }
}

// What the steps of one run share.
struct Run {
  Engine& engine;
  const EtlOptions& options;
  LoadReport& report;
  Progress progress;
  Stopwatch watch;
  std::map<std::string, std::string> vars;  // of the SQL templates
  int64_t next_file_id = 0;
  bool index_after_load = false;  // the staging indexes were dropped for the bulk load

  // A step is over: its time goes in the report and, on a terminal, on a line of its own.
  void Phase(const char* name) {
    const double seconds = watch.Lap();
    report.phase_seconds.emplace_back(name, seconds);
    progress.Line(fmt::format("  {} {:.2f} s", name, seconds));
  }
  Status Transform(const char* name) {
    SPARKIFY_RETURN_IF_ERROR(ExecuteNamed(engine, name, vars));
    Phase(name);
    KillPointForTests(std::string("after-") + name);
    return Status::Ok();
  }
  Status CheckCounts() const {
    SPARKIFY_RETURN_IF_ERROR(CheckAccounting("songs", report.songs));
    SPARKIFY_RETURN_IF_ERROR(CheckAccounting("logs", report.logs));
    return CheckErrorBudget(options.max_errors, report);
  }
  Status CreateStagingIndexes() {
    return index_after_load ? ExecuteNamed(engine, "create_staging_indexes") : Status::Ok();
  }
};

// Staged: the logs into staging_events, then the SQL transforms build the star schema.
Status LoadStaged(Run& run, Sources& sources) {
  if (run.engine.server_staging() == nullptr) {
    SPARKIFY_RETURN_IF_ERROR(StageLogs(run.engine, *sources.logs, run.options, run.report.run_id,
                                       run.next_file_id, run.report, run.progress));
  }
  SPARKIFY_RETURN_IF_ERROR(run.CreateStagingIndexes());
  run.progress.Done();
  run.Phase("stage");
  SPARKIFY_RETURN_IF_ERROR(run.CheckCounts());
  for (const char* name : kTransformSteps) SPARKIFY_RETURN_IF_ERROR(run.Transform(name));
  return Status::Ok();
}

// The direct load: the catalog is complete before the first play is matched: songs, artists,
// then the plays already loaded follow their songs' changes, then the new plays stream in.
Status LoadDirect(Run& run, Sources& sources) {
  SPARKIFY_RETURN_IF_ERROR(ExecuteNamed(run.engine, "direct_prepare_run"));
  SPARKIFY_RETURN_IF_ERROR(run.CreateStagingIndexes());
  run.Phase("stage");
  // When no song file was read or replaced, the catalog steps change nothing; skipping them
  // spares scans that grow with the warehouse (rematch_songplays walks every play).
  const bool catalog_changed = run.report.songs.files > 0 || run.report.songs.files_replaced > 0;
  for (const char* name : kDirectCatalogSteps) {
    if (catalog_changed) SPARKIFY_RETURN_IF_ERROR(run.Transform(name));
  }
  DirectLoadState state;
  SPARKIFY_RETURN_IF_ERROR(LoadSongCatalog(run.engine, state.catalog));
  SPARKIFY_RETURN_IF_ERROR(LoadLogsDirect(run.engine, *sources.logs, run.options, run.report.run_id,
                                          run.next_file_id, state, run.report, run.progress));
  SPARKIFY_RETURN_IF_ERROR(DistributeDirectEvents(run.engine, run.vars));
  run.progress.Done();
  run.Phase(kDirectLoadPhase);
  SPARKIFY_RETURN_IF_ERROR(run.CheckCounts());
  if (run.report.logs.files_replaced > 0) {
    SPARKIFY_RETURN_IF_ERROR(TakeBackReplacedFiles(run.engine));
    run.Phase(kDirectTakeBackPhase);
    KillPointForTests(std::string("after-") + kDirectTakeBackPhase);
  }
  SPARKIFY_RETURN_IF_ERROR(WriteDirectUsers(run.engine, state.users));
  run.Phase(kDirectUsersPhase);
  SPARKIFY_RETURN_IF_ERROR(WriteDirectUserLevels(run.engine));
  run.Phase(kDirectUserLevelsPhase);
  return Status::Ok();
}

Status CountTables(Run& run, int64_t songplays_before) {
  LoadReport& report = run.report;
  for (const char* table : kReportedTables) {
    auto n = QueryInteger(run.engine, "count_rows", {{"table", table}});
    if (!n.ok()) return n.status();
    report.tables[table] = *n;
  }
  auto matched = QueryInteger(run.engine, "songplays_matched");
  if (!matched.ok()) return matched.status();
  report.songplays_matched = *matched;
  report.songplays_added = report.tables["songplays"] - songplays_before;
  run.Phase("count");
  return Status::Ok();
}

Status RunInTransaction(Engine& engine, const EtlOptions& options, LoadReport& report,
                        const std::string& started_at) {
  Run run{engine, options, report, Progress(options.progress), Stopwatch(), {}};
  auto run_id = QueryInteger(engine, "run_last_id");
  if (!run_id.ok()) return run_id.status();
  report.run_id = *run_id + 1;
  SPARKIFY_RETURN_IF_ERROR(
      ExecuteNamed(engine, "run_start",
                   {{"run_id", std::to_string(report.run_id)}, {"started_at", started_at}}));
  SPARKIFY_RETURN_IF_ERROR(ExecuteNamed(engine, "prepare_run"));
  if (options.full_refresh) SPARKIFY_RETURN_IF_ERROR(ExecuteNamed(engine, "full_refresh"));
  auto direct = ChooseEventLoad(engine, options.event_load);
  if (!direct.ok()) return direct.status();
  // The songplays before the run, the last songplay id and the last file id.
  auto start = QueryIntegers(engine, "run_starting_point", 3);
  if (!start.ok()) return start.status();
  const int64_t songplays_before = (*start)[0];
  run.next_file_id = (*start)[2] + 1;
  run.vars = {{"run_id", std::to_string(report.run_id)},
              {"first_file_id", std::to_string(run.next_file_id)},
              {"last_songplay_id", std::to_string((*start)[1])}};

  // Into empty staging tables (a first load, a full refresh) the bulk load goes faster without
  // indexes, which are then built in one pass each.
  auto staged_rows = QueryInteger(engine, "staged_rows");
  if (!staged_rows.ok()) return staged_rows.status();
  run.index_after_load = *staged_rows == 0;
  if (run.index_after_load) {
    SPARKIFY_RETURN_IF_ERROR(ExecuteNamed(engine, "drop_staging_indexes"));
  }

  auto sources = OpenSources(options, run.progress);
  if (!sources.ok()) return sources.status();
  if (engine.server_staging() != nullptr) {  // the warehouse reads the files itself
    SPARKIFY_RETURN_IF_ERROR(StageSourcesOnServer(engine, *sources->songs, *sources->logs, options,
                                                  report.run_id, run.next_file_id, report,
                                                  run.progress));
  } else {
    SPARKIFY_RETURN_IF_ERROR(StageSongs(engine, *sources->songs, options, report.run_id,
                                        run.next_file_id, report, run.progress));
  }
  SPARKIFY_RETURN_IF_ERROR(*direct ? LoadDirect(run, *sources) : LoadStaged(run, *sources));
  if (!engine.traits().enforces_unique_keys) SPARKIFY_RETURN_IF_ERROR(CheckUniqueKeys(engine));
  NoteSkipped("songs", *sources->songs, report.songs, report.warnings);
  NoteSkipped("logs", *sources->logs, report.logs, report.warnings);
  return CountTables(run, songplays_before);
}

}  // namespace

EtlOutcome RunEtlReporting(Engine& engine, const EtlOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  std::time_t started_at = std::time(nullptr);  // taken again once the run holds the lock
  EtlOutcome outcome;
  LoadReport& report = outcome.report;
  report.engine = engine.traits().name;
  report.target = engine.target();
  report.started_at = IsoUtc(started_at);
  const auto finish = [&](Status status) {
    const std::time_t finished_at = std::time(nullptr);
    report.finished_at = IsoUtc(finished_at);
    report.total_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!status.ok()) report.error = status.message();
    outcome.status = std::move(status);
    return finished_at;
  };
  auto exists = engine.TableExists("songplays");
  Status status = exists.ok() ? Status::Ok() : exists.status();
  if (status.ok() && !*exists) {
    status = options.create_missing_tables
                 ? CreateTables(engine, /*drop_first=*/false)
                 : Status::InvalidArgument(
                       "the warehouse has no tables: run `sparkify create-tables` first (or "
                       "`sparkify run`)");
  } else if (status.ok() && engine.traits().loads_star_directly) {
    // A warehouse an older sparkify created lacks the direct load's tables (and, on PostgreSQL,
    // songplays' file and line): create_tables.sql, every statement IF NOT EXISTS, adds them and
    // changes nothing else.
    auto current = engine.TableExists("direct_event_copies");
    status = !current.ok() ? current.status()
             : *current    ? Status::Ok()
                           : CreateTables(engine, /*drop_first=*/false);
  }
  if (status.ok()) status = engine.Begin();
  if (!status.ok()) {  // before the run's lock: nothing to record, or no right to
    finish(std::move(status));
    return outcome;
  }
  KillPointForTests("begin");
  // The run starts when it holds the lock: recorded runs never overlap.
  started_at = std::time(nullptr);
  report.started_at = IsoUtc(started_at);
  status = RunInTransaction(engine, options, report, SqlUtc(started_at));
  if (status.ok()) {
    const std::time_t finished_at = finish(Status::Ok());
    status = ExecuteNamed(engine, "run_succeeded",
                          {{"run_id", std::to_string(report.run_id)},
                           {"finished_at", SqlUtc(finished_at)},
                           {"report", SqlQuote(FormatReportJson(report),
                                               engine.traits().backslash_escapes_in_literals)}});
  }
  if (status.ok()) {
    KillPointForTests("before-commit");
    status = engine.Commit();
  }
  if (!status.ok()) {
    (void)engine.Rollback();  // the run's error is the one to report
    const std::time_t finished_at = finish(std::move(status));
    RecordFailedRun(engine, report, SqlUtc(started_at), SqlUtc(finished_at));
  }
  return outcome;
}

Result<LoadReport> RunEtl(Engine& engine, const EtlOptions& options) {
  EtlOutcome outcome = RunEtlReporting(engine, options);
  if (!outcome.status.ok()) return outcome.status;
  return std::move(outcome.report);
}

}  // namespace sparkify
