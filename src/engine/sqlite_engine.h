// SqliteEngine: the embedded warehouse, one SQLite file.
//
// Durability: rollback journal (not WAL, which doubles the page writes of a bulk load), so a run
// killed at any moment leaves the file as it was before the run. Begin() is BEGIN IMMEDIATE:
// a second run waits up to `busy_timeout_ms` for the first, then fails with kBusy.
#pragma once

#include <memory>
#include <string>

#include "sparkify/engine.h"

namespace sparkify {

struct SqliteOptions {
  std::string path = "sparkify.db";
  int busy_timeout_ms = 10000;
  int cache_mib = 256;     // page cache; large enough that index builds rarely spill
  bool read_only = false;  // opens an existing file only, and never writes it
};

Result<std::unique_ptr<Engine>> OpenSqliteEngine(const SqliteOptions& options);

// The traits of every SQLite engine (also for plans made without opening one).
EngineTraits SqliteTraits();

// What Begin() runs: the run's transaction, holding SQLite's write lock from its start.
inline constexpr const char* kSqliteBegin = "BEGIN IMMEDIATE";

}  // namespace sparkify
