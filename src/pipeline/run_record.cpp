#include "pipeline/run_record.h"

#include "engine/sql_catalog.h"

#include "base/numbers.h"
#include "base/sql_text.h"
#include "decode/raw_text.h"

namespace sparkify {
namespace {

// The most of a failed run's error etl_runs.error keeps, cut at a character boundary.
constexpr size_t kRecordedErrorBytes = 4096;

// MAX(run_id), 0 when there is no run.
Result<int64_t> LastRunId(Engine& engine) {
  auto sql = LoadSql(engine.traits().sql_dialects, "run_last_id");
  if (!sql.ok()) return sql.status();
  auto rows = engine.Query(*sql);
  if (!rows.ok()) return rows.status();
  if (rows->rows.empty() || rows->rows[0].empty() || !rows->rows[0][0]) return int64_t{0};
  return NumberFromWarehouse<int64_t>(*rows->rows[0][0], "etl_runs.run_id");
}

}  // namespace

void RecordFailedRun(Engine& engine, LoadReport& report, const std::string& started_at,
                     const std::string& finished_at) {
  Status status = engine.Begin();
  if (status.ok()) {
    auto run_id = LastRunId(engine);
    if (run_id.ok()) {
      report.run_id = *run_id + 1;
      const bool backslashes = engine.traits().backslash_escapes_in_literals;
      auto sql = LoadSql(
          engine.traits().sql_dialects, "run_failed",
          {{"run_id", std::to_string(report.run_id)},
           {"started_at", started_at},
           {"finished_at", finished_at},
           {"error",
            SqlQuote(CutAtCharacter(report.error.value_or(""), kRecordedErrorBytes), backslashes)},
           {"report", SqlQuote(FormatReportJson(report), backslashes)}});
      status = sql.ok() ? engine.Execute(*sql) : sql.status();
    } else {
      status = run_id.status();
    }
    if (status.ok()) status = engine.Commit();
    // Else not recorded: the warehouse cannot be written (a lost connection, a full disk),
    // which the run's own error says already.
    if (!status.ok()) (void)engine.Rollback();
  }
  if (!status.ok()) report.run_id = 0;  // the report names no run that is not there
}

}  // namespace sparkify
