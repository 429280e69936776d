// The statement names and tables of a run, in order (etl.cpp, direct_load.cpp).
#pragma once

#include "sparkify/engine.h"
#include "sparkify/pipeline.h"
#include "sparkify/status.h"

namespace sparkify {

// sql/<dialect>/transform_*.sql, in the order a run executes them.
inline constexpr const char* kTransformSteps[] = {"transform_songs",     "transform_artists",
                                                  "transform_users",     "transform_user_levels",
                                                  "transform_songplays", "transform_time"};

// The direct load (SQLite, PostgreSQL): the catalog's transforms run before the logs are read (the
// plays are matched as they stream in); then the phases that load the events, take back what
// changed files gave before, and make the users and the user levels.
inline constexpr const char* kDirectCatalogSteps[] = {"transform_songs", "transform_artists",
                                                      "rematch_songplays"};
inline constexpr const char* kDirectLoadPhase = "direct_songplays_time";
// Engines without several writers at once (PostgreSQL): after the logs, the rows that went
// into the scratch table direct_run_events (from the first batch a star table refused on) go
// into the star tables.
inline constexpr const char* kDirectDistribute = "direct_distribute";
inline constexpr const char* kDirectTakeBackPhase = "direct_take_back";
inline constexpr const char* kDirectUsersPhase = "direct_users";
inline constexpr const char* kDirectUserLevelsPhase = "direct_user_levels";

// Whether the run loads the events directly: `load` as asked, the default being direct where the
// engine takes star rows built by the client (SQLite, PostgreSQL) and the warehouse keeps no staged
// events
// (`keeps_staged_events`). --direct on another engine is an error.
inline Result<bool> LoadsDirectly(const EngineTraits& traits, EventLoad load,
                                  bool keeps_staged_events) {
  if (load == EventLoad::kDirect && !traits.loads_star_directly) {
    return Status::InvalidArgument(
        "--direct: the " + traits.name +
        " engine stages the events itself; --direct is for sqlite and postgres");
  }
  if (load == EventLoad::kDefault) return traits.loads_star_directly && !keeps_staged_events;
  return load == EventLoad::kDirect;
}

// The tables whose row counts the load report gives.
inline constexpr const char* kReportedTables[] = {"staging_events", "staging_songs", "songplays",
                                                  "users",          "user_levels",   "songs",
                                                  "artists",        "time",          "load_errors"};

}  // namespace sparkify
