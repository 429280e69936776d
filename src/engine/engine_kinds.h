// EngineKind: the one table of the warehouse engines this build has, and the engine factory.
//
// A row says everything that depends on an engine's name: the name itself (the value of
// --engine, SPARKIFY_ENGINE and [WAREHOUSE] ENGINE), its line in --help, what it needs of the
// configuration, where its warehouse is (from the configuration alone, never a secret), how it
// opens, and what a plan (--dry-run) knows of it without connecting. The configuration, the
// command line and the pipeline all read this table; nothing else branches on an engine's name.
// Adding an engine is its class (include/sparkify/engine.h) and one row in engine_kinds.cpp.
//
// The table is constant and the functions are thread-safe; an opened Engine is not (engine.h).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/server_staging.h"
#include "sparkify/config.h"
#include "sparkify/engine.h"
#include "sparkify/status.h"

namespace sparkify {

// What a plan needs of an engine, known without connecting.
struct EngineBlueprint {
  EngineTraits traits;
  std::string begin;  // how a run starts its transaction and takes the lock, as SQL text
  // How the warehouse stages files itself (Engine::server_staging() of the opened engine), for
  // plans only; null when rows are staged through the client.
  std::unique_ptr<ServerStaging> staging;
};

struct EngineKind {
  const char* name;         // "sqlite", "postgres", "redshift"
  const char* description;  // what it is, one line for --help
  // What the engine needs of the configuration beyond a valid Config (null: nothing): an error
  // naming the missing setting, checked before it opens.
  Status (*check_config)(const Config& config);
  // Where its warehouse is (the SQLite file; host, port, database, user, schema as given).
  WarehouseTarget (*describe)(const Config& config);
  Result<std::unique_ptr<Engine>> (*open)(const Config& config, WarehouseAccess access);
  Result<EngineBlueprint> (*blueprint)(const Config& config);
};

// Every engine of this build, in the order --help lists them.
const std::vector<EngineKind>& EngineKinds();

// The row named `name`, or an error saying the engine is not available in this build.
Result<const EngineKind*> FindEngineKind(std::string_view name);

// The names for messages: "sqlite, postgres or redshift".
std::string EngineNamesText();

// The blueprint of the engine `config` names.
Result<EngineBlueprint> EngineBlueprintFor(const Config& config);

}  // namespace sparkify
