// Quoted text the program writes itself: JSON string literals (load reports, manifests) and the
// one-line quoted paths of messages and listings. Pure functions; thread-safe.
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace sparkify {

// How QuotedText writes a control character: as JSON does (\u001f), or for messages and listings
// (\x1f, DEL too), where the text stays on one line and reads as the bytes it holds.
enum class ControlEscape { kJson, kHex };

// `s` in double quotes, with the quote, the backslash, \n, \r and \t escaped as in JSON and any
// other control character as `style` says; every other byte (UTF-8 too) as it is.
inline std::string QuotedText(std::string_view s, ControlEscape style) {
  std::string out = "\"";
  for (char c : s) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (style == ControlEscape::kJson && byte < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<int>(c));
        } else if (style == ControlEscape::kHex && (byte < 0x20 || byte == 0x7f)) {
          out += fmt::format("\\x{:02x}", byte);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
  return out;
}

inline std::string JsonString(std::string_view s) { return QuotedText(s, ControlEscape::kJson); }

}  // namespace sparkify
