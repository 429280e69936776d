#include <cstdio>

#include "cli/commands.h"
#include "sparkify/pipeline.h"
#include "sparkify/warehouse_status.h"

namespace sparkify::cli {
namespace {

struct StatusCommandOptions {
  ConfigOverrides warehouse;
  bool json = false;
  int64_t runs = 5;
};

Status RunStatusCommand(const StatusCommandOptions& options) {
  auto config = ResolveConfig(options.warehouse);
  if (!config.ok()) return config.status();
  AnnounceWarehouse(*config);
  auto engine = OpenEngine(*config, WarehouseAccess::kReadOnly);
  if (!engine.ok()) return engine.status();
  StatusOptions status_options;
  status_options.runs = options.runs;
  auto status = ReadWarehouseStatus(**engine, status_options);
  if (!status.ok()) return status.status();
  const std::string out =
      options.json ? FormatStatusJson(*status) + "\n" : FormatStatusText(*status);
  std::fputs(out.c_str(), stdout);
  return Status::Ok();
}

}  // namespace

void SetupStatus(CLI::App& app, Outcome outcome) {
  auto options = std::make_shared<StatusCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "status",
      "Show what the warehouse holds: rows per table, the time the plays span, the last runs "
      "with their outcome, the files loaded per source and the quarantined records by reason. "
      "Reads only.");
  AddWarehouseFlags(*cmd, options->warehouse);
  cmd->add_flag("--json", options->json, "write the status to stdout as one JSON object");
  cmd->add_option("--runs", options->runs, "how many of the last runs to show")
      ->check(CLI::Range(int64_t{1}, int64_t{1000}))
      ->capture_default_str();
  cmd->callback([options, outcome] { outcome(RunStatusCommand(*options)); });
}

}  // namespace sparkify::cli
