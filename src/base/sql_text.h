// Small helpers for SQL text the pipeline builds itself (all values it controls): literals and
// UTC times. Pure functions (UtcNow reads the clock); thread-safe.
#pragma once

#include <ctime>
#include <string>
#include <string_view>

namespace sparkify {

// A SQL string literal: 'it''s'. With `backslash_escapes` (EngineTraits::
// backslash_escapes_in_literals: Redshift), backslashes are doubled too: 'C:\\x'.
inline std::string SqlQuote(std::string_view text, bool backslash_escapes = false) {
  std::string out = "'";
  for (char c : text) {
    out.push_back(c);
    if (c == '\'' || (backslash_escapes && c == '\\')) out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

// `time` in UTC, formatted by strftime's `format`.
inline std::string FormatUtc(std::time_t time, const char* format) {
  std::tm tm{};
  gmtime_r(&time, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

// A UTC time as 'YYYY-MM-DD HH:MM:SS', a literal every engine reads as a timestamp.
inline std::string SqlUtc(std::time_t time) { return FormatUtc(time, "%Y-%m-%d %H:%M:%S"); }
inline std::string UtcNow() { return SqlUtc(std::time(nullptr)); }

// A UTC time in ISO 8601, as reports give it: '2018-11-30T23:00:00Z'.
inline std::string IsoUtc(std::time_t time) { return FormatUtc(time, "%Y-%m-%dT%H:%M:%SZ"); }

}  // namespace sparkify
