#include "pipeline/run_record.h"

#include <fmt/format.h>

#include "base/numbers.h"
#include "base/sql_text.h"
#include "decode/raw_text.h"

namespace sparkify {
namespace {

// The most of a failed run's error etl_runs.error keeps, cut at a character boundary.
constexpr size_t kRecordedErrorBytes = 4096;

// MAX(run_id), 0 when there is no run.
Result<int64_t> LastRunId(Engine& engine) {
  auto rows = engine.Query("SELECT MAX(run_id) FROM etl_runs");
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
      status = engine.Execute(fmt::format(
          "INSERT INTO etl_runs (run_id, started_at, finished_at, status, error, report) VALUES "
          "({}, '{}', '{}', 'failed', {}, {})",
          report.run_id, started_at, finished_at,
          SqlQuote(CutAtCharacter(report.error.value_or(""), kRecordedErrorBytes), backslashes),
          SqlQuote(FormatReportJson(report), backslashes)));
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
