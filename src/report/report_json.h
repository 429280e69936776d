// The analytics report as JSON (`sparkify report --format json`): the same numbers as the HTML
// page, for tools. Shape: {"engine", "generated_at", "headline": {...}, "sections": [{"id",
// "title", "note" (null or why there are no numbers), "columns": [{"name", "kind"}], "rows":
// [[...]]}]}; counts are integers, shares fractions in [0, 1], NULL is null.
//
// Pure function; thread-safe.
#pragma once

#include <string>

#include "report/analytics_report.h"

namespace sparkify::report {

std::string FormatAnalyticsJson(const AnalyticsReport& report);

}  // namespace sparkify::report
