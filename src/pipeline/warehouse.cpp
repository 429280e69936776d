// Opening an engine, creating the schema and the data-quality checks.
#include <fmt/format.h>
#include <libpq-fe.h>

#include <algorithm>

#include "engine/postgres_connection.h"
#include "engine/postgres_engine.h"
#include "engine/redshift_engine.h"
#include "engine/sql_catalog.h"
#include "engine/sqlite_engine.h"
#include "pipeline/plan.h"
#include "pipeline/report_parts.h"
#include "sparkify/pipeline.h"

namespace sparkify {
namespace {

// The check's leading "-- " comment lines, joined.
std::string Description(std::string_view sql) {
  std::string out;
  size_t pos = 0;
  while (sql.substr(pos, 3) == "-- ") {
    const size_t end = sql.find('\n', pos);
    out += (out.empty() ? "" : " ") + std::string(sql.substr(pos + 3, end - pos - 3));
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return out;
}

PostgresOptions ConnectionOptions(const Config& config) {
  PostgresOptions options;
  options.conninfo = config.database;  // when empty, the [CLUSTER] keys below
  options.host = config.host;
  options.port = config.db_port;
  options.dbname = config.db_name;
  options.user = config.db_user;
  options.password = config.db_password;
  options.schema = config.schema;
  options.lock_wait_ms = config.lock_timeout_seconds * 1000;
  return options;
}

RedshiftStagingOptions StagingOptions(const Config& config) {
  RedshiftStagingOptions options;
  options.iam_role = config.iam_role_arn;
  options.log_jsonpath = config.log_jsonpath;
  options.staging_uri = config.staging_uri;
  return options;
}

}  // namespace

WarehouseTarget DescribeTarget(const Config& config) {
  WarehouseTarget target;
  if (config.engine == "sqlite") {
    target.file = config.database.empty() ? SqliteOptions().path : config.database;
    return target;
  }
  target.schema = config.schema;
  if (config.database.empty()) {
    target.host = config.host;
    target.port = config.db_port;
    target.database = config.db_name;
    target.user = config.db_user;
    return target;
  }
  // A plain word is a database name, as Connect decides (PostgresOptions::conninfo); a
  // connection string is read as libpq reads it (its password is not looked at).
  if (!postgres::IsConnectionString(config.database)) {
    target.database = config.database;
    return target;
  }
  postgres::ConninfoHandle options(PQconninfoParse(config.database.c_str(), nullptr));
  if (!options) return target;  // Connect reports why
  for (const PQconninfoOption* o = options.get(); o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    const std::string_view key = o->keyword;
    if (key == "host") target.host = o->val;
    if (key == "port") target.port = o->val;
    if (key == "dbname") target.database = o->val;
    if (key == "user") target.user = o->val;
  }
  return target;
}

Result<std::unique_ptr<Engine>> OpenEngine(const Config& config, WarehouseAccess access) {
  if (config.engine == "sqlite") {
    SqliteOptions options;
    if (!config.database.empty()) options.path = config.database;
    options.read_only = access == WarehouseAccess::kReadOnly;
    options.busy_timeout_ms = config.lock_timeout_seconds * 1000;
    return OpenSqliteEngine(options);
  }
  PostgresOptions connection = ConnectionOptions(config);
  connection.read_only = access == WarehouseAccess::kReadOnly;
  if (config.engine == "postgres") return OpenPostgresEngine(connection);
  if (config.engine == "redshift") {
    // libpq would try the local socket, which is never a Redshift cluster.
    if (config.database.empty() && config.host.empty()) {
      return Status::InvalidArgument(
          (config.config_file.empty() ? "" : config.config_file + ": ") +
          "[CLUSTER] HOST: missing; Redshift (chosen by " + config.engine_origin +
          ") needs the cluster's endpoint there (`sparkify cluster create` writes it) or a "
          "connection string in --database");
    }
    return RedshiftEngine::Open({connection, StagingOptions(config)});
  }
  return Status::InvalidArgument("engine '" + config.engine + "' is not available in this build");
}

std::string DescribeWarehouse(const Config& config) {
  const std::string origin = config.engine_origin == Config{}.engine_origin
                                 ? config.engine_origin
                                 : "from " + config.engine_origin;
  const WarehouseTarget target = DescribeTarget(config);
  return fmt::format("engine {} ({}), {}{}", config.engine, origin,
                     target.file.empty() ? "" : "file ", TargetText(target));
}

Result<EngineBlueprint> EngineBlueprintFor(const Config& config) {
  EngineBlueprint blueprint;
  if (config.engine == "sqlite") {
    blueprint.traits = SqliteTraits();
    blueprint.begin = "BEGIN IMMEDIATE;  -- the run's lock: SQLite's write lock";
  } else if (config.engine == "postgres") {
    blueprint.traits = PostgresEngine::Traits();
    blueprint.begin = "BEGIN;\n-- the run's lock: SELECT pg_advisory_xact_lock(<key of schema " +
                      config.schema + ">), waiting up to lock_timeout";
  } else if (config.engine == "redshift") {
    blueprint.traits = RedshiftEngine::Traits();
    auto begin = RedshiftEngine::BeginStatements(std::max(config.lock_timeout_seconds * 1000, 1),
                                                 "{{statement_timeout}}");
    if (!begin.ok()) return begin.status();
    blueprint.begin = *begin;
    blueprint.staging = std::make_unique<RedshiftStaging>(StagingOptions(config), nullptr);
  } else {
    return Status::InvalidArgument("engine '" + config.engine + "' is not available in this build");
  }
  return blueprint;
}

Status CreateTables(Engine& engine, bool drop_first) {
  const auto& dialects = engine.traits().sql_dialects;
  SPARKIFY_RETURN_IF_ERROR(engine.Begin());
  Status status;
  if (drop_first) {
    auto drop = LoadSql(dialects, "drop_tables");
    status = drop.ok() ? engine.Execute(*drop) : drop.status();
  }
  for (const char* name : {"create_tables", "create_staging_indexes"}) {
    if (!status.ok()) break;
    auto create = LoadSql(dialects, name);
    status = create.ok() ? engine.Execute(*create) : create.status();
  }
  if (status.ok()) return engine.Commit();
  (void)engine.Rollback();  // report the first error
  return status;
}

Result<std::string> CreateTablesStatements(const Config& config) {
  auto blueprint = EngineBlueprintFor(config);
  if (!blueprint.ok()) return blueprint.status();
  const auto& dialects = blueprint->traits.sql_dialects;
  // The same statements, in the same order, as CreateTables(engine, /*drop_first=*/true).
  std::string text = "-- sparkify create-tables --dry-run (engine " + config.engine + ")\n";
  for (const char* name : {"drop_tables", "create_tables", "create_staging_indexes"}) {
    auto sql = LoadSql(dialects, name);
    if (!sql.ok()) return sql.status();
    text += "-- " + std::string(name) + "\n" + *sql;
    if (!text.empty() && text.back() != '\n') text += '\n';
  }
  return text;
}

Result<std::vector<CheckResult>> RunChecks(Engine& engine) {
  const auto& dialects = engine.traits().sql_dialects;
  std::vector<CheckResult> results;
  for (const std::string& name : SqlNamesWithPrefix(dialects, "check_")) {
    auto sql = LoadSql(dialects, name);
    if (!sql.ok()) return sql.status();
    auto rows = engine.Query(*sql);
    if (!rows.ok()) return rows.status().WithContext(name);
    CheckResult check;
    check.name = name.substr(6);
    check.description = Description(*sql);
    check.violations = static_cast<int64_t>(rows->rows.size());
    for (size_t i = 0; i < rows->rows.size() && i < 5; ++i) {
      std::string rendered;
      for (size_t c = 0; c < rows->columns.size(); ++c) {
        rendered += fmt::format("{}{}={}", c ? ", " : "", rows->columns[c],
                                rows->rows[i][c].value_or("NULL"));
      }
      check.examples.push_back(rendered);
    }
    results.push_back(std::move(check));
  }
  return results;
}

}  // namespace sparkify
