// sparkify: the command-line program. Parses options, runs one subcommand, maps its Status to
// an exit code and a one-line message on stderr.
#include <cstdio>

#include "cli/commands.h"

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

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (!status.ok()) {
    std::fprintf(stderr, "sparkify: error: %s\n", status.message().c_str());
  }
  return ExitCode(status.code());
}
