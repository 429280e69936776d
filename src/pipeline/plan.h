// The plan of an `etl` run (--dry-run): what a run would read and every statement it would run,
// in order, made without connecting to the warehouse and without changing anything. Listing the
// sources is the only thing it does.
//
// Without a connection the ledger is unknown, so every listed file in the --since/--until window
// is shown as new; the run's id and first file id are shown as {{run_id}} and {{first_file_id}}
// (in a run: MAX + 1 of the ledger's). Statements are the texts the run sends, except that a
// client-side bulk load (COPY FROM STDIN, prepared INSERTs) and rows the run inserts from data it
// reads (rejected records, ledger rows) appear as comments.
#pragma once

#include <memory>
#include <string>

#include "engine/engine_kinds.h"
#include "source/source.h"
#include "sparkify/config.h"
#include "sparkify/engine.h"
#include "sparkify/pipeline.h"

namespace sparkify {

// The plan of one run over the two sources; `started_at` ('YYYY-MM-DD HH:MM:SS', UTC) is the
// time the plan assumes the run starts (it names the staging objects).
Result<std::string> PlanRun(const EngineBlueprint& engine, Source& songs, Source& logs,
                            const EtlOptions& options, const std::string& started_at);

}  // namespace sparkify
