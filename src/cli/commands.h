// The subcommands of the sparkify program. Each has an options struct, a Setup function that
// registers it with CLI11, and a Run function that makes library calls and returns a Status.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sparkify/config.h"
#include "sparkify/s3_options.h"
#include "sparkify/status.h"

namespace sparkify::cli {

// Options every warehouse command shares: where the configuration and the warehouse are.
struct WarehouseFlags {
  std::optional<std::string> config_file;
  std::optional<std::string> engine;
  std::optional<std::string> database;
  std::optional<std::string> schema;
  std::optional<int> lock_timeout_seconds;
};

void AddWarehouseFlags(CLI::App& app, WarehouseFlags& flags);

// Merges flags, environment and dwh.cfg; prints configuration warnings to stderr.
Result<Config> ResolveConfig(const WarehouseFlags& flags,
                             const std::optional<std::string>& song_data = std::nullopt,
                             const std::optional<std::string>& log_data = std::nullopt,
                             const std::optional<std::string>& staging_uri = std::nullopt);

// Prints the run's first line to stderr: engine, what chose it, target (DescribeWarehouse).
void AnnounceWarehouse(const Config& config);

// dwh.cfg's [AWS] KEY/SECRET into `aws`, unless the environment has AWS_ACCESS_KEY_ID: they rank
// below it, as every dwh.cfg value ranks below the environment.
void ApplyConfigCredentials(const Config& config, S3Options& aws);

// Each Setup adds one subcommand whose callback stores its Status in `result`.
using Outcome = std::function<void(Status)>;
void SetupCreateTables(CLI::App& app, Outcome outcome);
void SetupEtl(CLI::App& app, Outcome outcome);
void SetupCheck(CLI::App& app, Outcome outcome);
void SetupGenerate(CLI::App& app, Outcome outcome);
void SetupCluster(CLI::App& app, Outcome outcome);
void SetupReport(CLI::App& app, Outcome outcome);
void SetupStatus(CLI::App& app, Outcome outcome);
// `etl --json` and `run --json` print one JSON object also for a usage error (`message`, the
// line on stderr without its "sparkify: error: "): the command line `args` (argv[1..]) decides.
void PrintJsonOfUsageError(const std::vector<std::string>& args, const std::string& message);
void SetupErrors(CLI::App& app, Outcome outcome);

}  // namespace sparkify::cli
