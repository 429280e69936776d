#include <cstdio>

#include "cli/commands.h"
#include "sparkify/pipeline.h"

namespace sparkify::cli {
namespace {

struct CreateTablesOptions {
  ConfigOverrides warehouse;
  bool dry_run = false;  // --dry-run: print the statements, connect to nothing
};

Status RunCreateTables(const CreateTablesOptions& options) {
  auto config = ResolveConfig(options.warehouse);
  if (!config.ok()) return config.status();
  AnnounceWarehouse(*config);
  if (options.dry_run) {
    auto statements = CreateTablesStatements(*config);
    if (!statements.ok()) return statements.status();
    std::fputs(statements->c_str(), stdout);
    return Status::Ok();
  }
  auto engine = OpenEngine(*config);
  if (!engine.ok()) return engine.status();
  SPARKIFY_RETURN_IF_ERROR(CreateTables(**engine, /*drop_first=*/true));
  std::fprintf(stderr, "sparkify: created the staging tables and the star schema (%s)\n",
               config->engine.c_str());
  return Status::Ok();
}

}  // namespace

void SetupCreateTables(CLI::App& app, Outcome outcome) {
  auto options = std::make_shared<CreateTablesOptions>();
  CLI::App* cmd = app.add_subcommand(
      "create-tables", "Drop and re-create the staging tables, the ledger and the star schema.");
  AddWarehouseFlags(*cmd, options->warehouse);
  cmd->add_flag("--dry-run", options->dry_run,
                "print the statements it would run; connect to and change nothing");
  cmd->callback([options, outcome] { outcome(RunCreateTables(*options)); });
}

}  // namespace sparkify::cli
