#include <cstdio>
#include <cstdlib>

#include "cli/commands.h"
#include "sparkify/pipeline.h"

namespace sparkify::cli {

void AddWarehouseFlags(CLI::App& app, WarehouseFlags& flags) {
  app.add_option("--config", flags.config_file,
                 "configuration file (default: ./dwh.cfg when it exists)");
  app.add_option("--engine", flags.engine, "warehouse engine: sqlite (default), postgres, redshift")
      ->check(CLI::IsMember({"sqlite", "postgres", "redshift"}));
  app.add_option("--database", flags.database,
                 "SQLite file (default sparkify.db), or a PostgreSQL or Redshift connection URI "
                 "or key=value string (Redshift: TLS required unless it sets sslmode)");
  app.add_option("--schema", flags.schema,
                 "schema of every table, server engines (default public)");
  app.add_option("--lock-timeout", flags.lock_timeout_seconds,
                 "seconds to wait for another run holding the warehouse (default 10)")
      ->check(CLI::Range(0, 86400).description("SECONDS from 0 to 86400"));
}

Result<Config> ResolveConfig(const WarehouseFlags& flags,
                             const std::optional<std::string>& song_data,
                             const std::optional<std::string>& log_data,
                             const std::optional<std::string>& staging_uri) {
  ConfigOverrides overrides;
  overrides.config_file = flags.config_file;
  overrides.engine = flags.engine;
  overrides.database = flags.database;
  overrides.schema = flags.schema;
  overrides.lock_timeout_seconds = flags.lock_timeout_seconds;
  overrides.song_data = song_data;
  overrides.log_data = log_data;
  overrides.staging_uri = staging_uri;
  auto config = LoadConfig(overrides, ProcessEnvironment());
  if (config.ok()) {
    for (const auto& w : config->warnings)
      std::fprintf(stderr, "sparkify: warning: %s\n", w.c_str());
  }
  return config;
}

void AnnounceWarehouse(const Config& config) {
  std::fprintf(stderr, "sparkify: %s\n", DescribeWarehouse(config).c_str());
}

void ApplyConfigCredentials(const Config& config, S3Options& aws) {
  if (!config.aws_key.empty() && std::getenv("AWS_ACCESS_KEY_ID") == nullptr) {
    aws.access_key_id = config.aws_key;
    aws.secret_access_key = config.aws_secret;
  }
}

}  // namespace sparkify::cli
