// The record of a failed run in etl_runs (status 'failed', its error and report), written after
// the run rolled back, in a transaction of its own under the run's lock again, so its run_id is
// the next one. When the warehouse cannot be written (a lost connection, a full disk) nothing is
// recorded and report.run_id becomes 0: the run's own error is the one to report. Uses one
// Engine; not thread-safe with respect to it.
#pragma once

#include <string>

#include "sparkify/engine.h"
#include "sparkify/pipeline.h"

namespace sparkify {

// `started_at` and `finished_at` as SQL timestamps ('YYYY-MM-DD HH:MM:SS', UTC).
void RecordFailedRun(Engine& engine, LoadReport& report, const std::string& started_at,
                     const std::string& finished_at);

}  // namespace sparkify
