#include <unistd.h>

#include <cstdio>

#include "cli/commands.h"
#include "sparkify/pipeline.h"

namespace sparkify::cli {
namespace {

struct EtlCommandOptions {
  WarehouseFlags warehouse;
  std::optional<std::string> song_data;
  std::optional<std::string> log_data;
  bool json = false;
  bool quiet = false;
  bool create_missing_tables = false;  // true for `run`
};

Status RunEtlCommand(const EtlCommandOptions& options) {
  auto config = ResolveConfig(options.warehouse, options.song_data, options.log_data);
  if (!config.ok()) return config.status();
  auto engine = OpenEngine(*config);
  if (!engine.ok()) return engine.status();
  EtlOptions etl;
  etl.song_data = config->song_data;
  etl.log_data = config->log_data;
  etl.create_missing_tables = options.create_missing_tables;
  etl.progress = !options.quiet && ::isatty(STDERR_FILENO);
  auto report = RunEtl(**engine, etl);
  if (!report.ok()) return report.status();
  if (!options.quiet) std::fputs(FormatReportText(*report).c_str(), stderr);
  if (options.json) std::printf("%s\n", FormatReportJson(*report).c_str());
  return Status::Ok();
}

void Setup(CLI::App& app, const char* name, const char* description, bool create_missing,
           Outcome outcome) {
  auto options = std::make_shared<EtlCommandOptions>();
  options->create_missing_tables = create_missing;
  CLI::App* cmd = app.add_subcommand(name, description);
  AddWarehouseFlags(*cmd, options->warehouse);
  cmd->add_option("--song-data", options->song_data,
                  "song catalog: a folder, a file or s3://bucket/prefix (dwh.cfg [S3] SONG_DATA)");
  cmd->add_option("--log-data", options->log_data,
                  "event logs: a folder, a file or s3://bucket/prefix (dwh.cfg [S3] LOG_DATA)");
  cmd->add_flag("--json", options->json, "write the load report as JSON to stdout");
  cmd->add_flag("-q,--quiet", options->quiet, "no summary or progress on stderr");
  cmd->callback([options, outcome] { outcome(RunEtlCommand(*options)); });
}

}  // namespace

void SetupEtl(CLI::App& app, Outcome outcome) {
  Setup(app, "etl",
        "Extract both sources, stage them and transform them into the star schema. Files already "
        "loaded and unchanged are skipped.",
        false, outcome);
  Setup(app, "run", "Create the tables when they are missing, then run etl. Safe to repeat.", true,
        outcome);
}

}  // namespace sparkify::cli
