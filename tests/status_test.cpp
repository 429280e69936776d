// sparkify status and sparkify errors, and the record of a failed run, on SQLite and PostgreSQL:
// the same history (a run that quarantines records from a file with a hostile name, then a run
// over the error budget) gives the same answers on both engines, printed without a control
// character, and etl --json gives one object also when the run fails.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <regex>
#include <string>

#include "postgres_fixture.h"
#include "test_support.h"

namespace sparkify::testing {
namespace {

namespace fs = std::filesystem;

std::string Quoted(const std::string& s) { return "'" + s + "'"; }

// The one JSON object `text` holds (a test failure when it is not exactly one).
simdjson::dom::element OneObject(simdjson::dom::parser& parser, const std::string& text) {
  simdjson::dom::element element;
  const auto error = parser.parse(text).get(element);
  EXPECT_EQ(error, simdjson::SUCCESS) << text;
  EXPECT_TRUE(!error && element.is_object()) << text;
  return element;
}

std::string Field(simdjson::dom::element e, const char* pointer) {
  simdjson::dom::element value;
  if (e.at_pointer(pointer).get(value)) return "<missing " + std::string(pointer) + ">";
  if (value.is_string()) return std::string(value.get_string().value());
  if (value.is_null()) return "null";
  return simdjson::to_string(value);
}

// JSON without what differs between the engines by design: where the warehouse is and when.
std::string Stable(std::string json) {
  json = std::regex_replace(json, std::regex(R"("engine": "[a-z]+", "target": \{[^}]*\})"),
                            R"("engine", "target")");
  json = std::regex_replace(json, std::regex(R"("(started|finished)_at": "[^"]*")"), R"("$1_at")");
  return json;
}

// A control character a terminal would act on: ESC, BEL, a raw newline inside a line...
bool HasControlCharacter(const std::string& text) {
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\n') || byte == 0x7f) return true;
  }
  return text.find("\xe2\x80\xae") != std::string::npos;  // RIGHT-TO-LEFT OVERRIDE
}

struct History {
  CommandResult first, failed;
  std::string args;  // --engine ... --database ...
  fs::path hostile;  // the file with the hostile name
};

// Run 1 loads the sample and quarantines the two records of a file whose name holds an escape
// sequence and a newline; run 2 goes over --max-errors 0 and fails.
History MakeHistory(const Dataset& d, const std::string& warehouse) {
  History h;
  h.args = warehouse;
  h.hostile = d.logs / "2018" / "11" / "2018-11-31-\x1b[2Jodd\nname.json";
  fs::remove(d.logs / "2018-12-01-events.json");  // of an earlier history
  WriteFile(h.hostile,
            "{\"ts\":\"x\x1b]0;pwned\x07\",\"sessionId\":1,\"itemInSession\":1}\n"
            "not json \xe2\x80\xae at all\n");
  h.first = RunSparkify("run -q --max-errors 10 " + h.args + " " + d.Sources());
  WriteFile(d.logs / "2018-12-01-events.json", "{\"ts\":1,\"sessionId\":1}\n");
  h.failed = RunSparkify("etl -q --json --max-errors 0 " + h.args + " " + d.Sources());
  return h;
}

void ExpectHistoryShown(const History& h) {
  ASSERT_EQ(h.first.exit_code, 0) << h.first.err;
  EXPECT_EQ(h.failed.exit_code, 1) << h.failed.err;
  const std::string error =
      "error budget exceeded: 1 of 1 records quarantined (--max-errors 0 records)";
  EXPECT_NE(h.failed.err.find("sparkify: error: " + error), std::string::npos) << h.failed.err;

  // etl --json: one object, also for the failed run.
  simdjson::dom::parser parser;
  auto report = OneObject(parser, h.failed.out);
  EXPECT_EQ(Field(report, "/status"), "failed");
  EXPECT_EQ(Field(report, "/error").rfind(error, 0), 0u) << h.failed.out;
  EXPECT_EQ(Field(report, "/run_id"), "2");
  EXPECT_EQ(Field(report, "/warehouse"), "null");
  EXPECT_EQ(Field(report, "/this_run/sources/logs/quarantined"), "1");
  EXPECT_NE(Field(report, "/sparkify_version"), "null");

  // status: the failed run with its error, the ledger, the quarantine.
  const CommandResult text = RunSparkify("status " + h.args);
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("runs: 2, 1 failed; last success: run 1\n"), std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("    run 2 failed "), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("error: " + error), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("quarantined: 2 records"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("files in the ledger: logs 31 ("), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("plays from 2018-11-01 21:01:46.796 to 2018-11-30 19:54:24.796"),
            std::string::npos)
      << text.out;
  EXPECT_FALSE(HasControlCharacter(text.out)) << text.out;

  simdjson::dom::parser status_parser;
  auto status = OneObject(status_parser, RunSparkify("status --json " + h.args).out);
  EXPECT_EQ(Field(status, "/runs/total"), "2");
  EXPECT_EQ(Field(status, "/runs/failed"), "1");
  EXPECT_EQ(Field(status, "/runs/last/0/status"), "failed");
  EXPECT_EQ(Field(status, "/runs/last/1/status"), "succeeded");
  EXPECT_EQ(Field(status, "/runs/last/1/quarantined"), "2");
  EXPECT_EQ(Field(status, "/tables/songplays"), "6820");
  EXPECT_EQ(Field(status, "/quarantined/records"), "2");

  // errors: file:line, reason and the record, with every control character escaped.
  const CommandResult errors = RunSparkify("errors " + h.args);
  ASSERT_EQ(errors.exit_code, 0) << errors.err;
  std::string shown_path = h.hostile.string();
  shown_path.replace(shown_path.find('\x1b'), 1, "\\x1b");
  shown_path.replace(shown_path.find('\n'), 1, "\\n");
  EXPECT_NE(
      errors.out.find("run 1 logs \"" + shown_path +
                      "\":1: malformed JSON: Within strings, some characters must be escaped"),
      std::string::npos)
      << errors.out;
  EXPECT_NE(errors.out.find("    {\"ts\":\"x\\x1b]0;pwned\\x07\",\"sessionId\":1"),
            std::string::npos)
      << errors.out;
  EXPECT_NE(errors.out.find("    not json \\u{202e} at all\n"), std::string::npos) << errors.out;
  EXPECT_NE(errors.out.find("2 matching records\n"), std::string::npos) << errors.out;
  EXPECT_FALSE(HasControlCharacter(errors.out)) << errors.out;

  // The filters.
  EXPECT_NE(RunSparkify("errors --limit 1 " + h.args).out.find("1 of 2 matching records shown"),
            std::string::npos);
  EXPECT_NE(RunSparkify("errors --run 2 " + h.args).out.find("no quarantined record matches"),
            std::string::npos);
  EXPECT_NE(RunSparkify("errors --source songs " + h.args).out.find("no quarantined record"),
            std::string::npos);
  const CommandResult by_reason = RunSparkify("errors --reason 'not a JSON' --file odd " + h.args);
  EXPECT_NE(by_reason.out.find("1 matching record\n"), std::string::npos) << by_reason.out;
  EXPECT_NE(by_reason.out.find("text that is not a JSON document"), std::string::npos);
  // A filter is a literal, not SQL.
  EXPECT_NE(RunSparkify("errors --file \"x' OR '1'='1\" " + h.args).out.find("no quarantined"),
            std::string::npos);
  simdjson::dom::parser errors_parser;
  auto listing = OneObject(errors_parser, RunSparkify("errors --json --run 1 " + h.args).out);
  EXPECT_EQ(Field(listing, "/matching"), "2");
  EXPECT_EQ(Field(listing, "/records/0/path"), h.hostile.string());
  EXPECT_EQ(Field(listing, "/records/0/line"), "1");
  EXPECT_EQ(Field(listing, "/records/1/raw_text"), "not json \xe2\x80\xae at all");
}

TEST(Status, SqliteShowsRunsFailedRunsAndTheQuarantine) {
  Dataset d;
  const History h = MakeHistory(d, "--database " + Quoted(d.db.string()));
  ExpectHistoryShown(h);
  EXPECT_EQ(FailedRuns(d.db).size(), 1u);
}

TEST(Status, PostgresShowsTheSameAsSqlite) {
  Dataset d;
  const History on_sqlite = MakeHistory(d, "--database " + Quoted(d.db.string()));
  const std::string uri = Postgres().CreateDatabase("status_history");
  const History on_postgres = MakeHistory(d, "--engine postgres --database " + Quoted(uri));
  ExpectHistoryShown(on_postgres);
  // SQLite loads the events directly, PostgreSQL stages them: all else is the same.
  static const std::regex kStaged(R"("staging_events": [0-9]+, )");
  for (const char* command : {"status --json ", "errors --json --limit 100 "}) {
    EXPECT_EQ(std::regex_replace(Stable(RunSparkify(command + on_sqlite.args).out), kStaged, ""),
              std::regex_replace(Stable(RunSparkify(command + on_postgres.args).out), kStaged, ""))
        << command;
  }
}

TEST(Status, ReadOnlyAndWithoutTables) {
  TempDir dir;
  for (const char* command : {"status", "errors"}) {
    const CommandResult missing = RunSparkify(std::string(command) + " --database nothere.db",
                                              "cd " + dir.path().string() + " &&");
    EXPECT_EQ(missing.exit_code, 2) << missing.err;
    EXPECT_EQ(missing.err,
              "sparkify: error: nothere.db: no such warehouse (load one with 'sparkify etl' "
              "first)\n");
  }
  EXPECT_TRUE(fs::is_empty(dir.path()));
  const std::string uri = Postgres().CreateDatabase("status_empty");
  const CommandResult empty = RunSparkify("status --engine postgres --database " + Quoted(uri));
  EXPECT_EQ(empty.exit_code, 2) << empty.err;
  EXPECT_NE(empty.err.find("the warehouse has no table etl_runs"), std::string::npos) << empty.err;
  // Reading never creates anything, not even the schema it was pointed at.
  const CommandResult schema =
      RunSparkify("errors --engine postgres --schema nothere --database " + Quoted(uri));
  EXPECT_EQ(schema.exit_code, 2) << schema.err;
  PgClient pg(uri);
  EXPECT_EQ(pg.Scalar("SELECT COUNT(*) FROM pg_namespace WHERE nspname = 'nothere'"), "0");
}

TEST(Status, JsonOfARunThatCannotConnectNamesTheTargetWithoutThePassword) {
  const std::string uri = fmt::format("postgresql://{}:{}@127.0.0.1:{}/no_such_db", kPasswordRole,
                                      kPasswordInUri, Postgres().port());
  const CommandResult r = RunSparkify("etl --json --engine postgres --database " + Quoted(uri) +
                                      " --song-data x --log-data y");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  simdjson::dom::parser parser;
  auto report = OneObject(parser, r.out);
  EXPECT_EQ(Field(report, "/status"), "failed");
  EXPECT_EQ(Field(report, "/target/user"), kPasswordRole);
  EXPECT_EQ(Field(report, "/target/database"), "no_such_db");
  EXPECT_EQ(Field(report, "/target/port"), std::to_string(Postgres().port()));
  for (const std::string& secret : {std::string(kPassword), std::string(kPasswordInUri)}) {
    EXPECT_EQ(r.out.find(secret), std::string::npos) << r.out;
    EXPECT_EQ(r.err.find(secret), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace sparkify::testing
