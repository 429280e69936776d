// The direct load (the default on SQLite and PostgreSQL; --stage-events instead stages the
// events): the event logs go straight into songplays, time and users, computed in C++ during
// the one streaming pass, instead of through staging_events and the SQL transforms. Each event of a
// user is kept, narrowed to its key and level, in direct_user_events, from which user_levels (and
// the users a changed file touches) are computed in SQL at the end of the run; a user's names,
// which rarely change, only where they do within a file, in direct_user_names (the names of the
// event at a file and line are those of the last row at or before that line). Every play and user
// event knows its file and line; a copy of an event either table already holds (an event delivered
// twice) goes to direct_event_copies, so that when a changed file takes its events back
// (direct_take_back.sql) the first remaining copy by file and line takes their place, as in a fresh
// load.
//
// The values are the SQL transforms' (star_rows.h; the conformance tests compare whole
// warehouses built both ways). The decoding thread matches each play against the catalog and
// formats its times; the writing thread only inserts. The song catalog is still staged and
// transformed in SQL (it is small and changes rarely), so it is complete before the first play.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "decode/records.h"
#include "pipeline/star_rows.h"
#include "sparkify/engine.h"

namespace sparkify {

// What the decoding thread keeps over one run's log files.
struct DirectLoadState {
  SongCatalog catalog;                  // filled before the logs are read; only read while they are
  LatestUsers users;                    // each user's latest event among this run's files
  std::optional<int64_t> last_play_ts;  // consecutive plays at one time need one time row
  // The names of each user's last event in the file being read (`names_file_id`): an event
  // whose names differ (or a user's first in the file) goes to direct_user_names.
  struct Names {
    std::optional<std::string> first_name, last_name, gender;
  };
  std::unordered_map<int64_t, Names> names_in_file;
  int64_t names_file_id = -1;
};

// What the writing thread keeps over one run's log files (engines without several writers at
// once): whether the rows go through direct_run_events from now on (BatchedDirectEventWriter).
struct DirectWriteState {
  bool rows_through_scratch = false;
};

// The rows the decoding thread hands to the writing thread: one per play (NextSong event) or
// event of a user, the tables it goes to in its first column.
const std::vector<std::string>& DirectEventColumns();

// Decoding thread: offers `e` (line `line` of file `file_id`) to the users and, for a play or an
// event of a user, writes its row to `w`.
Status WriteDirectEvent(const EventRecord& e, int64_t file_id, int64_t line, DirectLoadState& state,
                        RowWriter& w);

// Writing thread: writes DirectEventColumns rows into songplays, time, direct_user_events and
// direct_user_names, each skipping rows whose key is already there (an event delivered twice, a
// time shared with another play); a play or user event skipped goes to direct_event_copies. On
// an engine without several writers at once, in batches, each COPYed table by table, or, from
// the first batch a table refuses on, into direct_run_events (see DistributeDirectEvents).
Result<std::unique_ptr<RowWriter>> OpenDirectEventWriter(Engine& engine, DirectWriteState& state);

// After the logs, on an engine without several writers at once (PostgreSQL): distributes the
// rows OpenDirectEventWriter put into the run's scratch table direct_run_events (none unless a
// batch was refused) as the routing writer would have (direct_distribute.sql, `vars` its
// template's). Nothing to do on other engines.
Status DistributeDirectEvents(Engine& engine, const std::map<std::string, std::string>& vars);

// Reads staging_songs and songs (after the songs transform) into `catalog`.
Status LoadSongCatalog(Engine& engine, SongCatalog& catalog);

// After the logs, when a changed log file replaced its previous version (the run's
// direct_replaced_files): takes back what those versions gave songplays, time and
// direct_user_events, puts the first remaining copies in their place, and notes the users
// concerned and their earliest event taken back (replaced_user_events).
Status TakeBackReplacedFiles(Engine& engine);

// Writes this run's latest event per user into users; a later event already there stays. Users
// a changed file concerned are first recomputed from direct_user_events.
Status WriteDirectUsers(Engine& engine, const LatestUsers& users);

// After WriteDirectUsers: recomputes the user_levels of this run's users (run_users) and of the
// users a changed file concerned from direct_user_events.
Status WriteDirectUserLevels(Engine& engine);

}  // namespace sparkify
