// The SQL statements of every dialect, embedded from sql/<dialect>/<name>.sql at build time.
//
// A statement is looked up along a dialect chain, most specific first (for example redshift,
// postgres, common), so a dialect overrides only what differs. Templates use {{name}}
// placeholders filled by RenderSql with values the pipeline controls (numbers, identifiers).
// All functions are pure and thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sparkify/status.h"

namespace sparkify {

struct SqlEntry {
  const char* dialect;
  const char* name;
  const char* text;
};

namespace sql_data {
extern const SqlEntry kEntries[];
extern const size_t kEntryCount;
}  // namespace sql_data

// The text of `name` for the first dialect in `dialects` that has it.
std::optional<std::string_view> FindSql(const std::vector<std::string>& dialects,
                                        std::string_view name);

// Names starting with `prefix` available along `dialects`, sorted, each once.
std::vector<std::string> SqlNamesWithPrefix(const std::vector<std::string>& dialects,
                                            std::string_view prefix);

// Replaces each {{key}} with vars.at(key); a placeholder without a value is an error.
Result<std::string> RenderSql(std::string_view text,
                              const std::map<std::string, std::string>& vars);

// FindSql, then its "{{include NAME}}" lines replaced by statement file NAME, then RenderSql;
// a missing statement is an error naming it.
Result<std::string> LoadSql(const std::vector<std::string>& dialects, std::string_view name,
                            const std::map<std::string, std::string>& vars = {});

}  // namespace sparkify
