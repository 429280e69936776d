// Query results shaped into the analytics report's tables (analytics_report.h): typed cells,
// rankings ordered the same on every engine, and time axes without gaps.
//
// Pure functions on values; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "report/analytics_report.h"
#include "sparkify/engine.h"
#include "sparkify/status.h"

namespace sparkify::report {

// The query's rows as cells of the given kinds (kText or kCount), column by column; a value that
// is not the number its column promises is an error naming `what` and the column.
Result<Table> ToTable(const QueryResult& result, std::vector<Column> columns,
                      const std::string& what);

// The count in `row[column]`, 0 when it is NULL or not a count.
int64_t CountAt(const std::vector<Cell>& row, size_t column);

// Orders ranked rows by `count_column` descending, then by their text cells' bytes (NULL first),
// and keeps the first `top`: the same order on every engine, whatever its collation.
void KeepTop(Table& table, size_t count_column, int top);

std::string DayText(std::chrono::sys_days day);                          // YYYY-MM-DD
std::optional<std::chrono::sys_days> ParseDay(const std::string& text);  // YYYY-MM-DD, valid
// YYYY-MM-DD of a day written as the number year * 10000 + month * 100 + day; "" for NULL.
std::string DayFromNumber(const std::optional<std::string>& yyyymmdd);

// Rows keyed by a day (column 0, YYYY-MM-DD), completed with zero rows for the days between
// `first` and `last` that have none, so a chart's day axis has no gaps (not for more than about
// ten years of days).
void FillDays(Table& table, const std::string& first, const std::string& last);

// Rows keyed by an integer (column 0) completed with zero rows for every key in `keys`, in order.
void FillKeys(Table& table, const std::vector<int64_t>& keys);

// Text cells of `columns` cut to 'YYYY-MM-DD HH:MM:SS', whatever fraction the engine prints.
void TrimSeconds(Table& table, std::initializer_list<size_t> columns);

}  // namespace sparkify::report
