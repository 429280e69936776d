// The dry runs (`etl --dry-run`, `run --dry-run`, `create-tables --dry-run`): the run itself,
// RunEtlReporting or CreateTables, over the recording engine of the warehouse's kind
// (engine/recording_engine.h, EngineKind::plan), so a plan is what the run sends by
// construction. What it prints is that engine's transcript, after a header that says what the run
// read.
#include <fmt/format.h>

#include "engine/engine_kinds.h"
#include "source/source.h"
#include "sparkify/pipeline.h"

namespace sparkify {
namespace {

std::string SourceLine(const char* name, const std::string& location, const SourceCounts& c,
                       bool read_by_warehouse) {
  std::string out =
      fmt::format("-- {}: {}: {} file(s), {} bytes", name, QuotedPath(location), c.files, c.bytes);
  if (c.files_out_of_range > 0) {
    out += fmt::format(" ({} more outside --since/--until)", c.files_out_of_range);
  }
  if (read_by_warehouse) return out + ", which the warehouse reads itself\n";
  return out + fmt::format(": {} record(s) read, {} to load, {} filtered, {} quarantined\n", c.read,
                           c.loaded, c.filtered, c.quarantined);
}

std::string Header(RecordingEngine& engine, const EtlOptions& options, const LoadReport& report) {
  const EngineTraits& traits = engine.traits();
  const bool server = engine.server_staging() != nullptr;  // the warehouse reads the files
  std::string dialects;
  for (const auto& d : traits.sql_dialects) dialects += (dialects.empty() ? "" : ", ") + d;
  std::string out = fmt::format(
      "-- sparkify {} --dry-run: one run on engine {} (SQL of {}), recorded: every\n"
      "-- statement it would send, in order. Nothing was connected to or changed: the run ran on\n"
      "-- a recording engine, which answers every query with no rows, so this is the plan of a\n"
      "-- first load into {} (every file is new, ids start at 1).\n",
      options.create_missing_tables ? "run" : "etl", traits.name, dialects,
      options.create_missing_tables ? "a new warehouse" : "an empty warehouse");
  out += server ? "-- The sources were listed; what the run would write to S3 is described in "
                  "comments.\n"
                : "-- The sources were listed and read as the run reads them; the rows it would "
                  "write are\n-- comments (counted; those of load_files and load_errors "
                  "shown).\n";
  out += SourceLine("songs", options.song_data, report.songs, server);
  out += SourceLine("logs", options.log_data, report.logs, server);
  for (const std::string& e : report.first_errors) out += "-- quarantined: " + e + "\n";
  for (const std::string& w : report.warnings) out += "-- warning: " + w + "\n";
  return out;
}

}  // namespace

Result<std::string> PlanEtl(const Config& config, const EtlOptions& options) {
  auto engine = OpenPlanEngine(config);
  if (!engine.ok()) return engine.status();
  RecordingEngine& recorder = **engine;
  // `run` creates missing tables: its plan is that of a new warehouse. `etl` needs them: its
  // plan is that of one created and empty.
  recorder.set_tables_exist(!options.create_missing_tables);
  EtlOptions quiet = options;
  quiet.progress = false;
  const EtlOutcome outcome = RunEtlReporting(recorder, quiet);
  if (!outcome.status.ok()) return outcome.status;
  return Header(recorder, options, outcome.report) + recorder.transcript();
}

Result<std::string> CreateTablesStatements(const Config& config) {
  auto engine = OpenPlanEngine(config);
  if (!engine.ok()) return engine.status();
  SPARKIFY_RETURN_IF_ERROR(CreateTables(**engine, /*drop_first=*/true));
  return "-- sparkify create-tables --dry-run (engine " + config.engine +
         "): the statements it would send, recorded; nothing was connected to.\n" +
         (*engine)->transcript();
}

}  // namespace sparkify
