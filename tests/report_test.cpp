// `sparkify report` on SQLite: every section's numbers against independent SQL on the real
// sample (written against songplays' own columns, not the time table or the report's queries),
// the user_levels section with and without the table, quarantine by reason, hostile text
// escaped; and the SVG chart renderer on its own (axes, labels, one bar per value, escaping).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <regex>

#include "report/svg_chart.h"
#include "report_support.h"

namespace sparkify::testing {
namespace {

namespace fs = std::filesystem;

// The sample loaded once into a SQLite file that the tests copy before they change it.
class ReportOnSample : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const auto r =
        RunSparkify("run -q --database " + (*dir_ / "sample.db").string() + " " + SampleSources());
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static fs::path SampleDb() { return *dir_ / "sample.db"; }
  // A copy of the loaded sample the test may change.
  fs::path CopyOfSample() {
    const fs::path copy = own_.path() / "copy.db";
    fs::copy_file(SampleDb(), copy, fs::copy_options::overwrite_existing);
    return copy;
  }
  static ParsedReport Report(const fs::path& db) {
    const auto r = RunSparkify("report --format json --database " + db.string());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return ParseReportJson(r.out);
  }

  TempDir own_;
  static TempDir* dir_;
};
TempDir* ReportOnSample::dir_ = nullptr;

TEST_F(ReportOnSample, HeadlineMatchesSql) {
  const auto report = Report(SampleDb());
  const auto& h = report.headline;
  const fs::path db = SampleDb();
  EXPECT_EQ(h.at("plays"), std::to_string(SqliteInt(db, "SELECT COUNT(*) FROM songplays")));
  EXPECT_EQ(h.at("plays"), "6820");  // the issue's figure for the sample
  EXPECT_EQ(
      h.at("paid_plays"),
      std::to_string(SqliteInt(db, "SELECT COUNT(*) FROM songplays WHERE user_level = 'paid'")));
  EXPECT_EQ(h.at("users"), std::to_string(SqliteInt(db, "SELECT COUNT(*) FROM users")));
  EXPECT_EQ(h.at("paid_users"),
            std::to_string(SqliteInt(db, "SELECT COUNT(*) FROM users WHERE user_level = 'paid'")));
  EXPECT_EQ(h.at("listeners"),
            std::to_string(SqliteInt(db, "SELECT COUNT(DISTINCT user_id) FROM songplays")));
  EXPECT_EQ(
      h.at("matched_plays"),
      std::to_string(SqliteInt(db, "SELECT COUNT(*) FROM songplays WHERE song_id IS NOT NULL")));
  EXPECT_EQ(h.at("runs"), "1");
  EXPECT_EQ(
      SqliteRows(db,
                 "SELECT substr(MIN(start_time), 1, 10), substr(MAX(start_time), 1, 10), "
                 "CAST(julianday(substr(MAX(start_time), 1, 10)) - "
                 "julianday(substr(MIN(start_time), 1, 10)) + 1 AS INTEGER) FROM songplays"),
      std::vector<std::string>{h.at("first_day") + "|" + h.at("last_day") + "|" + h.at("days")});
  const double plays = std::stod(h.at("plays"));
  EXPECT_DOUBLE_EQ(std::stod(h.at("paid_share_of_plays")), std::stod(h.at("paid_plays")) / plays);
  EXPECT_DOUBLE_EQ(std::stod(h.at("catalog_match_rate")), std::stod(h.at("matched_plays")) / plays);
  EXPECT_DOUBLE_EQ(std::stod(h.at("paid_share_of_users")),
                   std::stod(h.at("paid_users")) / std::stod(h.at("users")));
}

TEST_F(ReportOnSample, EverySectionInOrder) {
  EXPECT_EQ(Report(SampleDb()).section_order, ReportSectionIds());
}

TEST_F(ReportOnSample, PlaysPerDayHourAndWeekdayMatchSql) {
  const auto report = Report(SampleDb());
  const fs::path db = SampleDb();
  // The sample has plays on each of its 30 days and in each hour, so no row is a filled zero.
  EXPECT_EQ(report.sections.at("plays-per-day").rows,
            SqliteRows(db,
                       "SELECT substr(start_time, 1, 10), COUNT(*) FROM songplays "
                       "GROUP BY 1 ORDER BY 1"));
  EXPECT_EQ(report.sections.at("plays-per-day").rows.size(), 30u);
  EXPECT_EQ(report.sections.at("plays-per-hour").rows,
            SqliteRows(db,
                       "SELECT CAST(substr(start_time, 12, 2) AS INTEGER), COUNT(*) "
                       "FROM songplays GROUP BY 1 ORDER BY 1"));
  // Monday first; strftime('%w') counts from Sunday.
  const char* names[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                         "Thursday", "Friday", "Saturday"};
  std::map<int, std::string> by_day;
  for (const auto& row : SqliteRows(db,
                                    "SELECT CAST(strftime('%w', start_time) AS INTEGER), "
                                    "COUNT(*) FROM songplays GROUP BY 1")) {
    const int day = std::stoi(row.substr(0, row.find('|')));
    by_day[(day + 6) % 7] = names[day] + row.substr(row.find('|'));
  }
  std::vector<std::string> expected;
  for (const auto& [order, row] : by_day) expected.push_back(row);
  EXPECT_EQ(report.sections.at("plays-per-weekday").rows, expected);
}

TEST_F(ReportOnSample, RankingsMatchSql) {
  const auto report = Report(SampleDb());
  const fs::path db = SampleDb();
  // SQLite's BINARY collation orders ties by bytes, as the report does on every engine.
  const auto songs = SqliteRows(db,
                                "SELECT song_title, artist_name, COUNT(*) FROM songplays "
                                "WHERE song_title IS NOT NULL GROUP BY 1, 2 "
                                "ORDER BY 3 DESC, 1, 2 LIMIT 10");
  EXPECT_EQ(report.sections.at("top-songs").rows, songs);
  ASSERT_FALSE(songs.empty());
  EXPECT_EQ(songs[0], "You're The One|Dwight Yoakam|37");  // the issue's anchor
  EXPECT_EQ(report.sections.at("top-artists").rows,
            SqliteRows(db,
                       "SELECT artist_name, COUNT(*), COUNT(DISTINCT song_title) "
                       "FROM songplays WHERE artist_name IS NOT NULL GROUP BY 1 "
                       "ORDER BY 2 DESC, 1 LIMIT 10"));
  EXPECT_EQ(report.sections.at("top-locations").rows,
            SqliteRows(db,
                       "SELECT user_location, COUNT(*), COUNT(DISTINCT user_id) "
                       "FROM songplays WHERE user_location IS NOT NULL GROUP BY 1 "
                       "ORDER BY 2 DESC, 1 LIMIT 10"));
}

TEST_F(ReportOnSample, TopOptionKeepsTiesInByteOrder) {
  const auto r = RunSparkify("report --format json --top 12 --database " + SampleDb().string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(
      ParseReportJson(r.out).sections.at("top-songs").rows,
      SqliteRows(SampleDb(),
                 "SELECT song_title, artist_name, COUNT(*) FROM songplays "
                 "WHERE song_title IS NOT NULL GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 12"));
}

TEST_F(ReportOnSample, FreeAgainstPaidAndSessionsMatchSql) {
  const auto report = Report(SampleDb());
  const fs::path db = SampleDb();
  const double plays = static_cast<double>(SqliteInt(db, "SELECT COUNT(*) FROM songplays"));
  const double users = static_cast<double>(SqliteInt(db, "SELECT COUNT(*) FROM users"));
  std::vector<std::string> expected;
  for (const char* level : {"free", "paid"}) {
    const int64_t p = SqliteInt(db, fmt::format("SELECT COUNT(*) FROM songplays WHERE "
                                                "user_level = '{}'",
                                                level));
    const int64_t u =
        SqliteInt(db, fmt::format("SELECT COUNT(*) FROM users WHERE user_level = '{}'", level));
    expected.push_back(fmt::format("{}|{}|{}|{}|{}", level, p, static_cast<double>(p) / plays, u,
                                   static_cast<double>(u) / users));
  }
  EXPECT_EQ(report.sections.at("free-vs-paid").rows, expected);

  // Sessions bucketed here from each session's play count.
  std::map<int, std::pair<int64_t, int64_t>> buckets;
  for (int b : {1, 2, 5, 10, 20, 50, 100}) buckets[b] = {0, 0};
  for (const auto& row :
       SqliteRows(db, "SELECT COUNT(*) FROM songplays GROUP BY user_id, session_id")) {
    const int n = std::stoi(row);
    int bucket = 1;
    for (int b : {2, 5, 10, 20, 50, 100}) bucket = n >= b ? b : bucket;
    buckets[bucket].first += 1;
    buckets[bucket].second += n;
  }
  const std::map<int, std::string> labels = {
      {1, "1"},           {2, "2\u20134"},    {5, "5\u20139"},     {10, "10\u201319"},
      {20, "20\u201349"}, {50, "50\u201399"}, {100, "100 or more"}};
  std::vector<std::string> sessions;
  for (const auto& [b, counts] : buckets) {
    sessions.push_back(fmt::format("{}|{}|{}", labels.at(b), counts.first, counts.second));
  }
  EXPECT_EQ(report.sections.at("session-lengths").rows, sessions);
}

TEST_F(ReportOnSample, LoadHealthMatchesLedger) {
  const auto report = Report(SampleDb());
  EXPECT_EQ(report.sections.at("load-files").rows,
            (std::vector<std::string>{"logs|30|8056|0", "songs|71|71|0"}));
  EXPECT_TRUE(report.sections.at("quarantine").rows.empty());
  EXPECT_EQ(report.sections.at("quarantine").note, "No record was quarantined.");
  ASSERT_EQ(report.sections.at("load-runs").rows.size(), 1u);
  EXPECT_TRUE(std::regex_match(
      report.sections.at("load-runs").rows[0],
      std::regex(R"(1\|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\|101\|0)")))
      << report.sections.at("load-runs").rows[0];
}

// user_levels filled with known stretches (whether or not the load builds the table): users who
// change level, one who never does, one whose first stretch lasted no time.
TEST_F(ReportOnSample, LevelChangesCountStretchesAfterTheFirst) {
  const fs::path db = CopyOfSample();
  ASSERT_EQ(SqliteExec(db,
                       "CREATE TABLE IF NOT EXISTS user_levels (user_id INTEGER NOT NULL, "
                       "user_level TEXT, valid_from TEXT NOT NULL, valid_to TEXT, "
                       "first_session_id INTEGER NOT NULL, first_item_in_session INTEGER NOT NULL);"
                       "DELETE FROM user_levels;"
                       "INSERT INTO user_levels (user_id, user_level, valid_from, valid_to, "
                       "first_session_id, first_item_in_session) VALUES "
                       "(1, 'free', '2018-11-01 10:00:00.000', '2018-11-05 09:00:00.000', 1, 0),"
                       "(1, 'paid', '2018-11-05 09:00:00.000', '2018-11-20 08:00:00.000', 2, 0),"
                       "(1, 'free', '2018-11-20 08:00:00.000', NULL, 3, 0),"
                       "(2, 'free', '2018-11-02 10:00:00.000', '2018-11-05 23:59:59.999', 1, 0),"
                       "(2, 'paid', '2018-11-05 23:59:59.999', NULL, 1, 5),"
                       "(3, 'paid', '2018-11-03 10:00:00.000', NULL, 1, 0),"
                       // a first stretch that lasted no time: it is no change, what follows is
                       "(4, 'free', '2018-11-10 10:00:00.000', '2018-11-10 10:00:00.000', 1, 0),"
                       "(4, 'paid', '2018-11-10 10:00:00.000', NULL, 1, 1);"),
            "");
  const auto section = Report(db).sections.at("level-changes");
  EXPECT_EQ(section.note, "");
  ASSERT_EQ(section.rows.size(), 30u);  // every day of the plays, changes or not
  for (const auto& row : section.rows) {
    if (row.rfind("2018-11-05", 0) == 0) {
      EXPECT_EQ(row, "2018-11-05|2|0");
    } else if (row.rfind("2018-11-10", 0) == 0) {
      EXPECT_EQ(row, "2018-11-10|1|0");
    } else if (row.rfind("2018-11-20", 0) == 0) {
      EXPECT_EQ(row, "2018-11-20|0|1");
    } else {
      EXPECT_EQ(row.substr(10), "|0|0");
    }
  }
}

TEST_F(ReportOnSample, MissingUserLevelsIsANoteNotAFailure) {
  const fs::path db = CopyOfSample();
  ASSERT_EQ(SqliteExec(db, "DROP TABLE IF EXISTS user_levels"), "");
  const auto section = Report(db).sections.at("level-changes");
  EXPECT_NE(section.note.find("no user_levels table"), std::string::npos) << section.note;
  EXPECT_TRUE(section.rows.empty());
  const fs::path html = own_.path() / "r.html";
  const auto r = RunSparkify("report --database " + db.string() + " --out " + html.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(ReadFile(html).find("no user_levels table"), std::string::npos);
}

TEST_F(ReportOnSample, HostileTextIsEscapedInThePage) {
  const fs::path db = CopyOfSample();
  ASSERT_EQ(SqliteExec(db,
                       "UPDATE songplays SET song_title = '<script>alert(1)</script>', "
                       "artist_name = '\"><img src=x onerror=alert(2)>' "
                       "WHERE song_title = 'Undo'"),
            "");
  const fs::path html = own_.path() / "r.html";
  const auto r = RunSparkify("report --database " + db.string() + " --out " + html.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string page = ReadFile(html);
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.find("<img"), std::string::npos);
  EXPECT_NE(page.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(page.find("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"), std::string::npos);
  // The page fetches nothing: no URL of any scheme but its own anchors.
  EXPECT_EQ(page.find(" src=\""), std::string::npos);
  EXPECT_EQ(page.find("url("), std::string::npos);
  EXPECT_EQ(page.find("@import"), std::string::npos);
  EXPECT_EQ(page.find("http://www.w3.org/2000/svg"), page.find("http://"));
  EXPECT_EQ(page.find("https://"), std::string::npos);
}

TEST_F(ReportOnSample, QuarantineByReasonMatchesLoadErrors) {
  TempDir dir;
  const std::string good =
      ReadFile(SampleDir() / "log_data" / "2018" / "11" / "2018-11-01-events.json");
  const std::string first_event = good.substr(0, good.find('\n'));
  WriteFile(dir / "logs" / "2018-11-01-events.json",
            first_event + "\n{\"not json\n" + Event(1541105830796, 1, 1, "\"7\"") + "\n" +
                Event(1541105830797, 1, 2, "\"abc\"") + "\n{broken\n");
  const fs::path db = dir / "w.db";
  const auto run =
      RunSparkify("run -q --max-errors 100% --database " + db.string() + " --song-data " +
                  (SampleDir() / "song_data").string() + " --log-data " + (dir / "logs").string());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_GT(SqliteInt(db, "SELECT COUNT(*) FROM load_errors"), 1);
  const auto report = Report(db);
  const auto expected =
      SqliteRows(db,
                 "SELECT source || ': ' || COALESCE(field, 'whole record'), COUNT(*), MIN(reason) "
                 "FROM load_errors GROUP BY source, field ORDER BY 2 DESC, 1");
  EXPECT_EQ(report.sections.at("quarantine").rows, expected);
  EXPECT_EQ(report.sections.at("quarantine").note, "");
  EXPECT_EQ(report.sections.at("load-files").rows.size(), 2u);
}

TEST_F(ReportOnSample, HtmlHasEverySectionWithChartAndTable) {
  const fs::path html = own_.path() / "r.html";
  const auto r =
      RunSparkify("report --database " + SampleDb().string() + " --out " + html.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string page = ReadFile(html);
  EXPECT_NE(page.find("<section id=\"headline\">"), std::string::npos);
  for (const auto& id : ReportSectionIds()) {
    EXPECT_NE(page.find("<section id=\"" + id + "\">"), std::string::npos) << id;
  }
  for (const char* charted : {"plays-per-day", "plays-per-hour", "plays-per-weekday", "top-songs",
                              "top-artists", "free-vs-paid", "session-lengths", "top-locations"}) {
    const size_t at = page.find(std::string("<section id=\"") + charted + "\">");
    const size_t end = page.find("</section>", at);
    const std::string section = page.substr(at, end - at);
    EXPECT_NE(section.find("<svg"), std::string::npos) << charted;
    EXPECT_NE(section.find("<table>"), std::string::npos) << charted;
    EXPECT_LT(section.find("<svg"), section.find("<table>")) << charted << ": table beneath chart";
  }
  EXPECT_NE(page.find(">6,820<"), std::string::npos);  // thousands separators
  EXPECT_NE(page.find(">1,364<"), std::string::npos);  // Wednesday's plays in its table
}

TEST_F(ReportOnSample, DefaultOutputAndErrors) {
  const auto missing = RunSparkify("report --database " + (own_.path() / "none.db").string());
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  EXPECT_NE(missing.err.find("no such warehouse"), std::string::npos) << missing.err;
  EXPECT_FALSE(fs::exists(own_.path() / "none.db"));
  const auto unwritable = RunSparkify("report --database " + SampleDb().string() + " --out " +
                                      (own_.path() / "no" / "dir" / "r.html").string());
  EXPECT_EQ(unwritable.exit_code, 1);
  EXPECT_NE(unwritable.err.find("cannot write the report"), std::string::npos) << unwritable.err;
}

TEST(Report, EmptyWarehouseGivesEverySectionWithoutNumbers) {
  TempDir dir;
  const fs::path db = dir / "empty.db";
  ASSERT_EQ(RunSparkify("create-tables --database " + db.string()).exit_code, 0);
  const auto json = RunSparkify("report --format json --database " + db.string());
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto report = ParseReportJson(json.out);
  EXPECT_EQ(report.headline.at("plays"), "0");
  EXPECT_EQ(report.headline.at("first_day"), "\\N");
  EXPECT_EQ(report.section_order, ReportSectionIds());
  EXPECT_TRUE(report.sections.at("top-songs").rows.empty());
  EXPECT_EQ(report.sections.at("plays-per-hour").rows.size(), 24u);  // all hours, all zero
  const auto html =
      RunSparkify("report --database " + db.string() + " --out " + (dir / "r.html").string());
  ASSERT_EQ(html.exit_code, 0) << html.err;
  EXPECT_NE(ReadFile(dir / "r.html").find("Nothing to show"), std::string::npos);
}

// --- the chart renderer on its own ---

report::BarChart ThreeHours() {
  report::BarChart chart;
  chart.id = "hours";
  chart.title = "Plays per hour";
  chart.category_label = "Hour of the day";
  chart.value_label = "Plays";
  chart.categories = {"0", "1", "2"};
  chart.series = {{"plays", {1200, 0, 3400}}};
  return chart;
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(SvgChart, ColumnsHaveAxesLabelsTicksAndOneBarPerValue) {
  const std::string svg = report::RenderBarChartSvg(ThreeHours());
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_EQ(Count(svg, "class=\"bar s0\""), 3u);
  EXPECT_EQ(Count(svg, "class=\"axis x-axis\""), 1u);
  EXPECT_EQ(Count(svg, "class=\"axis y-axis\""), 1u);
  EXPECT_NE(svg.find("<title id=\"hours-title\">Plays per hour</title>"), std::string::npos);
  EXPECT_NE(svg.find(">Plays per hour</text>"), std::string::npos);
  EXPECT_NE(svg.find(">Hour of the day</text>"), std::string::npos);
  EXPECT_NE(svg.find(">Plays</text>"), std::string::npos);
  EXPECT_NE(svg.find(">4,000</text>"), std::string::npos);  // the round top of the value axis
  EXPECT_NE(svg.find("<title>2: 3,400</title>"), std::string::npos);
  for (const char* tick : {">0</text>", ">1</text>", ">2</text>"}) {
    EXPECT_NE(svg.find(tick), std::string::npos) << tick;
  }
  EXPECT_EQ(Count(svg, "<svg"), 1u);
  EXPECT_EQ(Count(svg, "</svg>"), 1u);
}

TEST(SvgChart, TallerBarForLargerValue) {
  const std::string svg = report::RenderBarChartSvg(ThreeHours());
  std::vector<double> heights;
  const std::regex bar(R"re(class="bar s0"[^>]* height="([0-9.]+)")re");
  for (std::sregex_iterator it(svg.begin(), svg.end(), bar), end; it != end; ++it) {
    heights.push_back(std::stod((*it)[1].str()));
  }
  ASSERT_EQ(heights.size(), 3u);
  EXPECT_GT(heights[2], heights[0]);
  EXPECT_EQ(heights[1], 0);
  EXPECT_NEAR(heights[2] / heights[0], 3400.0 / 1200.0, 0.01);
}

TEST(SvgChart, BarsWithSeveralSeriesHaveALegend) {
  report::BarChart chart = ThreeHours();
  chart.orientation = report::ChartOrientation::kBars;
  chart.series.push_back({"sessions", {1, 2, 3}});
  const std::string svg = report::RenderBarChartSvg(chart);
  EXPECT_EQ(Count(svg, "class=\"bar s0\""), 3u);
  EXPECT_EQ(Count(svg, "class=\"bar s1\""), 3u);
  EXPECT_NE(svg.find("class=\"legend\""), std::string::npos);
  EXPECT_NE(svg.find(">sessions</text>"), std::string::npos);
}

TEST(SvgChart, HostileTextIsEscaped) {
  report::BarChart chart = ThreeHours();
  chart.id = "x\"><script>";
  chart.title = "<script>alert('t')</script>";
  chart.category_label = "a & b";
  chart.value_label = "</svg><img src=x>";
  chart.categories = {"<b>bold</b>", "\"quoted\"", "x"};
  chart.series[0].name = "<i>";
  for (auto orientation : {report::ChartOrientation::kColumns, report::ChartOrientation::kBars}) {
    chart.orientation = orientation;
    const std::string svg = report::RenderBarChartSvg(chart);
    EXPECT_EQ(svg.find("<script"), std::string::npos);
    EXPECT_EQ(svg.find("<img"), std::string::npos);
    EXPECT_EQ(svg.find("<b>"), std::string::npos);
    EXPECT_EQ(Count(svg, "</svg>"), 1u);
    EXPECT_NE(svg.find("&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;"), std::string::npos);
    EXPECT_NE(svg.find("a &amp; b"), std::string::npos);
    EXPECT_NE(svg.find("&lt;b&gt;bold&lt;/b&gt;"), std::string::npos);
    EXPECT_NE(svg.find("&quot;quoted&quot;"), std::string::npos);
  }
}

TEST(SvgChart, LongLabelsAreShortenedWithTheFullTextKept) {
  report::BarChart chart = ThreeHours();
  chart.orientation = report::ChartOrientation::kBars;
  const std::string long_name(80, 'x');
  chart.categories[0] = long_name;
  const std::string svg = report::RenderBarChartSvg(chart);
  EXPECT_NE(svg.find("<title>" + long_name + "</title>"), std::string::npos);
  EXPECT_NE(svg.find(std::string(43, 'x') + "\u2026</text>"), std::string::npos);
}

TEST(SvgChart, EmptyChartSaysNoData) {
  report::BarChart chart = ThreeHours();
  chart.categories.clear();
  chart.series[0].values.clear();
  const std::string svg = report::RenderBarChartSvg(chart);
  EXPECT_EQ(Count(svg, "class=\"bar s"), 0u);
  EXPECT_NE(svg.find(">no data</text>"), std::string::npos);
  EXPECT_EQ(Count(svg, "class=\"axis x-axis\""), 1u);
}

TEST(SvgChart, PercentAxis) {
  report::BarChart chart = ThreeHours();
  chart.format = report::ChartValueFormat::kPercent;
  chart.series[0].values = {18.0, 82.0, 0.5};
  const std::string svg = report::RenderBarChartSvg(chart);
  EXPECT_NE(svg.find(">100%</text>"), std::string::npos);
  EXPECT_NE(svg.find("<title>1: 82.0%</title>"), std::string::npos);
}

}  // namespace
}  // namespace sparkify::testing
