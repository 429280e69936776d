#include "cli/usage.h"

#include <algorithm>
#include <cctype>

#include "base/numbers.h"

namespace sparkify::cli {
namespace {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1] ? 1 : 0)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The subcommand the arguments select (the deepest one named), or `app` itself.
const CLI::App* Selected(const CLI::App& app, const std::vector<std::string>& args) {
  const CLI::App* at = &app;
  for (const std::string& arg : args) {
    if (arg.empty() || arg[0] == '-') continue;
    const CLI::App* sub = nullptr;
    for (const CLI::App* candidate : at->get_subcommands({})) {
      if (candidate->get_name() == arg) sub = candidate;
    }
    if (sub == nullptr) break;
    at = sub;
  }
  return at;
}

std::vector<std::string> OptionNames(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* option : app.get_options({})) {
    for (const std::string& name : option->get_lnames()) names.push_back("--" + name);
    for (const std::string& name : option->get_snames()) names.push_back("-" + name);
  }
  if (app.get_parent() != nullptr) {
    for (std::string& name : OptionNames(*app.get_parent())) names.push_back(std::move(name));
  }
  return names;
}

std::string CommandName(const CLI::App& app) {
  return app.get_parent() == nullptr ? "sparkify"
                                     : CommandName(*app.get_parent()) + " " + app.get_name();
}

}  // namespace

std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = std::max<size_t>(1, word.size() / 3) + 1;
  for (const std::string& candidate : candidates) {
    const size_t d = EditDistance(word, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

std::string UsageErrorLine(const CLI::App& app, const CLI::ParseError& error,
                           const std::vector<std::string>& args) {
  const CLI::App* at = Selected(app, args);
  const std::string help = "; see '" + CommandName(*at) + " --help'";
  // An unknown word where a command is expected, or an unknown option.
  for (const std::string& arg : args) {
    if (arg.size() > 1 && arg[0] == '-') {
      const std::string name = arg.substr(0, arg.find('='));
      const auto known = OptionNames(*at);
      if (std::find(known.begin(), known.end(), name) != known.end()) continue;
      if (name.rfind("--", 0) != 0) continue;
      const std::string suggestion = ClosestMatch(name, known);
      return "sparkify: error: " + CommandName(*at) + ": unknown option '" + name + "'" +
             (suggestion.empty() ? help : "; did you mean '" + suggestion + "'?");
    }
  }
  if (at == &app) {
    std::vector<std::string> commands;
    for (const CLI::App* sub : app.get_subcommands({})) commands.push_back(sub->get_name());
    for (const std::string& arg : args) {
      if (arg.empty() || arg[0] == '-') continue;
      const std::string suggestion = ClosestMatch(arg, commands);
      return "sparkify: error: unknown command '" + arg + "'" +
             (suggestion.empty() ? "; see 'sparkify --help'"
                                 : "; did you mean '" + suggestion + "'?");
    }
    return "sparkify: error: a command is required; see 'sparkify --help'";
  }
  std::string message = error.what();
  std::replace(message.begin(), message.end(), '\n', ' ');
  while (!message.empty() && message.back() == ' ') message.pop_back();
  return "sparkify: error: " + CommandName(*at) + ": " + message + help;
}

bool IsCalendarDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  const int year = ParseNumber<int>(text.substr(0, 4)).value_or(0);
  const int month = (text[5] - '0') * 10 + (text[6] - '0');
  const int day = (text[8] - '0') * 10 + (text[9] - '0');
  if (month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

CLI::Validator CalendarDate() {
  return CLI::Validator(
      [](std::string& value) {
        return IsCalendarDate(value) ? std::string()
                                     : "expected a calendar date YYYY-MM-DD, got '" + value + "'";
      },
      "DATE");
}

}  // namespace sparkify::cli
