// The command line's contract for usage errors: every one is a single line on stderr,
// "sparkify: error: ...", with "did you mean ...?" for a mistyped command or option, and exit
// code 2 (README, "Usage errors"). Also the validators the commands share (calendar dates).
//
// Pure functions of their arguments; thread-safe.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace sparkify::cli {

constexpr int kUsageExitCode = 2;

// The one line (without the trailing newline) for a parse error of `app` on `args` (argv[1..]).
std::string UsageErrorLine(const CLI::App& app, const CLI::ParseError& error,
                           const std::vector<std::string>& args);

// The candidate closest to `word` by edit distance when it is close enough to be a typo
// (at most a third of its length, and at least 1), else "".
std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates);

// True for a real calendar date written YYYY-MM-DD (2018-02-29 is not one).
bool IsCalendarDate(std::string_view text);

// A CLI11 validator of IsCalendarDate.
CLI::Validator CalendarDate();

}  // namespace sparkify::cli
