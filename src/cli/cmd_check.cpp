#include <cstdio>

#include "cli/commands.h"
#include "sparkify/pipeline.h"

namespace sparkify::cli {
namespace {

struct CheckOptions {
  ConfigOverrides warehouse;
};

Status RunCheckCommand(const CheckOptions& options) {
  auto config = ResolveConfig(options.warehouse);
  if (!config.ok()) return config.status();
  AnnounceWarehouse(*config);
  auto engine = OpenEngine(*config, WarehouseAccess::kReadOnly);
  if (!engine.ok()) return engine.status();
  auto checks = RunChecks(**engine);
  if (!checks.ok()) return checks.status();
  std::string failed;
  for (const CheckResult& c : *checks) {
    std::printf("%-4s %-28s %s\n", c.violations ? "FAIL" : "ok", c.name.c_str(),
                c.description.c_str());
    if (c.violations) {
      std::printf("     %lld violating row(s), for example:\n",
                  static_cast<long long>(c.violations));
      for (const auto& e : c.examples) std::printf("       %s\n", e.c_str());
      failed += (failed.empty() ? "" : ", ") + c.name;
    }
  }
  if (!failed.empty()) return Status::CheckFailed("data-quality check failed: " + failed);
  return Status::Ok();
}

}  // namespace

void SetupCheck(CLI::App& app, Outcome outcome) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* cmd = app.add_subcommand(
      "check",
      "Run the data-quality checks (unique keys, foreign keys, no empty table, time parts). "
      "Exit code 1 when any fails.");
  AddWarehouseFlags(*cmd, options->warehouse);
  cmd->callback([options, outcome] { outcome(RunCheckCommand(*options)); });
}

}  // namespace sparkify::cli
