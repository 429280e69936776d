// Column lists of the staging tables and the functions that write one record as one row.
#pragma once

#include <string>
#include <vector>

#include "decode/records.h"
#include "sparkify/engine.h"

namespace sparkify {

const std::vector<std::string>& StagingEventColumns();
const std::vector<std::string>& StagingSongColumns();

// Provenance of a staged row: the run and the ledger's file id, plus line or document index.
struct Provenance {
  int64_t run_id = 0;
  int64_t file_id = 0;
};

Status WriteEventRow(const EventRecord& e, const Provenance& p, int64_t line, RowWriter& w);
Status WriteSongRow(const SongRecord& s, const Provenance& p, int64_t document, RowWriter& w);

}  // namespace sparkify
