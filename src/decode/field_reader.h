// Lossless conversion of one JSON value to a declared column type.
//
// Rules (documented in README, identical for every engine):
// - null, and the empty string for a numeric field, become NULL;
// - text fields take strings, and numbers or booleans as their JSON text;
// - integer fields take integers, floats with no fractional part (1540919166796.0), and
//   strings holding such a number; floating fields take numbers and numeric strings;
// - objects and arrays are never converted; numbers out of range, fractional integers and
//   invalid UTF-8 are errors.
// Text is repaired, and the repair reported (TakeRepaired): double-encoded UTF-8 is undone (see
// text_repair.h), then each NUL character (U+0000, which PostgreSQL and Redshift cannot store)
// becomes U+FFFD, the replacement character, on every engine.
//
// A FieldReader keeps scratch space for repaired text; views it returns stay valid until
// Reset(). Not thread-safe.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "decode/byte_scan.h"

namespace sparkify {

// Why a value was refused, or a structural simdjson error (then `structural` is set).
struct FieldError {
  std::string reason;
  bool structural = false;
};

// The text of a JSON string that starts at `after_quote` (just after its opening quote), when it
// holds no escape sequence: then it is exactly what simdjson's unescaping would produce, which
// copies up to the first quote or backslash and unescapes from a backslash on. Reading it in place
// saves that copy. Returns false when a backslash comes first or no quote ends the string within
// `after_quote`: the string must then be unescaped by simdjson.
inline bool PlainJsonString(std::string_view after_quote, std::string_view& out) {
  const size_t end = byte_scan::FindEither(after_quote, '"', '\\');
  if (end == after_quote.size() || after_quote[end] != '"') return false;
  out = after_quote.substr(0, end);
  return true;
}

class FieldReader {
 public:
  void Reset() {
    scratch_.clear();
    repaired_ = false;
  }
  // True when a value read since the last call was repaired; clears the flag.
  bool TakeRepaired() { return std::exchange(repaired_, false); }

  // Each returns false and fills `error` (reason without the field name) on failure. The value
  // is taken by reference: copying it right after simdjson built it piecewise stalls the
  // processor's store forwarding, a cost that shows at millions of fields per second.
  bool Text(simdjson::ondemand::value& value, std::optional<std::string_view>& out,
            FieldError& error);
  bool Integer(simdjson::ondemand::value& value, std::optional<int64_t>& out, FieldError& error);
  bool Real(simdjson::ondemand::value& value, std::optional<double>& out, FieldError& error);

 private:
  std::deque<std::string> scratch_;
  bool repaired_ = false;
};

}  // namespace sparkify
