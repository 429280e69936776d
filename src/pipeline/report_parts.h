// Pieces the load report and the warehouse status render alike (report.cpp). Pure functions.
#pragma once

#include <string>

#include "sparkify/engine.h"

namespace sparkify {

// A JSON string, or null for empty text.
std::string OptionalJsonString(const std::string& text);
// {"file": ...} for SQLite, {"host": ..., "port": ..., "database": ..., "user": ..., "schema": ...}
// for a server, null when unknown.
std::string TargetJson(const WarehouseTarget& target);
// For people: "w.db", or "host=... port=... database=... user=... schema=...".
std::string TargetText(const WarehouseTarget& target);

}  // namespace sparkify
