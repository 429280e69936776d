#include "decode/field_reader.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "decode/text_repair.h"

namespace sparkify {
namespace {

using simdjson::ondemand::json_type;
using simdjson::ondemand::number_type;

constexpr size_t kQuoteLimit = 60;

std::string Quote(std::string_view s) {
  std::string out = "\"";
  out.append(s.substr(0, kQuoteLimit));
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
std::string Describe(simdjson::ondemand::value value, json_type type) {
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
      return "the string " + std::string(raw.substr(0, kQuoteLimit + 2));
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

}  // namespace

bool FieldReader::Text(simdjson::ondemand::value value, std::optional<std::string_view>& out,
                       FieldError& error) {
  json_type type;
  if (auto e = value.type().get(type)) return Structural(e, error);
  switch (type) {
    case json_type::null:
      out.reset();
      return true;
    case json_type::string: {
      std::string_view s;
      if (auto e = value.get_string().get(s)) {
        if (e == simdjson::STRING_ERROR || e == simdjson::UTF8_ERROR) {
          return Refuse("invalid string escape or UTF-8", error);
        }
        return Structural(e, error);
      }
      if (std::memchr(s.data(), '\0', s.size()) != nullptr) {
        return Refuse("text contains a NUL character (U+0000), which PostgreSQL cannot store",
                      error);
      }
      // No UTF-8 check here: simdjson validated the whole input, and unescaping \u sequences
      // yields valid UTF-8 or an error.
      std::string repaired;
      if (RepairMojibake(s, repaired)) {
        scratch_.push_back(std::move(repaired));
        s = scratch_.back();
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

bool FieldReader::Integer(simdjson::ondemand::value value, std::optional<int64_t>& out,
                          FieldError& error) {
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
      if (auto e = value.get_string().get(s)) return Structural(e, error);
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

bool FieldReader::Real(simdjson::ondemand::value value, std::optional<double>& out,
                       FieldError& error) {
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
      if (auto e = value.get_string().get(s)) return Structural(e, error);
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
