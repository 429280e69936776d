// The embedded SQL catalog: lookup along the dialect chain and template rendering.
#include <gtest/gtest.h>

#include "engine/sql_catalog.h"

namespace sparkify {
namespace {

TEST(SqlCatalog, DialectFilesOverrideCommonOnes) {
  auto sqlite_check = FindSql({"sqlite", "common"}, "check_time_consistent");
  ASSERT_TRUE(sqlite_check.has_value());
  EXPECT_NE(sqlite_check->find("strftime"), std::string_view::npos);
  // SQLite's and PostgreSQL's drop_tables include the common list and add the direct load's
  // tables; Redshift, which stages the events itself, has none of them.
  auto sqlite_drop = LoadSql({"sqlite", "common"}, "drop_tables");
  ASSERT_TRUE(sqlite_drop.ok());
  EXPECT_NE(sqlite_drop->find("DROP TABLE IF EXISTS songplays"), std::string::npos);
  EXPECT_NE(sqlite_drop->find("DROP TABLE IF EXISTS direct_user_events"), std::string::npos);
  auto postgres_drop = LoadSql({"postgres", "common"}, "drop_tables");
  ASSERT_TRUE(postgres_drop.ok());
  EXPECT_NE(postgres_drop->find("DROP TABLE IF EXISTS songplays"), std::string::npos);
  EXPECT_NE(postgres_drop->find("DROP TABLE IF EXISTS direct_user_events"), std::string::npos);
  auto redshift_drop = LoadSql({"redshift", "postgres", "common"}, "drop_tables");
  ASSERT_TRUE(redshift_drop.ok());
  EXPECT_NE(redshift_drop->find("DROP TABLE IF EXISTS songplays"), std::string::npos);
  EXPECT_EQ(redshift_drop->find("direct_user_events"), std::string::npos);
  auto redshift_refresh = LoadSql({"redshift", "postgres", "common"}, "full_refresh");
  ASSERT_TRUE(redshift_refresh.ok());
  EXPECT_EQ(redshift_refresh->find("direct_"), std::string::npos);
  EXPECT_FALSE(FindSql({"sqlite", "common"}, "no_such_statement").has_value());
}

TEST(SqlCatalog, EveryDialectHasEveryStatementThePipelineRuns) {
  for (const char* name :
       {"create_tables", "drop_tables", "transform_songs", "transform_artists", "transform_users",
        "transform_user_levels", "transform_songplays", "transform_time"}) {
    EXPECT_TRUE(FindSql({"sqlite", "common"}, name).has_value()) << name;
  }
}

TEST(SqlCatalog, ChecksAreListedOnceEach) {
  auto names = SqlNamesWithPrefix({"sqlite", "common"}, "check_");
  EXPECT_GE(names.size(), 10u);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());
}

TEST(SqlCatalog, RendersPlaceholdersAndRefusesMissingOnes) {
  auto ok =
      RenderSql("DELETE FROM t WHERE run_id = {{run_id}} AND x = {{run_id}};", {{"run_id", "7"}});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, "DELETE FROM t WHERE run_id = 7 AND x = 7;");
  auto missing = RenderSql("SELECT {{nope}}", {});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("{{nope}}"), std::string::npos);
  auto absent = LoadSql({"sqlite"}, "no_such_statement");
  ASSERT_FALSE(absent.ok());
  EXPECT_NE(absent.status().message().find("no_such_statement"), std::string::npos);
}

TEST(SqlCatalog, IncludesAreReplacedByTheIncludedStatement) {
  const std::vector<std::string> sqlite = {"sqlite", "common"};
  auto rematch = LoadSql(sqlite, "rematch_songplays", {{"first_file_id", "7"}});
  ASSERT_TRUE(rematch.ok()) << rematch.status().message();
  auto songplays = LoadSql(sqlite, "transform_songplays",
                           {{"first_file_id", "7"}, {"run_id", "1"}, {"last_songplay_id", "0"}});
  ASSERT_TRUE(songplays.ok()) << songplays.status().message();
  EXPECT_EQ(songplays->find("{{include"), std::string::npos);
  EXPECT_NE(songplays->find(*rematch), std::string::npos);  // placeholders filled in both
  EXPECT_NE(songplays->find("file_id >= 7"), std::string::npos);
}

}  // namespace
}  // namespace sparkify
