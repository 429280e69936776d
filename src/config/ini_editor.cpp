#include "config/ini_editor.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "config/ini_file.h"

namespace sparkify {
namespace {

// One line of the file with its ending ("\n", "\r\n", "\r" or "" for the last line).
struct Line {
  std::string body;
  std::string ending;
};

std::vector<Line> SplitLines(std::string_view text) {
  std::vector<Line> lines;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n' && text[i] != '\r') continue;
    const size_t body_end = i;
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    lines.push_back({std::string(text.substr(start, body_end - start)),
                     std::string(text.substr(body_end, i + 1 - body_end))});
    start = i + 1;
  }
  if (start < text.size()) lines.push_back({std::string(text.substr(start)), ""});
  return lines;
}

std::string Join(const std::vector<Line>& lines) {
  std::string out;
  for (const Line& l : lines) out += l.body + l.ending;
  return out;
}

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\f' || c == '\v'; }

size_t Indent(const std::string& line) {
  size_t i = 0;
  while (i < line.size() && IsBlank(line[i])) ++i;
  return i;
}

bool BlankOrComment(const std::string& line) {
  const size_t i = Indent(line);
  return i == line.size() || line[i] == '#' || line[i] == ';';
}

bool SameKey(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The index of the last line of the value whose key is on line `key` (0-based): its indented
// continuation lines, with blank lines and comments between them, belong to it.
size_t ValueEnd(const std::vector<Line>& lines, size_t key) {
  const size_t key_indent = Indent(lines[key].body);
  size_t end = key;
  for (size_t i = key + 1; i < lines.size(); ++i) {
    if (BlankOrComment(lines[i].body)) continue;
    if (Indent(lines[i].body) <= key_indent) break;
    end = i;
  }
  return end;
}

// "HOST = " of "HOST = value": the name, the separator and the spaces after it.
std::string KeyPrefix(const std::string& line) {
  const size_t delimiter = line.find_first_of("=:");
  size_t value = delimiter + 1;
  while (value < line.size() && IsBlank(line[value])) ++value;
  return line.substr(0, value);
}

// The separator and spaces of a key line ("=", " = ", ": ").
std::string Separator(const std::string& line) {
  const size_t delimiter = line.find_first_of("=:");
  size_t begin = delimiter;
  while (begin > 0 && IsBlank(line[begin - 1])) --begin;
  return KeyPrefix(line).substr(begin);
}

std::string EscapeValue(const std::string& value) {
  std::string out;
  for (char c : value) {
    out += c;
    if (c == '%') out += '%';
  }
  return out;
}

char QuoteOf(std::string_view raw) {
  if (raw.size() >= 2 && (raw.front() == '\'' || raw.front() == '"') && raw.back() == raw.front())
    return raw.front();
  return 0;
}

std::string DefaultEnding(const std::vector<Line>& lines) {
  for (const Line& l : lines) {
    if (!l.ending.empty()) return l.ending;
  }
  return "\n";
}

Status Apply(std::string& text, const IniAssignment& a, const std::string& file_name,
             std::vector<std::string>& changed) {
  auto ini = IniFile::Parse(text, file_name);
  if (!ini.ok()) return ini.status();
  std::vector<Line> lines = SplitLines(text);
  const std::string ending = DefaultEnding(lines);
  const std::string label = "[" + a.section + "] " + a.key;
  const auto& sections = ini->sections();
  const auto section = std::find_if(sections.begin(), sections.end(),
                                    [&](const IniFile::Section& s) { return s.name == a.section; });
  const std::string escaped = EscapeValue(a.value);

  if (section == sections.end()) {
    if (!lines.empty() && lines.back().ending.empty()) lines.back().ending = ending;
    if (!lines.empty() && !BlankOrComment(lines.back().body)) lines.push_back({"", ending});
    lines.push_back({"[" + a.section + "]", ending});
    lines.push_back({a.key + "=" + escaped, ending});
    text = Join(lines);
    changed.push_back(label);
    return Status::Ok();
  }

  for (const IniFile::Key& key : section->keys) {
    if (!SameKey(key.name, a.key)) continue;
    const char quote = QuoteOf(key.value);
    std::string current = key.value;
    if (quote) current = current.substr(1, current.size() - 2);
    if (a.only_if_empty && !current.empty()) return Status::Ok();
    if (current == escaped) return Status::Ok();
    const size_t at = static_cast<size_t>(key.line - 1);
    const size_t end = ValueEnd(lines, at);
    const std::string q = quote ? std::string(1, quote) : "";
    lines[at].body = KeyPrefix(lines[at].body) + q + escaped + q;
    if (end > at) lines[at].ending = lines[end].ending;
    lines.erase(lines.begin() + static_cast<long>(at) + 1,
                lines.begin() + static_cast<long>(end) + 1);
    text = Join(lines);
    changed.push_back(label);
    return Status::Ok();
  }

  size_t insert_after = static_cast<size_t>(section->line - 1);
  std::string separator = "=";
  if (!section->keys.empty()) {
    separator = Separator(lines[static_cast<size_t>(section->keys.front().line - 1)].body);
    for (const IniFile::Key& key : section->keys) {
      insert_after = std::max(insert_after, ValueEnd(lines, static_cast<size_t>(key.line - 1)));
    }
  }
  if (lines[insert_after].ending.empty()) lines[insert_after].ending = ending;
  lines.insert(lines.begin() + static_cast<long>(insert_after) + 1,
               Line{a.key + separator + escaped, ending});
  text = Join(lines);
  changed.push_back(label);
  return Status::Ok();
}

}  // namespace

Result<IniEditResult> EditIni(std::string_view text, const std::vector<IniAssignment>& assignments,
                              const std::string& file_name) {
  IniEditResult result;
  result.text = std::string(text);
  for (const IniAssignment& a : assignments) {
    if (a.value.find_first_of("\r\n") != std::string::npos) {
      return Status::InvalidArgument(file_name + ": [" + a.section + "] " + a.key +
                                     ": a value cannot hold a line break");
    }
    SPARKIFY_RETURN_IF_ERROR(Apply(result.text, a, file_name, result.changed));
  }
  return result;
}

Status WritePrivateFile(const std::string& path, std::string_view text) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path target = path;
  if (fs::is_symlink(target, ec)) {
    target = fs::canonical(target, ec);
    if (ec) return Status::IoError(path + ": cannot resolve the link: " + ec.message());
  }
  const std::string temp = target.string() + ".sparkify-" + std::to_string(::getpid());
  auto fail = [&](const std::string& what) {
    const std::string reason = std::strerror(errno);
    ::unlink(temp.c_str());
    return Status::IoError(path + ": cannot " + what + " (" + reason + ")");
  };
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IoError(temp + ": cannot create (" + std::strerror(errno) + ")");
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return fail("write the new contents");
    }
    written += static_cast<size_t>(n);
  }
  // 0600 whatever the umask made of it; fsync so the rename never exposes an empty file.
  if (::fchmod(fd, 0600) != 0 || ::fsync(fd) != 0) {
    ::close(fd);
    return fail("write the new contents");
  }
  if (::close(fd) != 0) return fail("write the new contents");
  if (::rename(temp.c_str(), target.c_str()) != 0) return fail("replace the file");
  return Status::Ok();
}

}  // namespace sparkify
