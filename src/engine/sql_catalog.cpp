#include "engine/sql_catalog.h"

#include <set>

namespace sparkify {

std::optional<std::string_view> FindSql(const std::vector<std::string>& dialects,
                                        std::string_view name) {
  for (const std::string& dialect : dialects) {
    for (size_t i = 0; i < sql_data::kEntryCount; ++i) {
      const SqlEntry& e = sql_data::kEntries[i];
      if (dialect == e.dialect && name == e.name) return std::string_view(e.text);
    }
  }
  return std::nullopt;
}

std::vector<std::string> SqlNamesWithPrefix(const std::vector<std::string>& dialects,
                                            std::string_view prefix) {
  std::set<std::string> names;
  for (size_t i = 0; i < sql_data::kEntryCount; ++i) {
    const SqlEntry& e = sql_data::kEntries[i];
    std::string_view name(e.name);
    if (name.substr(0, prefix.size()) != prefix) continue;
    for (const std::string& dialect : dialects) {
      if (dialect == e.dialect) names.insert(e.name);
    }
  }
  return {names.begin(), names.end()};
}

Result<std::string> RenderSql(std::string_view text,
                              const std::map<std::string, std::string>& vars) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (true) {
    const size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) break;
    const size_t close = text.find("}}", open);
    if (close == std::string_view::npos) break;
    out.append(text.substr(pos, open - pos));
    const std::string key(text.substr(open + 2, close - open - 2));
    auto it = vars.find(key);
    if (it == vars.end())
      return Status::InvalidArgument("SQL template: no value for {{" + key + "}}");
    out.append(it->second);
    pos = close + 2;
  }
  out.append(text.substr(pos));
  return out;
}

Result<std::string> LoadSql(const std::vector<std::string>& dialects, std::string_view name,
                            const std::map<std::string, std::string>& vars) {
  auto text = FindSql(dialects, name);
  if (!text) {
    std::string chain;
    for (const auto& d : dialects) chain += (chain.empty() ? "" : ", ") + d;
    return Status::InvalidArgument("no SQL statement '" + std::string(name) + "' for dialect " +
                                   chain);
  }
  // "{{include NAME}}" stands for the text of statement file NAME (of the same dialects), so
  // statements that two steps share are written once.
  constexpr std::string_view kInclude = "{{include ";
  std::string expanded(*text);
  constexpr int kMaxIncludes = 16;  // a cycle of includes is an error, not a hang
  for (int includes = 0;; ++includes) {
    const size_t at = expanded.find(kInclude);
    const size_t close = expanded.find("}}", at);
    if (at == std::string::npos || close == std::string::npos) break;
    const std::string included(expanded, at + kInclude.size(), close - at - kInclude.size());
    auto part = FindSql(dialects, included);
    if (!part || includes == kMaxIncludes) {
      return Status::InvalidArgument("SQL statement '" + std::string(name) + "': cannot include '" +
                                     included +
                                     (part ? "' (a cycle of includes)" : "' (no such statement)"));
    }
    expanded.replace(at, close + 2 - at, *part);
  }
  return RenderSql(expanded, vars);
}

}  // namespace sparkify
