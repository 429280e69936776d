// Column lists of the staging tables and the functions that write one record as one row.
#pragma once

#include <string>
#include <vector>

#include "decode/records.h"
#include "sparkify/engine.h"

namespace sparkify {

const std::vector<std::string>& StagingEventColumns();
const std::vector<std::string>& StagingSongColumns();

// Each staged row carries its provenance: the ledger's file id, and the line (events) or the
// document index (songs) in that file.
Status WriteEventRow(const EventRecord& e, int64_t file_id, int64_t line, RowWriter& w);
// The record's own values, in the staging columns' order, without provenance or EndRow.
void WriteEventFields(const EventRecord& e, RowWriter& w);
Status WriteSongRow(const SongRecord& s, int64_t file_id, int64_t document, RowWriter& w);
void WriteSongFields(const SongRecord& s, RowWriter& w);

}  // namespace sparkify
