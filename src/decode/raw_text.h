// The text of a quarantined record as load_errors.raw_text stores it, on every engine.
//
// A rejected record may hold any bytes (invalid UTF-8, NUL), which PostgreSQL and Redshift text
// columns refuse: one such record would fail the whole load. So raw_text is always valid UTF-8
// without NUL, escaped by one rule (documented in README, "The warehouse"):
// - a backslash is written `\\`;
// - NUL, and every byte that is not part of a valid UTF-8 sequence, is written `\xHH` (two
//   lowercase hex digits);
// - everything else (valid UTF-8, including tabs, CR and LF) is kept as it is.
// The rule is reversible (UnescapeRawText): `\\` and `\xHH` are the only escapes, and a literal
// backslash is always doubled. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sparkify {

// `raw` escaped, cut to at most `limit` bytes of output; never inside an escape or a UTF-8
// sequence.
std::string EscapeRawText(std::string_view raw, size_t limit);

// The bytes EscapeRawText was given (as far as its output goes). Text that no escaping produced
// (a lone backslash, `\x` without two hex digits) is kept as it is.
std::string UnescapeRawText(std::string_view text);

// The length of the valid UTF-8 sequence at the start of `s` (1 to 4), or 0 when its first byte
// does not start one. NUL counts as a valid one-byte sequence.
size_t Utf8SequenceLength(std::string_view s);

// `s` cut to at most `limit` bytes, never inside a UTF-8 sequence (of valid UTF-8 text).
std::string_view CutAtCharacter(std::string_view s, size_t limit);

}  // namespace sparkify
