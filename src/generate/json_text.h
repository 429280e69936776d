// JSON text as the two real producers wrote it. Appends to a caller-owned buffer, no
// allocation beyond its growth. Pure functions; thread-safe. Inputs are valid UTF-8.
//
// - Song files come from Python's json.dumps (ensure_ascii): non-ASCII as \uXXXX escapes,
//   '/' left alone.
// - Log files come from eventsim (Jackson): '/' written as "\/", and any non-ASCII text
//   double-encoded: its UTF-8 bytes read as Latin-1 and encoded again, twice, which leaves only
//   code points below U+0100, written as \u00XX ("Café" -> "Caf\u00c3\u0083\u00c2\u00a9").
//   The reader undoes exactly this (decode/text_repair.h), so it gets the intended text back.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sparkify::gen {

// "text" quoted, Python ensure_ascii style.
void AppendSongJsonString(std::string& out, std::string_view utf8);

// "text" quoted, eventsim style (escaped '/', double-encoded non-ASCII).
void AppendLogJsonString(std::string& out, std::string_view utf8);

void AppendInt(std::string& out, int64_t value);

// value / 100000 written as Python's repr writes that float: shortest digits, at least one
// decimal. 26958322 -> 269.58322, 30516200 -> 305.162, 4000000 -> 40.0, -811278 -> -8.11278.
// Generated lengths, durations and coordinates have five decimals like the real data, and the
// text parses to exactly value / 1e5, so a log's length equals the catalog's duration.
void AppendDecimal5(std::string& out, int64_t value);

}  // namespace sparkify::gen
