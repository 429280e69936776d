// sparkify: the command-line program. Parses options, runs one subcommand, maps its Status to
// an exit code and a one-line message on stderr.
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/usage.h"

namespace {

int ExitCode(sparkify::StatusCode code) {
  switch (code) {
    case sparkify::StatusCode::kOk:
      return 0;
    case sparkify::StatusCode::kInvalidArgument:
      return 2;
    case sparkify::StatusCode::kBusy:
      return 3;
    default:
      return 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "sparkify: raw Sparkify JSON (song catalog, event logs) into a star-schema "
      "warehouse on SQLite, PostgreSQL or Amazon Redshift."};
  app.set_version_flag("--version", std::string("sparkify ") + SPARKIFY_VERSION);
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 success, 1 failure (including a failed check), 2 invalid arguments or "
      "configuration, 3 warehouse busy with another run.\nRun `sparkify COMMAND --help` for a "
      "command's options.");

  sparkify::Status status;
  auto outcome = [&status](sparkify::Status s) { status = std::move(s); };
  sparkify::cli::SetupCreateTables(app, outcome);
  sparkify::cli::SetupEtl(app, outcome);
  sparkify::cli::SetupCheck(app, outcome);
  sparkify::cli::SetupGenerate(app, outcome);
  sparkify::cli::SetupCluster(app, outcome);
  sparkify::cli::SetupReport(app, outcome);
  sparkify::cli::SetupStatus(app, outcome);
  sparkify::cli::SetupErrors(app, outcome);

  // `sparkify help [COMMAND]`, as git and aws have it.
  std::vector<std::string> help_topic;
  CLI::App* help = app.add_subcommand("help", "show the help of sparkify or of one command");
  help->add_option("command", help_topic,
                   "a command, and a subcommand of it (help cluster create)");
  help->callback([&app, &help_topic, &status] {
    // `sparkify help cluster create` walks down the subcommands.
    const CLI::App* topic = &app;
    std::string path;
    for (const std::string& word : help_topic) {
      const CLI::App* parent = topic;
      topic = nullptr;
      path += (path.empty() ? "" : " ") + word;
      for (const CLI::App* sub : parent->get_subcommands({})) {
        if (sub->get_name() == word) topic = sub;
      }
      if (topic == nullptr) {
        status = sparkify::Status::InvalidArgument("help: unknown command '" + path +
                                                   "'; see 'sparkify --help'");
        return;
      }
    }
    // The formatter itself: App::help() would show the help of the command being run (help).
    std::fputs(topic->get_formatter()
                   ->make_help(topic, topic->get_name(), CLI::AppFormatMode::Normal)
                   .c_str(),
               stdout);
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // Every other parse error is a usage error: one line, exit code 2.
    const std::vector<std::string> args(argv + 1, argv + argc);
    const std::string line = sparkify::cli::UsageErrorLine(app, e, args);
    std::fprintf(stderr, "%s\n", line.c_str());
    const std::string prefix = "sparkify: error: ";
    sparkify::cli::PrintJsonOfUsageError(
        args, line.rfind(prefix, 0) == 0 ? line.substr(prefix.size()) : line);
    return sparkify::cli::kUsageExitCode;
  }
  if (!status.ok()) {
    std::fprintf(stderr, "sparkify: error: %s\n", status.message().c_str());
  }
  return ExitCode(status.code());
}
