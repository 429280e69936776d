// Word-at-a-time byte searches for the short strings of a record (keys and values of a few dozen
// bytes), where a libc call or a byte-by-byte loop costs more than the search itself.
//
// Eight bytes per step with the classic "has a zero byte" test (Hacker's Delight 6-1); reads
// never go past the end of the view. Pure functions; thread-safe.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace sparkify::byte_scan {

namespace detail {

constexpr uint64_t kLowBits = 0x0101010101010101ULL;
constexpr uint64_t kHighBits = 0x8080808080808080ULL;

inline uint64_t Load(const char* p) {
  uint64_t word;
  std::memcpy(&word, p, sizeof word);
  return word;
}

// The high bit of every zero byte of `word` is set. Bytes above the first zero byte may be
// flagged falsely (borrow), so only "any" and "lowest" questions are answered exactly.
inline uint64_t ZeroBytes(uint64_t word) { return (word - kLowBits) & ~word & kHighBits; }

inline uint64_t BytesEqual(uint64_t word, char c) {
  return ZeroBytes(word ^ (kLowBits * static_cast<uint8_t>(c)));
}

}  // namespace detail

// Offset of the first byte of `s` equal to `a` or `b`, or s.size() when there is none.
inline size_t FindEither(std::string_view s, char a, char b) {
  size_t i = 0;
  if constexpr (std::endian::native == std::endian::little) {  // lowest byte first
    for (; i + 8 <= s.size(); i += 8) {
      const uint64_t word = detail::Load(s.data() + i);
      const uint64_t hits = detail::BytesEqual(word, a) | detail::BytesEqual(word, b);
      if (hits != 0) return i + static_cast<size_t>(std::countr_zero(hits)) / 8;
    }
  }
  for (; i < s.size(); ++i) {
    if (s[i] == a || s[i] == b) return i;
  }
  return s.size();
}

// True when some byte of `s` equals `c`.
inline bool Contains(std::string_view s, char c) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    if (detail::BytesEqual(detail::Load(s.data() + i), c) != 0) return true;
  }
  for (; i < s.size(); ++i) {
    if (s[i] == c) return true;
  }
  return false;
}

// True when every byte of `s` is below 0x80 (plain ASCII).
inline bool IsAscii(std::string_view s) {
  size_t i = 0;
  uint64_t high = 0;
  for (; i + 8 <= s.size(); i += 8) high |= detail::Load(s.data() + i);
  for (; i < s.size(); ++i) high |= static_cast<uint8_t>(s[i]);
  return (high & detail::kHighBits) == 0;
}

// What one pass over a JSON string's text found, up to its first quote or backslash.
struct StringScan {
  size_t end;        // offset of the first '"' or '\\'; the size scanned when there is none
  bool plain_ascii;  // the bytes before `end` are all ASCII and none is NUL
};

// Scans `s`, the text of a JSON string just after its opening quote, a word at a time with no
// byte-by-byte tail: `s` must be followed by at least 7 readable bytes, as simdjson's padded
// input is. Bytes past s.size() never count: a stop found there reads as no stop.
inline StringScan ScanJsonStringPadded(std::string_view s) {
  if constexpr (std::endian::native != std::endian::little) {
    const size_t end = FindEither(s, '"', '\\');
    const std::string_view before = s.substr(0, end);
    return {end, IsAscii(before) && !Contains(before, '\0')};
  }
  uint64_t flagged = 0;  // high bit of each byte, before the stop, that is NUL or >= 0x80
  for (size_t i = 0; i < s.size(); i += 8) {
    const uint64_t word = detail::Load(s.data() + i);
    const uint64_t stops = detail::BytesEqual(word, '"') | detail::BytesEqual(word, '\\');
    const uint64_t odd = detail::ZeroBytes(word) | (word & detail::kHighBits);
    if (stops != 0) {
      const unsigned at = static_cast<unsigned>(std::countr_zero(stops)) / 8;  // first stop byte
      const uint64_t before = at == 0 ? 0 : ~uint64_t{0} >> (64 - 8 * at);
      flagged |= odd & before;
      return {std::min(i + at, s.size()), flagged == 0};
    }
    flagged |= odd;
  }
  return {s.size(), false};
}

}  // namespace sparkify::byte_scan
