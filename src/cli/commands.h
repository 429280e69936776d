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

// The options every warehouse command shares, where the configuration and the warehouse are
// (--config, --engine, --database, --schema, --lock-timeout), bound to `overrides`.
void AddWarehouseFlags(CLI::App& app, ConfigOverrides& overrides);

// Merges flags, environment and dwh.cfg; prints configuration warnings to stderr.
Result<Config> ResolveConfig(const ConfigOverrides& overrides);

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
