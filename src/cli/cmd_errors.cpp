#include <cstdio>

#include "cli/commands.h"
#include "sparkify/pipeline.h"
#include "sparkify/warehouse_status.h"

namespace sparkify::cli {
namespace {

struct ErrorsCommandOptions {
  ConfigOverrides warehouse;
  bool json = false;
  ErrorFilter filter;
};

Status RunErrorsCommand(const ErrorsCommandOptions& options) {
  auto config = ResolveConfig(options.warehouse);
  if (!config.ok()) return config.status();
  AnnounceWarehouse(*config);
  auto engine = OpenEngine(*config, WarehouseAccess::kReadOnly);
  if (!engine.ok()) return engine.status();
  auto listing = ReadQuarantine(**engine, options.filter);
  if (!listing.ok()) return listing.status();
  const std::string out = options.json ? FormatQuarantineJson(*listing) + "\n"
                                       : FormatQuarantineText(*listing, options.filter);
  std::fputs(out.c_str(), stdout);
  return Status::Ok();
}

}  // namespace

void SetupErrors(CLI::App& app, Outcome outcome) {
  auto options = std::make_shared<ErrorsCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "errors",
      "List the quarantined input records (table load_errors): run, source, file:line, field, "
      "reason and the record's text, in load order. Reads only.");
  AddWarehouseFlags(*cmd, options->warehouse);
  cmd->add_flag("--json", options->json, "write the records to stdout as one JSON object");
  cmd->add_option("--run", options->filter.run_id, "only the records of run N")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--source", options->filter.source, "only the records of songs or logs")
      ->check(CLI::IsMember({"songs", "logs"}));
  cmd->add_option("--file", options->filter.file,
                  "only the records of files whose path contains TEXT");
  cmd->add_option("--reason", options->filter.reason,
                  "only the records whose reason contains TEXT");
  cmd->add_option("--limit", options->filter.limit, "at most N records")
      ->check(CLI::Range(int64_t{1}, int64_t{1000000}))
      ->capture_default_str();
  cmd->callback([options, outcome] { outcome(RunErrorsCommand(*options)); });
}

}  // namespace sparkify::cli
