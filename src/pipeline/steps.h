// The statement names and tables of a run, in order, shared by the run (etl.cpp) and its plan
// (plan.cpp, --dry-run), so the plan shows what the run does.
#pragma once

namespace sparkify {

// sql/<dialect>/transform_*.sql, in the order a run executes them.
inline constexpr const char* kTransformSteps[] = {"transform_songs", "transform_artists",
                                                  "transform_users", "transform_songplays",
                                                  "transform_time"};

// The tables whose row counts the load report gives.
inline constexpr const char* kReportedTables[] = {"staging_events", "staging_songs", "songplays",
                                                  "users",          "songs",         "artists",
                                                  "time",           "load_errors"};

}  // namespace sparkify
