// Numbers read from text that the library did not write itself (query results, settings, flags).
//
// Parsed whole with std::from_chars: a value with anything after the number, or out of the type's
// range, is no number. std::sto* are not used because they throw, which would cross the Status
// model (status.h) and end the process on a warehouse's odd answer.
//
// Pure functions; thread-safe.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "sparkify/status.h"

namespace sparkify {

// `text` as a T (an integer or floating-point type), or nullopt when it is not one whole.
template <typename T>
std::optional<T> ParseNumber(std::string_view text) {
  T value{};
  const char* end = text.data() + text.size();
  const auto parsed = std::from_chars(text.data(), end, value);
  if (parsed.ec != std::errc() || parsed.ptr != end || text.empty()) return std::nullopt;
  return value;
}

// As ParseNumber, or an EngineError naming `what` (such as "load_files.size") and the text: a
// value the warehouse returned that is not the number its column promises.
template <typename T>
Result<T> NumberFromWarehouse(std::string_view text, std::string_view what) {
  if (auto value = ParseNumber<T>(text)) return *value;
  return Status::EngineError(std::string(what) + ": the warehouse returned '" + std::string(text) +
                             "' where a number was expected");
}

// `n` in decimal with a comma between groups of three digits, as people read counts: 6,820.
inline std::string WithThousandsSeparators(int64_t n) {
  const uint64_t magnitude = n < 0 ? 0 - static_cast<uint64_t>(n) : static_cast<uint64_t>(n);
  const std::string digits = std::to_string(magnitude);
  std::string out = n < 0 ? "-" : "";
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

}  // namespace sparkify
