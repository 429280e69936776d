// IniEditor: sets keys of a dwh.cfg and leaves every other byte as it was, so a program can write
// what it learnt (a cluster's endpoint, a role's ARN) into the file its user keeps by hand.
//
// The text is read as IniFile reads it (configparser's rules, src/config/ini_file.h) and must be
// valid. For each assignment, in order:
// - a key the section has (case-insensitively) keeps its line's name as written, its separator
//   and the spaces around it, its line ending and its quotes (a value written 'x' stays quoted);
//   its continuation lines, if any, are dropped. Comments, blank lines, other keys and sections
//   are untouched.
// - a key the section lacks is added after the section's last key (with the separator style of
//   the section's first key, else "="); a missing section is added at the end of the file.
// - only_if_empty leaves a key alone when it already has a non-empty value (DB_PASSWORD).
// Values are written so configparser reads them back: '%' doubled (interpolation), no line
// breaks (an error).
//
// WritePrivateFile replaces a file atomically (a temporary file beside it, then rename) with mode
// 0600, since dwh.cfg holds a password. Pure functions apart from that one; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sparkify/status.h"

namespace sparkify {

struct IniAssignment {
  std::string section;
  std::string key;
  std::string value;           // unquoted, uninterpolated: the value the reader should get
  bool only_if_empty = false;  // keep a non-empty value that is there
};

struct IniEditResult {
  std::string text;
  std::vector<std::string> changed;  // "[CLUSTER] HOST" for each key whose value changed
};

// `file_name` is only used in messages.
Result<IniEditResult> EditIni(std::string_view text, const std::vector<IniAssignment>& assignments,
                              const std::string& file_name);

// Writes `text` to `path` through a temporary file in the same folder and a rename; the file
// ends with mode 0600 whatever it had before. A symbolic link is followed, not replaced.
Status WritePrivateFile(const std::string& path, std::string_view text);

}  // namespace sparkify
