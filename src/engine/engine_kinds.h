// EngineKind: the one table of the warehouse engines this build has, and the engine factory.
//
// A row says everything that depends on an engine's name: the name itself (the value of
// --engine, SPARKIFY_ENGINE and [WAREHOUSE] ENGINE), its line in --help, what it needs of the
// configuration, where its warehouse is (from the configuration alone, never a secret), how it
// opens, and the recording engine a dry run runs on in its place. The configuration, the
// command line and the pipeline all read this table; nothing else branches on an engine's name.
// Adding an engine is its class (include/sparkify/engine.h) and one row in engine_kinds.cpp.
//
// The table is constant and the functions are thread-safe; an opened Engine is not (engine.h).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/recording_engine.h"
#include "sparkify/config.h"
#include "sparkify/engine.h"
#include "sparkify/status.h"

namespace sparkify {

struct EngineKind {
  const char* name;         // "sqlite", "postgres", "redshift"
  const char* description;  // what it is, one line for --help
  // What the engine needs of the configuration beyond a valid Config (null: nothing): an error
  // naming the missing setting, checked before it opens.
  Status (*check_config)(const Config& config);
  // Where its warehouse is (the SQLite file; host, port, database, user, schema as given).
  WarehouseTarget (*describe)(const Config& config);
  Result<std::unique_ptr<Engine>> (*open)(const Config& config, WarehouseAccess access);
  // A RecordingEngine standing for the engine `open` would return, connecting to nothing: its
  // traits, the statements its Begin() sends, its row writer and its server staging (in plan
  // mode). A dry run is the run over it.
  Result<std::unique_ptr<RecordingEngine>> (*plan)(const Config& config);
};

// Every engine of this build, in the order --help lists them.
const std::vector<EngineKind>& EngineKinds();

// The row named `name`, or an error saying the engine is not available in this build.
Result<const EngineKind*> FindEngineKind(std::string_view name);

// The names for messages: "sqlite, postgres or redshift".
std::string EngineNamesText();

// The recording engine of the engine `config` names (EngineKind::plan), for dry runs.
Result<std::unique_ptr<RecordingEngine>> OpenPlanEngine(const Config& config);

}  // namespace sparkify
