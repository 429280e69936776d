// The analytics report as one self-contained HTML page (`sparkify report --out report.html`).
//
// Inline CSS and SVG only: no script, no font, image or style sheet to fetch (a
// Content-Security-Policy of default-src 'none' says so to the browser), so the file opens
// offline and mails as one attachment. Every section is a <section> with the section's id,
// its chart (svg_chart.h) and the table of the chart's numbers beneath it; a section with a
// note shows the note instead. Print styles keep a section on one page where it fits. All text
// from the warehouse is escaped.
//
// Pure function; thread-safe.
#pragma once

#include <string>

#include "report/analytics_report.h"

namespace sparkify::report {

std::string RenderAnalyticsHtml(const AnalyticsReport& report);

}  // namespace sparkify::report
