// IniFile: a dwh.cfg read exactly as the course's Python reads it, `configparser.ConfigParser()`
// with its defaults (CPython 3.11's Lib/configparser.py, `_read` and `BasicInterpolation`):
// - `[SECTION]` headers (names case-sensitive; everything between the first `[` and the last `]`);
//   `KEY = value` or `KEY : value` split at the first `=` or `:`; keys case-insensitive.
// - Comments are whole lines whose first non-blank character is `#` or `;`. There are NO inline
//   comments: `HOST=h ; note` is the value `h ; note`, as configparser reads it.
// - Quotes are part of the value (`'s3://x'` keeps its quotes; what they mean is the caller's).
// - A line indented deeper than its key's line continues the value (joined with "\n"); blank
//   lines inside a value are kept, trailing ones dropped.
// - `[DEFAULT]` keys are seen in every section; `%(key)s` and `%%` are interpolated when a value
//   is read (Get), a lone `%` is an error, as in configparser.get().
// - Errors (first one wins, as configparser raises it): a key before any section header, a
//   section or key given twice, a line that is none of the above. Each names file and line.
// Differences from CPython, on purpose: bytes are not decoded (configparser decodes with the
// locale's encoding), and only ASCII whitespace and ASCII case folding are known.
// Immutable after Parse; safe to read from several threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sparkify/status.h"

namespace sparkify {

class IniFile {
 public:
  struct Key {
    std::string name;   // as written (configparser stores it lower-cased)
    std::string value;  // raw: continuation lines joined, not interpolated
    int line = 0;       // the line of `KEY =`
  };
  struct Section {
    std::string name;
    int line = 0;
    std::vector<Key> keys;
  };

  // `file_name` is only used in messages.
  static Result<IniFile> Parse(std::string_view text, const std::string& file_name);

  const std::string& file_name() const { return file_name_; }
  // The sections in file order, without DEFAULT (as configparser.sections()).
  const std::vector<Section>& sections() const { return sections_; }
  const Section& defaults() const { return defaults_; }
  bool HasSection(std::string_view name) const { return FindSection(name) != nullptr; }
  // configparser.options(section): the section's own keys (lower-cased), then DEFAULT's.
  std::vector<std::string> Options(std::string_view section) const;
  // The key's entry, in the section or else in DEFAULT; nullptr when neither has it.
  const Key* Find(std::string_view section, std::string_view key) const;
  // configparser.get(section, key): nullopt when absent; an interpolation error names
  // file:line, [SECTION] and KEY (never the value, which may be a password).
  Result<std::optional<std::string>> Get(std::string_view section, std::string_view key) const;

 private:
  const Section* FindSection(std::string_view name) const;
  Status Interpolate(std::string_view section, const Key& key, std::string_view rest, int depth,
                     std::string& out) const;

  std::string file_name_;
  std::vector<Section> sections_;
  Section defaults_{"DEFAULT", 0, {}};
};

// configparser keeps quotes as part of the value, and the course's etl.py pastes LOG_DATA,
// LOG_JSONPATH, SONG_DATA and ARN into its SQL where the quotes of '...' become the literal's.
// So a value wrapped in one pair of matching quotes means the text between them.
std::string UnquoteValue(std::string value);

}  // namespace sparkify
