#include "generate/json_text.h"

#include <charconv>

namespace sparkify::gen {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void AppendU16Escape(std::string& out, uint32_t unit) {
  const char escape[6] = {'\\',
                          'u',
                          kHex[(unit >> 12) & 0xF],
                          kHex[(unit >> 8) & 0xF],
                          kHex[(unit >> 4) & 0xF],
                          kHex[unit & 0xF]};
  out.append(escape, 6);
}

// The escapes both producers share for ASCII: quote, backslash and control characters.
// Returns false when `c` needs no escape.
bool AppendAsciiEscape(std::string& out, unsigned char c) {
  switch (c) {
    case '"':
      out.append("\\\"");
      return true;
    case '\\':
      out.append("\\\\");
      return true;
    case '\n':
      out.append("\\n");
      return true;
    case '\r':
      out.append("\\r");
      return true;
    case '\t':
      out.append("\\t");
      return true;
    case '\b':
      out.append("\\b");
      return true;
    case '\f':
      out.append("\\f");
      return true;
    default:
      if (c < 0x20) {
        AppendU16Escape(out, c);
        return true;
      }
      return false;
  }
}

}  // namespace

void AppendSongJsonString(std::string& out, std::string_view utf8) {
  out.push_back('"');
  for (size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      if (!AppendAsciiEscape(out, c)) out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    // Decode one multi-byte sequence (the input is our own valid UTF-8).
    const int length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    uint32_t code = c & (0x7F >> length);
    for (int k = 1; k < length && i + k < utf8.size(); ++k) {
      code = (code << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    }
    i += length;
    if (code >= 0x10000) {  // a surrogate pair, as json.dumps writes it
      code -= 0x10000;
      AppendU16Escape(out, 0xD800 + (code >> 10));
      AppendU16Escape(out, 0xDC00 + (code & 0x3FF));
    } else {
      AppendU16Escape(out, code);
    }
  }
  out.push_back('"');
}

void AppendLogJsonString(std::string& out, std::string_view utf8) {
  out.push_back('"');
  for (const char ch : utf8) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80) {
      // One byte of the original becomes a two-byte sequence after the first encoding; the
      // second encoding turns each of those bytes into a code point below U+0100.
      AppendU16Escape(out, 0xC0 | (c >> 6));
      AppendU16Escape(out, 0x80 | (c & 0x3F));
    } else if (c == '/') {
      out.append("\\/");
    } else if (!AppendAsciiEscape(out, c)) {
      out.push_back(ch);
    }
  }
  out.push_back('"');
}

void AppendInt(std::string& out, int64_t value) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

void AppendDecimal5(std::string& out, int64_t value) {
  if (value < 0) {
    out.push_back('-');
    value = -value;
  }
  AppendInt(out, value / 100000);
  out.push_back('.');
  int64_t fraction = value % 100000;
  int digits = 5;
  while (digits > 1 && fraction % 10 == 0) {
    fraction /= 10;
    --digits;
  }
  char buffer[5];
  for (int k = digits - 1; k >= 0; --k) {
    buffer[k] = static_cast<char>('0' + fraction % 10);
    fraction /= 10;
  }
  out.append(buffer, digits);
}

}  // namespace sparkify::gen
