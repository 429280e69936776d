// Opening the engine a configuration names (through the table of engine kinds,
// src/engine/engine_kinds.h), creating the schema and the data-quality checks.
#include <fmt/format.h>

#include "engine/engine_kinds.h"
#include "engine/sql_catalog.h"
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

}  // namespace

WarehouseTarget DescribeTarget(const Config& config) {
  auto kind = FindEngineKind(config.engine);
  return kind.ok() ? (*kind)->describe(config) : WarehouseTarget{};
}

Result<std::unique_ptr<Engine>> OpenEngine(const Config& config, WarehouseAccess access) {
  auto kind = FindEngineKind(config.engine);
  if (!kind.ok()) return kind.status();
  if ((*kind)->check_config) SPARKIFY_RETURN_IF_ERROR((*kind)->check_config(config));
  return (*kind)->open(config, access);
}

std::string DescribeWarehouse(const Config& config) {
  const std::string origin = config.engine_origin == Config{}.engine_origin
                                 ? config.engine_origin
                                 : "from " + config.engine_origin;
  const WarehouseTarget target = DescribeTarget(config);
  return fmt::format("engine {} ({}), {}{}", config.engine, origin,
                     target.file.empty() ? "" : "file ", TargetText(target));
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
