#include "decode/raw_text.h"

#include <algorithm>

namespace sparkify {
namespace {

constexpr char kHex[] = "0123456789abcdef";

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

size_t Utf8SequenceLength(std::string_view s) {
  if (s.empty()) return 0;
  const auto c0 = static_cast<unsigned char>(s[0]);
  if (c0 < 0x80) return 1;
  // Well-formed sequences (Unicode, table 3-7): no overlong forms, no surrogates, at most
  // U+10FFFF.
  size_t n;
  unsigned char low = 0x80, high = 0xBF;  // bounds of the second byte
  if (c0 >= 0xC2 && c0 <= 0xDF) {
    n = 2;
  } else if (c0 >= 0xE0 && c0 <= 0xEF) {
    n = 3;
    if (c0 == 0xE0) low = 0xA0;
    if (c0 == 0xED) high = 0x9F;
  } else if (c0 >= 0xF0 && c0 <= 0xF4) {
    n = 4;
    if (c0 == 0xF0) low = 0x90;
    if (c0 == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (s.size() < n) return 0;
  const auto c1 = static_cast<unsigned char>(s[1]);
  if (c1 < low || c1 > high) return 0;
  for (size_t i = 2; i < n; ++i) {
    if (!IsContinuation(static_cast<unsigned char>(s[i]))) return 0;
  }
  return n;
}

std::string EscapeRawText(std::string_view raw, size_t limit) {
  std::string out;
  out.reserve(std::min(raw.size() + raw.size() / 8 + 16, limit));
  size_t i = 0;
  while (i < raw.size()) {
    const size_t n = Utf8SequenceLength(raw.substr(i));
    if (n > 0 && raw[i] != '\0' && raw[i] != '\\') {
      if (out.size() + n > limit) break;
      out.append(raw.data() + i, n);
      i += n;
      continue;
    }
    const auto byte = static_cast<unsigned char>(raw[i]);
    if (byte == '\\') {
      if (out.size() + 2 > limit) break;
      out += "\\\\";
    } else {
      if (out.size() + 4 > limit) break;
      out += "\\x";
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xF]);
    }
    ++i;
  }
  return out;
}

std::string UnescapeRawText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '\\') {
      out.push_back('\\');
      ++i;
    } else if (text[i] == '\\' && i + 3 < text.size() && text[i + 1] == 'x' &&
               HexValue(text[i + 2]) >= 0 && HexValue(text[i + 3]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 2]) * 16 + HexValue(text[i + 3])));
      i += 3;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::string_view CutAtCharacter(std::string_view s, size_t limit) {
  if (s.size() <= limit) return s;
  size_t n = limit;
  while (n > 0 && IsContinuation(static_cast<unsigned char>(s[n]))) --n;
  return s.substr(0, n);
}

}  // namespace sparkify
