#include <cstdio>
#include <cstdlib>

#include "cli/commands.h"
#include "engine/engine_kinds.h"
#include "sparkify/pipeline.h"

namespace sparkify::cli {

void AddWarehouseFlags(CLI::App& app, ConfigOverrides& overrides) {
  app.add_option("--config", overrides.config_file,
                 "configuration file (default: ./dwh.cfg when it exists)");
  // The names and their lines from the table of engine kinds, the default marked.
  std::vector<std::string> names;
  std::string help = "warehouse engine:";
  for (const EngineKind& kind : EngineKinds()) {
    names.emplace_back(kind.name);
    help += std::string(names.size() == 1 ? " " : "; ") + kind.name +
            (kind.name == Config{}.engine ? " (default)" : "") + ", " + kind.description;
  }
  app.add_option("--engine", overrides.engine, help)->check(CLI::IsMember(names));
  app.add_option("--database", overrides.database,
                 "SQLite file (default sparkify.db), or a PostgreSQL or Redshift connection URI "
                 "or key=value string (Redshift: TLS required unless it sets sslmode)");
  app.add_option("--schema", overrides.schema,
                 "schema of every table, server engines (default public)");
  app.add_option("--lock-timeout", overrides.lock_timeout_seconds,
                 "seconds to wait for another run holding the warehouse (default 10)")
      ->check(CLI::Range(0, 86400).description("SECONDS from 0 to 86400"));
}

Result<Config> ResolveConfig(const ConfigOverrides& overrides) {
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
