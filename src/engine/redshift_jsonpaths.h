// The columns Redshift's COPY fills for each source, and the JSONPaths document that maps the
// event logs' fields onto them: sparkify's own (LogJsonPathsDocument, written to the staging
// location) or a configured [S3] LOG_JSONPATH, checked before it is used (CheckLogJsonPaths).
//
// Owns nothing; all functions are pure and thread-safe.
#pragma once

#include <string>

#include "sparkify/status.h"

namespace sparkify {

// The JSONPaths document sparkify writes for the event logs: the 18 fields of eventsim's records
// in staging_events' column order, as the course's log_json_path.json maps them.
const std::string& LogJsonPathsDocument();

// Checks a JSONPaths document (LOG_JSONPATH's contents) maps exactly those fields in that order;
// the message names `where` and the first expression that differs.
Status CheckLogJsonPaths(const std::string& where, const std::string& document);

// The column list of COPY into load_events (`events`) or load_songs: "artist, auth, ...".
std::string CopyColumns(bool events);

}  // namespace sparkify
