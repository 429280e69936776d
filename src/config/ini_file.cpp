#include "config/ini_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <utility>

namespace sparkify {
namespace {

// str.isspace() and regex \s on ASCII.
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
         (c >= '\x1c' && c <= '\x1f');
}

std::string_view Strip(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view RightStrip(std::string_view s) {
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Python's universal newlines: "\n", "\r\n" and "\r" end a line.
std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n' && text[i] != '\r') continue;
    lines.push_back(text.substr(start, i - start));
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    start = i + 1;
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

constexpr int kMaxInterpolationDepth = 10;  // configparser.MAX_INTERPOLATION_DEPTH

}  // namespace

Result<IniFile> IniFile::Parse(std::string_view text, const std::string& file_name) {
  IniFile ini;
  ini.file_name_ = file_name;
  auto at = [&](int line) { return fmt::format("{}:{}: ", file_name, line); };

  // Values are collected line by line and joined at the end, as configparser does.
  std::vector<std::vector<std::string>> value_lines;  // parallel to every key ever added
  std::vector<std::pair<Section*, size_t>> key_of;    // value_lines[i] belongs to this key
  std::set<std::pair<std::string, std::string>> keys_added;
  Section* current = nullptr;
  std::string section_name;
  std::optional<size_t> option;  // index into value_lines of the key being continued
  bool option_named = false;     // configparser's `if optname`: an empty key name continues nothing
  size_t indent_level = 0;
  std::optional<Status> deferred;  // configparser raises ParsingError after the whole file

  // Sections live in a vector that grows: keep indices, resolve pointers after each push.
  ini.sections_.reserve(static_cast<size_t>(std::count(text.begin(), text.end(), '[')) + 1);

  int lineno = 0;
  for (std::string_view line : SplitLines(text)) {
    ++lineno;
    const std::string_view stripped = Strip(line);
    const bool comment = !stripped.empty() && (stripped.front() == '#' || stripped.front() == ';');
    if (comment || stripped.empty()) {
      // A blank line belongs to the value being read (empty_lines_in_values); a comment does not.
      if (!comment && current != nullptr && option && option_named)
        value_lines[*option].push_back("");
      continue;
    }
    const size_t indent = static_cast<size_t>(
        std::find_if(line.begin(), line.end(), [](char c) { return !IsSpace(c); }) - line.begin());
    if (current != nullptr && option && option_named && indent > indent_level) {
      value_lines[*option].emplace_back(stripped);
      continue;
    }
    indent_level = indent;
    const size_t close = stripped.rfind(']');
    if (stripped.front() == '[' && close != std::string_view::npos && close >= 2) {
      section_name = std::string(stripped.substr(1, close - 1));
      if (section_name == ini.defaults_.name) {
        current = &ini.defaults_;
      } else {
        for (const Section& s : ini.sections_) {
          if (s.name == section_name) {
            return Status::InvalidArgument(at(lineno) + "section [" + section_name +
                                           "] appears twice (first on line " +
                                           std::to_string(s.line) + ")");
          }
        }
        ini.sections_.push_back(Section{section_name, lineno, {}});
        current = &ini.sections_.back();
      }
      option.reset();
      continue;
    }
    if (current == nullptr) {
      return Status::InvalidArgument(
          at(lineno) +
          "a setting before any [SECTION] header (dwh.cfg needs sections such as "
          "[CLUSTER], as Python's configparser does)");
    }
    const size_t delimiter = stripped.find_first_of("=:");
    if (delimiter == std::string_view::npos) {
      if (!deferred) {
        deferred = Status::InvalidArgument(
            at(lineno) +
            "not a valid line (expected [SECTION], KEY = value, KEY: value, a comment "
            "starting with # or ;, or an indented continuation)");
      }
      continue;  // configparser keeps reading; the key being continued stays the same
    }
    const std::string_view name = RightStrip(stripped.substr(0, delimiter));
    if (name.empty() && !deferred) {
      deferred = Status::InvalidArgument(at(lineno) + "a value without a key name");
    }
    const std::string lowered = Lower(name);
    if (!keys_added.insert({section_name, lowered}).second) {
      int first = 0;
      for (const Key& k : current->keys) {
        if (Lower(k.name) == lowered) first = k.line;
      }
      return Status::InvalidArgument(at(lineno) + "[" + section_name + "] " + std::string(name) +
                                     " appears twice (first on line " + std::to_string(first) +
                                     "; keys are case-insensitive)");
    }
    current->keys.push_back(Key{std::string(name), "", lineno});
    value_lines.push_back({std::string(Strip(stripped.substr(delimiter + 1)))});
    key_of.emplace_back(current, current->keys.size() - 1);
    option = value_lines.size() - 1;
    option_named = !name.empty();
  }
  if (deferred) return *deferred;
  for (size_t i = 0; i < value_lines.size(); ++i) {
    std::string joined;
    for (size_t j = 0; j < value_lines[i].size(); ++j) {
      if (j > 0) joined += '\n';
      joined += value_lines[i][j];
    }
    key_of[i].first->keys[key_of[i].second].value = std::string(RightStrip(joined));
  }
  return ini;
}

const IniFile::Section* IniFile::FindSection(std::string_view name) const {
  for (const Section& s : sections_) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::vector<std::string> IniFile::Options(std::string_view section) const {
  std::vector<std::string> names;
  auto add = [&](const Section& s) {
    for (const Key& k : s.keys) {
      std::string lowered = Lower(k.name);
      if (std::find(names.begin(), names.end(), lowered) == names.end()) names.push_back(lowered);
    }
  };
  if (const Section* s = FindSection(section)) add(*s);
  add(defaults_);
  return names;
}

const IniFile::Key* IniFile::Find(std::string_view section, std::string_view key) const {
  const std::string lowered = Lower(key);
  auto in = [&](const Section& s) -> const Key* {
    for (const Key& k : s.keys) {
      if (Lower(k.name) == lowered) return &k;
    }
    return nullptr;
  };
  if (const Section* s = FindSection(section)) {
    if (const Key* k = in(*s)) return k;
  } else if (section != defaults_.name) {
    return nullptr;  // configparser: NoSectionError; DEFAULT alone does not make a section
  }
  return in(defaults_);
}

Result<std::optional<std::string>> IniFile::Get(std::string_view section,
                                                std::string_view key) const {
  const Key* entry = Find(section, key);
  if (entry == nullptr) return std::optional<std::string>();
  std::string out;
  SPARKIFY_RETURN_IF_ERROR(Interpolate(section, *entry, entry->value, 1, out));
  return std::optional<std::string>(std::move(out));
}

// BasicInterpolation._interpolate_some.
Status IniFile::Interpolate(std::string_view section, const Key& key, std::string_view rest,
                            int depth, std::string& out) const {
  auto fail = [&](const std::string& why) {
    return Status::InvalidArgument(
        fmt::format("{}:{}: [{}] {}: {} (configparser interpolates "
                    "%(key)s; write a literal % as %%)",
                    file_name_, key.line, section, key.name, why));
  };
  if (depth > kMaxInterpolationDepth) return fail("%(...)s references nest too deep");
  while (!rest.empty()) {
    const size_t p = rest.find('%');
    if (p == std::string_view::npos) {
      out += rest;
      return Status::Ok();
    }
    out += rest.substr(0, p);
    rest.remove_prefix(p);
    if (rest.size() >= 2 && rest[1] == '%') {
      out += '%';
      rest.remove_prefix(2);
    } else if (rest.size() >= 2 && rest[1] == '(') {
      const size_t close = rest.find(')', 2);
      if (close == std::string_view::npos || close == 2 || close + 1 >= rest.size() ||
          rest[close + 1] != 's') {
        return fail("a bad %(...)s reference");
      }
      const std::string name(rest.substr(2, close - 2));
      rest.remove_prefix(close + 2);
      const Key* referenced = Find(section, name);
      if (referenced == nullptr) return fail("%(" + name + ")s names no key of the section");
      if (referenced->value.find('%') != std::string::npos) {
        SPARKIFY_RETURN_IF_ERROR(Interpolate(section, key, referenced->value, depth + 1, out));
      } else {
        out += referenced->value;
      }
    } else {
      return fail("a % that is not %% or %(key)s");
    }
  }
  return Status::Ok();
}

std::string UnquoteValue(std::string v) {
  if (v.size() >= 2 && (v.front() == '\'' || v.front() == '"') && v.back() == v.front()) {
    return v.substr(1, v.size() - 2);
  }
  return v;
}

}  // namespace sparkify
