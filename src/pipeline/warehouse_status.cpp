// Reading what a warehouse holds (sparkify status, sparkify errors): SELECTs only, from
// sql/common/status_*.sql and errors_*.sql with the dialect's filter.
#include "sparkify/warehouse_status.h"

#include <fmt/format.h>

#include "base/numbers.h"
#include "base/sql_text.h"
#include "engine/sql_catalog.h"
#include "pipeline/steps.h"

namespace sparkify {
namespace {

Result<QueryResult> QueryNamed(Engine& engine, const char* name,
                               const std::map<std::string, std::string>& vars = {}) {
  auto sql = LoadSql(engine.traits().sql_dialects, name, vars);
  if (!sql.ok()) return sql.status();
  auto rows = engine.Query(*sql);
  if (!rows.ok()) return rows.status().WithContext(name);
  return rows;
}

// A column of a result row as a number; NULL is `null_value`.
Result<int64_t> Integer(const std::optional<std::string>& cell, const char* what,
                        int64_t null_value = 0) {
  if (!cell) return null_value;
  return NumberFromWarehouse<int64_t>(*cell, what);
}

std::optional<int64_t> OptionalInteger(const std::optional<std::string>& cell) {
  if (!cell) return std::nullopt;
  return ParseNumber<int64_t>(*cell);
}

// '2018-11-30 23:00:00' (SQLite's text, PostgreSQL's timestamp with or without a fraction) as
// ISO 8601 UTC: '2018-11-30T23:00:00Z'. Other text is kept as it is.
std::string IsoFromWarehouse(const std::optional<std::string>& cell) {
  if (!cell) return "";
  std::string text = *cell;
  if (text.size() < 19 || text[10] != ' ') return text;
  text = text.substr(0, 19);
  text[10] = 'T';
  return text + "Z";
}

std::string Literal(Engine& engine, const std::optional<std::string>& value) {
  return value ? SqlQuote(*value, engine.traits().backslash_escapes_in_literals) : "NULL";
}

Status ReadRuns(Engine& engine, const StatusOptions& options, WarehouseStatus& status) {
  auto totals = QueryNamed(engine, "status_run_totals");
  if (!totals.ok()) return totals.status();
  if (!totals->rows.empty() && totals->rows[0].size() >= 3) {
    const auto& row = totals->rows[0];
    auto runs = Integer(row[0], "etl_runs count");
    if (!runs.ok()) return runs.status();
    auto failed = Integer(row[1], "failed runs");
    if (!failed.ok()) return failed.status();
    status.runs = *runs;
    status.failed_runs = *failed;
    status.last_success = OptionalInteger(row[2]);
  }
  auto runs = QueryNamed(engine, "status_runs", {{"limit", std::to_string(options.runs)}});
  if (!runs.ok()) return runs.status();
  for (const auto& row : runs->rows) {
    if (row.size() < 7) continue;
    RunSummary run;
    auto id = Integer(row[0], "etl_runs.run_id");
    if (!id.ok()) return id.status();
    run.run_id = *id;
    run.started_at = IsoFromWarehouse(row[1]);
    run.finished_at = IsoFromWarehouse(row[2]);
    run.status = row[3].value_or("");
    run.error = row[4];
    auto files = Integer(row[5], "files of a run");
    if (!files.ok()) return files.status();
    auto quarantined = Integer(row[6], "quarantined records of a run");
    if (!quarantined.ok()) return quarantined.status();
    run.files = *files;
    run.quarantined = *quarantined;
    status.last_runs.push_back(std::move(run));
  }
  return Status::Ok();
}

Status ReadLedger(Engine& engine, const StatusOptions& options, WarehouseStatus& status) {
  auto files = QueryNamed(engine, "status_files");
  if (!files.ok()) return files.status();
  for (const auto& row : files->rows) {
    if (row.size() < 4) continue;
    LedgerFiles source{row[0].value_or(""), 0, 0, OptionalInteger(row[3])};
    auto count = Integer(row[1], "load_files count");
    if (!count.ok()) return count.status();
    auto bytes = Integer(row[2], "load_files.size");
    if (!bytes.ok()) return bytes.status();
    source.files = *count;
    source.bytes = *bytes;
    status.files.push_back(std::move(source));
  }
  auto reasons = QueryNamed(engine, "status_reasons", {{"limit", std::to_string(options.reasons)}});
  if (!reasons.ok()) return reasons.status();
  for (const auto& row : reasons->rows) {
    if (row.size() < 3) continue;
    auto records = Integer(row[2], "load_errors count");
    if (!records.ok()) return records.status();
    status.reasons.push_back({row[0].value_or(""), row[1].value_or(""), *records});
  }
  return Status::Ok();
}

}  // namespace

Result<WarehouseStatus> ReadWarehouseStatus(Engine& engine, const StatusOptions& options) {
  WarehouseStatus status;
  status.engine = engine.traits().name;
  status.target = engine.target();
  for (const char* table : {"etl_runs", "songplays", "load_errors"}) {
    auto exists = engine.TableExists(table);
    if (!exists.ok()) return exists.status();
    if (!*exists) {
      return Status::InvalidArgument(
          std::string("the warehouse has no table ") + table +
          ": load it with `sparkify run` (or create the tables with `sparkify create-tables`)");
    }
  }
  for (const char* table : kReportedTables) {
    auto sql = LoadSql(engine.traits().sql_dialects, "count_rows", {{"table", table}});
    if (!sql.ok()) return sql.status();
    auto rows = engine.Query(*sql);
    if (!rows.ok()) return rows.status();
    auto n = Integer(rows->rows.empty() || rows->rows[0].empty() ? std::nullopt : rows->rows[0][0],
                     table);
    if (!n.ok()) return n.status();
    status.tables.emplace_back(table, *n);
    if (std::string_view(table) == "load_errors") status.quarantined = *n;
  }
  auto range = QueryNamed(engine, "status_play_range");
  if (!range.ok()) return range.status();
  if (!range->rows.empty() && range->rows[0].size() >= 2) {
    status.first_play = range->rows[0][0];
    status.last_play = range->rows[0][1];
  }
  SPARKIFY_RETURN_IF_ERROR(ReadRuns(engine, options, status));
  SPARKIFY_RETURN_IF_ERROR(ReadLedger(engine, options, status));
  return status;
}

Result<QuarantineListing> ReadQuarantine(Engine& engine, const ErrorFilter& filter) {
  auto exists = engine.TableExists("load_errors");
  if (!exists.ok()) return exists.status();
  if (!*exists) {
    return Status::InvalidArgument(
        "the warehouse has no table load_errors: load it with `sparkify run` first");
  }
  const std::map<std::string, std::string> vars = {
      {"run_id", filter.run_id ? std::to_string(*filter.run_id) : "NULL"},
      {"source", Literal(engine, filter.source)},
      {"file", Literal(engine, filter.file)},
      {"reason", Literal(engine, filter.reason)},
      {"limit", std::to_string(filter.limit)}};
  QuarantineListing listing;
  auto count = QueryNamed(engine, "errors_count", vars);
  if (!count.ok()) return count.status();
  if (!count->rows.empty() && !count->rows[0].empty()) {
    auto n = Integer(count->rows[0][0], "load_errors count");
    if (!n.ok()) return n.status();
    listing.matching = *n;
  }
  auto rows = QueryNamed(engine, "errors_list", vars);
  if (!rows.ok()) return rows.status();
  for (const auto& row : rows->rows) {
    if (row.size() < 9) continue;
    QuarantinedRecord record;
    auto run_id = Integer(row[0], "load_errors.run_id");
    if (!run_id.ok()) return run_id.status();
    record.run_id = *run_id;
    record.source = row[1].value_or("");
    record.path = row[2].value_or("");
    record.line = OptionalInteger(row[3]);
    record.document = OptionalInteger(row[4]);
    record.byte_offset = OptionalInteger(row[5]);
    record.field = row[6];
    record.reason = row[7].value_or("");
    record.raw_text = row[8];
    listing.records.push_back(std::move(record));
  }
  return listing;
}

}  // namespace sparkify
