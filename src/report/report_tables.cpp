#include "report/report_tables.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "base/numbers.h"

namespace sparkify::report {

Result<Table> ToTable(const QueryResult& result, std::vector<Column> columns,
                      const std::string& what) {
  Table table;
  table.columns = std::move(columns);
  for (const auto& row : result.rows) {
    if (row.size() < table.columns.size()) {
      return Status::EngineError(fmt::format("report query {}: {} columns, expected {}", what,
                                             row.size(), table.columns.size()));
    }
    auto& cells = table.rows.emplace_back();
    for (size_t c = 0; c < table.columns.size(); ++c) {
      if (!row[c]) {
        cells.emplace_back(std::monostate{});
      } else if (table.columns[c].kind == ColumnKind::kCount) {
        auto n = NumberFromWarehouse<int64_t>(*row[c], what + "." + table.columns[c].name);
        if (!n.ok()) return n.status();
        cells.emplace_back(*n);
      } else {
        cells.emplace_back(*row[c]);
      }
    }
  }
  return table;
}

int64_t CountAt(const std::vector<Cell>& row, size_t column) {
  const auto* n = std::get_if<int64_t>(&row[column]);
  return n ? *n : 0;
}

void KeepTop(Table& table, size_t count_column, int top) {
  auto text_key = [](const std::vector<Cell>& row) {
    std::vector<std::pair<bool, std::string>> key;
    for (const Cell& cell : row) {
      if (const auto* s = std::get_if<std::string>(&cell)) key.emplace_back(true, *s);
      if (std::holds_alternative<std::monostate>(cell)) key.emplace_back(false, "");
    }
    return key;
  };
  std::stable_sort(table.rows.begin(), table.rows.end(), [&](const auto& a, const auto& b) {
    if (CountAt(a, count_column) != CountAt(b, count_column))
      return CountAt(a, count_column) > CountAt(b, count_column);
    return text_key(a) < text_key(b);
  });
  if (table.rows.size() > static_cast<size_t>(std::max(top, 0))) table.rows.resize(top);
}

std::string DayText(std::chrono::sys_days day) {
  const std::chrono::year_month_day ymd(day);
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

std::optional<std::chrono::sys_days> ParseDay(const std::string& text) {
  if (text.size() != 10) return std::nullopt;
  auto y = ParseNumber<int>(std::string_view(text).substr(0, 4));
  auto m = ParseNumber<unsigned>(std::string_view(text).substr(5, 2));
  auto d = ParseNumber<unsigned>(std::string_view(text).substr(8, 2));
  if (!y || !m || !d) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year(*y), std::chrono::month(*m),
                                        std::chrono::day(*d)};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days(ymd);
}

void FillDays(Table& table, const std::string& first, const std::string& last) {
  const auto from = ParseDay(first), to = ParseDay(last);
  constexpr int kMaxDays = 3700;  // about ten years; a longer axis is not drawn day by day
  if (!from || !to || *to < *from || (*to - *from).count() > kMaxDays) return;
  std::map<std::string, std::vector<Cell>> by_day;
  for (auto& row : table.rows) by_day[std::get<std::string>(row[0])] = std::move(row);
  std::vector<std::vector<Cell>> rows;
  for (auto day = *from; day <= *to; day += std::chrono::days(1)) {
    const std::string key = DayText(day);
    auto it = by_day.find(key);
    if (it != by_day.end()) {
      rows.push_back(std::move(it->second));
      by_day.erase(it);
      continue;
    }
    auto& row = rows.emplace_back(table.columns.size(), Cell(int64_t{0}));
    row[0] = key;
  }
  for (auto& [key, row] : by_day) rows.push_back(std::move(row));  // outside the range
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return std::get<std::string>(a[0]) < std::get<std::string>(b[0]);
  });
  table.rows = std::move(rows);
}

void FillKeys(Table& table, const std::vector<int64_t>& keys) {
  std::map<int64_t, std::vector<Cell>> by_key;
  for (auto& row : table.rows) by_key[CountAt(row, 0)] = std::move(row);
  table.rows.clear();
  for (int64_t key : keys) {
    auto it = by_key.find(key);
    if (it != by_key.end()) {
      table.rows.push_back(std::move(it->second));
    } else {
      auto& row = table.rows.emplace_back(table.columns.size(), Cell(int64_t{0}));
      row[0] = key;
    }
  }
}

std::string DayFromNumber(const std::optional<std::string>& yyyymmdd) {
  const auto n = yyyymmdd ? ParseNumber<int64_t>(*yyyymmdd) : std::nullopt;
  if (!n) return "";
  return fmt::format("{:04}-{:02}-{:02}", *n / 10000, *n / 100 % 100, *n % 100);
}

void TrimSeconds(Table& table, std::initializer_list<size_t> columns) {
  for (auto& row : table.rows) {
    for (size_t c : columns) {
      if (auto* s = std::get_if<std::string>(&row[c]); s && s->size() > 19) s->resize(19);
    }
  }
}

}  // namespace sparkify::report
