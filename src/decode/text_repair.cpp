#include "decode/text_repair.h"

#include <simdjson.h>

#include "decode/byte_scan.h"

namespace sparkify {
namespace {

// One step: decodes `text` as UTF-8 into Latin-1 bytes when every code point is below U+0100;
// succeeds only when those bytes are themselves valid UTF-8 holding a multi-byte sequence.
bool UndoOneLayer(std::string_view text, std::string& out) {
  out.clear();
  out.reserve(text.size());  // the result is never longer: one allocation at most
  bool has_high = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if ((c == 0xC2 || c == 0xC3) && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if ((next & 0xC0) != 0x80) return false;
      out.push_back(static_cast<char>(((c & 0x03) << 6) | (next & 0x3F)));
      has_high = true;
      ++i;
    } else {
      return false;  // a code point above U+00FF: this is not Latin-1 read as UTF-8
    }
  }
  return has_high && IsValidUtf8(out);
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  return simdjson::validate_utf8(text.data(), text.size());
}

bool RepairMojibake(std::string_view text, std::string& out) {
  // Almost all text is plain ASCII, which has nothing to repair: say so after one quick pass,
  // before any copying.
  if (byte_scan::IsAscii(text)) return false;
  std::string once;
  if (!UndoOneLayer(text, once)) return false;
  if (!UndoOneLayer(once, out)) out = std::move(once);
  return true;
}

}  // namespace sparkify
