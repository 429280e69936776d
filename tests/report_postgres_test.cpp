// `sparkify report` on PostgreSQL: the sample's report equals SQLite's number for number (the
// JSON but for the engine's name and the time it was made), its rankings and time buckets
// equal independent SQL on the server (EXTRACT and TO_CHAR on start_time, not the time table),
// whose ICU collation orders ties unlike bytes; and the Redshift dialect's report statements,
// run by an engine with Redshift's traits on the same server, give the same numbers too.
#include <gtest/gtest.h>

#include <regex>

#include "engine/postgres_engine.h"
#include "engine/redshift_engine.h"
#include "postgres_fixture.h"
#include "report/analytics_report.h"
#include "report/report_json.h"
#include "report_support.h"

namespace sparkify::testing {
namespace {

namespace fs = std::filesystem;

std::string WithoutRunDetails(std::string json) {
  json = std::regex_replace(json, std::regex(R"("engine": "[a-z]+")"), R"("engine": "")");
  json =
      std::regex_replace(json, std::regex(R"("generated_at": "[^"]*")"), R"("generated_at": "")");
  // When a run started and finished is not a number of the warehouse's contents.
  return std::regex_replace(json, std::regex(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)"), "T");
}

// Rows of `sql` on the server, each "v1|v2|..." (NULL as \N), in the query's order.
std::vector<std::string> PgRowsText(const std::string& uri, const std::string& sql) {
  PgClient client(uri);
  std::vector<std::string> out;
  for (const auto& row : client.Query(sql).rows) {
    std::string text;
    for (size_t c = 0; c < row.size(); ++c) text += (c ? "|" : "") + row[c].value_or("\\N");
    out.push_back(std::move(text));
  }
  return out;
}

class ReportOnPostgres : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    uri_ = new std::string(Postgres().CreateDatabase("report_sample"));
    const auto pg =
        RunSparkify("run -q --engine postgres --database '" + *uri_ + "' " + SampleSources());
    ASSERT_EQ(pg.exit_code, 0) << pg.err;
    const auto lite =
        RunSparkify("run -q --database " + (*dir_ / "sample.db").string() + " " + SampleSources());
    ASSERT_EQ(lite.exit_code, 0) << lite.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete uri_;
  }
  static std::string ReportJson(const std::string& engine_args) {
    const auto r = RunSparkify("report --format json " + engine_args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  static std::string PgArgs() { return "--engine postgres --database '" + *uri_ + "'"; }
  static std::string SqliteArgs() { return "--database " + (*dir_ / "sample.db").string(); }

  static TempDir* dir_;
  static std::string* uri_;
};
TempDir* ReportOnPostgres::dir_ = nullptr;
std::string* ReportOnPostgres::uri_ = nullptr;

TEST_F(ReportOnPostgres, SameNumbersAsSqlite) {
  const std::string pg = ReportJson(PgArgs());
  EXPECT_NE(pg.find("\"engine\": \"postgres\""), std::string::npos);
  EXPECT_EQ(WithoutRunDetails(pg), WithoutRunDetails(ReportJson(SqliteArgs())));
}

TEST_F(ReportOnPostgres, NumbersMatchSqlOnTheServer) {
  const auto report = ParseReportJson(ReportJson(PgArgs()));
  const std::string& uri = *uri_;
  // COLLATE "C": ties in byte order, as the report orders them whatever the database's collation.
  const auto songs =
      PgRowsText(uri,
                 "SELECT song_title, artist_name, COUNT(*) FROM songplays "
                 "WHERE song_title IS NOT NULL GROUP BY 1, 2 "
                 "ORDER BY 3 DESC, song_title COLLATE \"C\", artist_name COLLATE \"C\" LIMIT 10");
  EXPECT_EQ(report.sections.at("top-songs").rows, songs);
  ASSERT_FALSE(songs.empty());
  EXPECT_EQ(songs[0], "You're The One|Dwight Yoakam|37");
  EXPECT_EQ(report.sections.at("top-artists").rows,
            PgRowsText(uri,
                       "SELECT artist_name, COUNT(*), COUNT(DISTINCT song_title) "
                       "FROM songplays WHERE artist_name IS NOT NULL GROUP BY 1 "
                       "ORDER BY 2 DESC, artist_name COLLATE \"C\" LIMIT 10"));
  EXPECT_EQ(report.sections.at("top-locations").rows,
            PgRowsText(uri,
                       "SELECT user_location, COUNT(*), COUNT(DISTINCT user_id) "
                       "FROM songplays WHERE user_location IS NOT NULL GROUP BY 1 "
                       "ORDER BY 2 DESC, user_location COLLATE \"C\" LIMIT 10"));
  EXPECT_EQ(report.sections.at("plays-per-day").rows,
            PgRowsText(uri,
                       "SELECT TO_CHAR(start_time, 'YYYY-MM-DD'), COUNT(*) FROM songplays "
                       "GROUP BY 1 ORDER BY 1"));
  EXPECT_EQ(report.sections.at("plays-per-hour").rows,
            PgRowsText(uri,
                       "SELECT EXTRACT(HOUR FROM start_time)::int, COUNT(*) FROM songplays "
                       "GROUP BY 1 ORDER BY 1"));
  EXPECT_EQ(report.sections.at("plays-per-weekday").rows,
            PgRowsText(uri,
                       "SELECT TRIM(TO_CHAR(start_time, 'Day')), COUNT(*) FROM songplays "
                       "GROUP BY 1, EXTRACT(ISODOW FROM start_time) ORDER BY "
                       "EXTRACT(ISODOW FROM start_time)"));
  const auto& h = report.headline;
  EXPECT_EQ(
      PgRowsText(uri,
                 "SELECT COUNT(*), COUNT(*) FILTER (WHERE user_level = 'paid'), "
                 "COUNT(DISTINCT user_id) FROM songplays"),
      std::vector<std::string>{h.at("plays") + "|" + h.at("paid_plays") + "|" + h.at("listeners")});
}

TEST_F(ReportOnPostgres, LevelChangesFromUserLevels) {
  const std::string uri = Postgres().CreateDatabase("report_levels");
  ASSERT_EQ(
      RunSparkify("run -q --engine postgres --database '" + uri + "' " + SampleSources()).exit_code,
      0);
  PgClient client(uri);
  ASSERT_EQ(client.Exec("CREATE TABLE IF NOT EXISTS user_levels (user_id BIGINT NOT NULL, "
                        "user_level TEXT, valid_from TIMESTAMP NOT NULL, valid_to TIMESTAMP, "
                        "first_session_id BIGINT NOT NULL, first_item_in_session BIGINT NOT NULL);"
                        "DELETE FROM user_levels;"
                        "INSERT INTO user_levels (user_id, user_level, valid_from, valid_to, "
                        "first_session_id, first_item_in_session) VALUES "
                        "(1, 'free', '2018-11-01 10:00:00', '2018-11-05 09:00:00', 1, 0),"
                        "(1, 'paid', '2018-11-05 09:00:00', '2018-11-20 08:00:00', 2, 0),"
                        "(1, 'free', '2018-11-20 08:00:00', NULL, 3, 0),"
                        "(2, 'free', '2018-11-02 10:00:00', '2018-11-05 23:59:59.999', 1, 0),"
                        "(2, 'paid', '2018-11-05 23:59:59.999', NULL, 1, 5),"
                        "(3, 'paid', '2018-11-03 10:00:00', NULL, 1, 0),"
                        "(4, 'free', '2018-11-10 10:00:00', '2018-11-10 10:00:00', 1, 0),"
                        "(4, 'paid', '2018-11-10 10:00:00', NULL, 1, 1)"),
            "");
  const auto section = ParseReportJson(ReportJson("--engine postgres --database '" + uri + "'"))
                           .sections.at("level-changes");
  EXPECT_EQ(section.note, "");
  ASSERT_EQ(section.rows.size(), 30u);
  EXPECT_EQ(section.rows[4], "2018-11-05|2|0");
  EXPECT_EQ(section.rows[9], "2018-11-10|1|0");
  EXPECT_EQ(section.rows[19], "2018-11-20|0|1");
  EXPECT_EQ(section.rows[0], "2018-11-01|0|0");

  ASSERT_EQ(client.Exec("DROP TABLE user_levels"), "");
  const auto missing = ParseReportJson(ReportJson("--engine postgres --database '" + uri + "'"))
                           .sections.at("level-changes");
  EXPECT_NE(missing.note.find("no user_levels table"), std::string::npos) << missing.note;
}

// An engine with Redshift's traits (so its SQL dialect chain: redshift, postgres, common) on the
// test's PostgreSQL: the report's Redshift statements run and give PostgreSQL's numbers.
class RedshiftDialectOnPostgres final : public PostgresEngine {
 public:
  static std::unique_ptr<Engine> Open(const std::string& uri) {
    PostgresOptions options;
    options.conninfo = uri;
    auto session = Connect(options);
    EXPECT_TRUE(session.ok()) << session.status().message();
    if (!session.ok()) return nullptr;
    return std::unique_ptr<Engine>(
        new RedshiftDialectOnPostgres(std::move(session).value(), options));
  }

 private:
  RedshiftDialectOnPostgres(SessionPtr session, const PostgresOptions& options)
      : PostgresEngine(RedshiftEngine::Traits(), std::move(session), options) {}
};

TEST_F(ReportOnPostgres, RedshiftStatementsGiveTheSameNumbers) {
  auto redshift = RedshiftDialectOnPostgres::Open(*uri_);
  ASSERT_NE(redshift, nullptr);
  ASSERT_EQ(redshift->traits().name, "redshift");
  auto built = report::BuildAnalyticsReport(*redshift);
  ASSERT_TRUE(built.ok()) << built.status().message();
  EXPECT_EQ(WithoutRunDetails(report::FormatAnalyticsJson(*built)),
            WithoutRunDetails(ReportJson(PgArgs())));
}

}  // namespace
}  // namespace sparkify::testing
