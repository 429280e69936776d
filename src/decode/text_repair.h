// Repair of double-encoded UTF-8 ("mojibake"), as found in the eventsim logs.
//
// The logs hold text such as "Caf\u00c3\u0083\u00c2\u00a9" for "Café": UTF-8 bytes that were
// read as Latin-1 and encoded to UTF-8 again, twice. The rule (documented in README): while a
// string consists only of code points U+0000..U+00FF, has at least one at or above U+0080,
// and those code points taken as bytes form valid UTF-8 with a multi-byte sequence, replace it
// by that decoding; at most twice. Plain ASCII and correctly encoded text are never changed.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace sparkify {

// Returns true and fills `out` when `text` was repaired; false leaves `out` unspecified.
bool RepairMojibake(std::string_view text, std::string& out);

// True when `text` is valid UTF-8.
bool IsValidUtf8(std::string_view text);

}  // namespace sparkify
