#include "decode/field_reader.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "decode/byte_scan.h"
#include "decode/raw_text.h"
#include "decode/text_repair.h"

namespace sparkify {
namespace {

using simdjson::ondemand::json_type;
using simdjson::ondemand::number_type;

constexpr size_t kQuoteLimit = 60;
constexpr const char* kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD

std::string Quote(std::string_view s) {
  std::string out = "\"";
  out.append(CutAtCharacter(s, kQuoteLimit));
  if (s.size() > kQuoteLimit) out.append("...");
  out.push_back('"');
  return out;
}

bool Structural(simdjson::error_code code, FieldError& error) {
  error.reason = simdjson::error_message(code);
  error.structural = true;
  return false;
}

bool Refuse(std::string reason, FieldError& error) {
  error.reason = std::move(reason);
  error.structural = false;
  return false;
}

// Describes a value that is not of the expected kind: "an object", "the string \"abc\"".
std::string Describe(simdjson::ondemand::value& value, json_type type) {
  switch (type) {
    case json_type::object:
      return "an object";
    case json_type::array:
      return "an array";
    case json_type::boolean:
      return "a boolean";
    case json_type::null:
      return "null";
    case json_type::number:
    case json_type::string: {
      std::string_view raw = value.raw_json_token();
      while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\r' ||
                              raw.back() == '\t' || raw.back() == ',')) {
        raw.remove_suffix(1);
      }
      if (type == json_type::number) return "the number " + std::string(raw.substr(0, kQuoteLimit));
      return "the string " + std::string(CutAtCharacter(raw, kQuoteLimit + 2));
    }
  }
  return "a value";
}

bool ParseIntegerText(std::string_view s, int64_t& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec == std::errc() && end == s.data() + s.size()) return true;
  double d = 0;
  auto [dend, dec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (dec != std::errc() || dend != s.data() + s.size()) return false;
  if (!std::isfinite(d) || std::trunc(d) != d || std::fabs(d) > 9007199254740992.0) return false;
  out = static_cast<int64_t>(d);
  return true;
}

// get_string(), without its copy into the parser's string buffer when the string holds no escape
// sequence: the text is then read in place, exactly what simdjson's unescaping would copy out (it
// copies up to the first quote or backslash, and unescapes from a backslash on), and the view
// points into the input, which outlives the parser's buffer. `plain_ascii` tells whether the text
// is known to be ASCII without NUL (found in the same pass; false means "not known").
// Inline: kept in registers, the view is not copied through memory (see FieldReader).
inline simdjson::error_code GetString(simdjson::ondemand::value& value, std::string_view& out,
                                      bool& plain_ascii) {
  plain_ascii = false;
  // From the opening quote up to the next structural character: `"text"` plus any whitespace,
  // inside the input, which is followed by simdjson's padding.
  const std::string_view token = value.raw_json_token();
  if (!token.empty() && token.front() == '"') {
    const std::string_view text = token.substr(1);
    const byte_scan::StringScan scan = byte_scan::ScanJsonStringPadded(text);
    if (scan.end < text.size() && text[scan.end] == '"') {
      // Consume the value as get_string() does (get_raw_json_string() is its first half), so
      // that simdjson checks what follows the string exactly as before.
      simdjson::ondemand::raw_json_string consumed;
      if (auto e = value.get_raw_json_string().get(consumed)) return e;
      out = text.substr(0, scan.end);
      plain_ascii = scan.plain_ascii;
      return simdjson::SUCCESS;
    }
  }
  return value.get_string().get(out);
}

}  // namespace

bool FieldReader::Text(simdjson::ondemand::value& value, std::optional<std::string_view>& out,
                       FieldError& error) {
  json_type type;
  if (auto e = value.type().get(type)) return Structural(e, error);
  switch (type) {
    case json_type::null:
      out.reset();
      return true;
    case json_type::string: {
      std::string_view s;
      bool plain_ascii;
      if (auto e = GetString(value, s, plain_ascii)) {
        if (e == simdjson::STRING_ERROR || e == simdjson::UTF8_ERROR) {
          return Refuse("invalid string escape or UTF-8", error);
        }
        return Structural(e, error);
      }
      if (!plain_ascii) {  // else neither a NUL nor anything to repair (RepairMojibake skips ASCII)
        // No UTF-8 check here: simdjson validated the whole input, and unescaping \u sequences
        // yields valid UTF-8 or an error.
        std::string repaired;
        const bool undone = RepairMojibake(s, repaired);
        if (undone) s = repaired;
        if (byte_scan::Contains(s, '\0')) {  // U+0000, which PostgreSQL cannot store
          std::string replaced;
          replaced.reserve(s.size() + 8);
          for (char c : s) {
            if (c == '\0') {
              replaced += kReplacementCharacter;
            } else {
              replaced.push_back(c);
            }
          }
          repaired = std::move(replaced);
        } else if (!undone) {
          out = s;
          return true;
        }
        scratch_.push_back(std::move(repaired));
        s = scratch_.back();
        repaired_ = true;
      }
      out = s;
      return true;
    }
    case json_type::number:
    case json_type::boolean: {
      std::string_view raw = value.raw_json_token();
      size_t n = 0;
      while (n < raw.size() && raw[n] != ' ' && raw[n] != ',' && raw[n] != '}' && raw[n] != ']' &&
             raw[n] != '\n' && raw[n] != '\r' && raw[n] != '\t') {
        ++n;
      }
      out = raw.substr(0, n);
      return true;
    }
    default:
      return Refuse("expected text, got " + Describe(value, type), error);
  }
}

bool FieldReader::Integer(simdjson::ondemand::value& value, std::optional<int64_t>& out,
                          FieldError& error) {
  // Fast path for the common case, a JSON integer that fits: get_int64() succeeds exactly when
  // the general path below would take its signed_integer branch, and leaves the value untouched
  // when it fails.
  if (int64_t v; value.get_int64().get(v) == simdjson::SUCCESS) {
    out = v;
    return true;
  }
  json_type type;
  if (auto e = value.type().get(type)) return Structural(e, error);
  switch (type) {
    case json_type::null:
      out.reset();
      return true;
    case json_type::number: {
      number_type kind;
      if (auto e = value.get_number_type().get(kind)) return Structural(e, error);
      if (kind == number_type::signed_integer) {
        int64_t v;
        if (auto e = value.get_int64().get(v)) return Structural(e, error);
        out = v;
        return true;
      }
      if (kind == number_type::unsigned_integer) {
        return Refuse("integer out of range: " + Describe(value, type), error);
      }
      if (kind == number_type::floating_point_number) {
        double d;
        if (auto e = value.get_double().get(d)) return Structural(e, error);
        if (std::trunc(d) == d && std::fabs(d) <= 9007199254740992.0) {
          out = static_cast<int64_t>(d);
          return true;
        }
      }
      return Refuse("expected an integer, got " + Describe(value, type), error);
    }
    case json_type::string: {
      std::string_view s;
      bool plain_ascii;
      if (auto e = GetString(value, s, plain_ascii)) return Structural(e, error);
      if (s.empty()) {
        out.reset();
        return true;
      }
      int64_t v;
      if (ParseIntegerText(s, v)) {
        out = v;
        return true;
      }
      return Refuse("expected an integer, got the string " + Quote(s), error);
    }
    default:
      return Refuse("expected an integer, got " + Describe(value, type), error);
  }
}

bool FieldReader::Real(simdjson::ondemand::value& value, std::optional<double>& out,
                       FieldError& error) {
  // Fast path for the common case, a JSON number: get_double() succeeds only on a number (as the
  // general path below would read it), and leaves the value untouched when it fails.
  if (double d; value.get_double().get(d) == simdjson::SUCCESS) {
    out = d;
    return true;
  }
  json_type type;
  if (auto e = value.type().get(type)) return Structural(e, error);
  switch (type) {
    case json_type::null:
      out.reset();
      return true;
    case json_type::number: {
      double d;
      if (auto e = value.get_double().get(d)) {
        if (e != simdjson::NUMBER_OUT_OF_RANGE) return Structural(e, error);
        return Refuse("number out of range: " + Describe(value, type), error);
      }
      out = d;
      return true;
    }
    case json_type::string: {
      std::string_view s;
      bool plain_ascii;
      if (auto e = GetString(value, s, plain_ascii)) return Structural(e, error);
      if (s.empty()) {
        out.reset();
        return true;
      }
      double d = 0;
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
      if (ec == std::errc() && end == s.data() + s.size() && std::isfinite(d)) {
        out = d;
        return true;
      }
      return Refuse("expected a number, got the string " + Quote(s), error);
    }
    default:
      return Refuse("expected a number, got " + Describe(value, type), error);
  }
}

}  // namespace sparkify
