// The table of engine kinds (src/engine/engine_kinds.h) is the one list of engines: every row
// is accepted by the configuration, opens (SQLite) or plans as itself, and is listed in the
// --engine help of every warehouse command; a name not in it is refused everywhere.
#include <gtest/gtest.h>

#include <set>

#include "engine/engine_kinds.h"
#include "sparkify/config.h"
#include "sparkify/pipeline.h"
#include "test_support.h"

namespace sparkify {
namespace {

using testing::RunSparkify;
using testing::TempDir;
using testing::WriteFile;

GetEnv NoEnvironment() {
  return [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
}

Result<Config> ConfigNaming(const TempDir& dir, const std::string& engine) {
  WriteFile(dir / "empty.cfg", "");
  ConfigOverrides overrides;
  overrides.config_file = (dir / "empty.cfg").string();
  overrides.engine = engine;
  overrides.database = engine == "sqlite" ? (dir / "w.db").string() : "dbname=dwh host=example";
  return LoadConfig(overrides, NoEnvironment());
}

TEST(EngineKinds, NamesAreUniqueAndDescribed) {
  std::set<std::string> names;
  for (const EngineKind& kind : EngineKinds()) {
    EXPECT_TRUE(names.insert(kind.name).second) << kind.name << " is listed twice";
    EXPECT_NE(std::string(kind.description), "") << kind.name;
    EXPECT_TRUE(kind.describe && kind.open && kind.plan) << kind.name;
    auto found = FindEngineKind(kind.name);
    ASSERT_TRUE(found.ok()) << kind.name;
    EXPECT_EQ(*found, &kind);
  }
  EXPECT_TRUE(names.count(Config{}.engine)) << "the default engine is a row of the table";
}

TEST(EngineKinds, EveryEngineIsAcceptedByTheConfigurationAndPlansAsItself) {
  TempDir dir;
  for (const EngineKind& kind : EngineKinds()) {
    auto config = ConfigNaming(dir, kind.name);
    ASSERT_TRUE(config.ok()) << kind.name << ": " << config.status().message();
    EXPECT_EQ(config->engine, kind.name);
    auto plan = OpenPlanEngine(*config);
    ASSERT_TRUE(plan.ok()) << kind.name << ": " << plan.status().message();
    EXPECT_EQ((*plan)->traits().name, kind.name);
    ASSERT_TRUE((*plan)->Begin().ok());
    EXPECT_NE((*plan)->transcript(), "") << kind.name << ": Begin() records the lock";
    EXPECT_NE(DescribeWarehouse(*config).find("engine " + std::string(kind.name) + " "),
              std::string::npos);
  }
  // The embedded engine opens for real, as the engine its row names.
  auto config = ConfigNaming(dir, "sqlite");
  ASSERT_TRUE(config.ok());
  auto engine = OpenEngine(*config);
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  EXPECT_EQ((*engine)->traits().name, "sqlite");
}

// A dry run's engine stands for the engine it plans: the same traits, server staging where the
// warehouse stages the files itself, and nothing opened or created.
TEST(EngineKinds, APlanEngineHasTheTraitsOfTheEngineItStandsFor) {
  TempDir dir;
  auto config = ConfigNaming(dir, "sqlite");
  ASSERT_TRUE(config.ok());
  auto plan = OpenPlanEngine(*config);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_FALSE(std::filesystem::exists(dir / "w.db"));
  auto opened = OpenEngine(*config);
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  const EngineTraits& a = (*opened)->traits();
  const EngineTraits& b = (*plan)->traits();
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.sql_dialects, b.sql_dialects);
  EXPECT_EQ(a.enforces_unique_keys, b.enforces_unique_keys);
  EXPECT_EQ(a.backslash_escapes_in_literals, b.backslash_escapes_in_literals);
  EXPECT_EQ(a.loads_star_directly, b.loads_star_directly);
  EXPECT_NE((*opened)->skipping_writers(), nullptr);
  EXPECT_NE((*plan)->skipping_writers(), nullptr);
  EXPECT_EQ((*opened)->server_staging(), nullptr);
  EXPECT_EQ((*plan)->server_staging(), nullptr);
  EXPECT_EQ((*opened)->target().file, (*plan)->target().file);

  config = ConfigNaming(dir, "redshift");
  ASSERT_TRUE(config.ok());
  plan = OpenPlanEngine(*config);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_NE((*plan)->server_staging(), nullptr) << "the cluster reads the files itself";
  const EngineTraits& redshift = (*plan)->traits();
  EXPECT_EQ(redshift.sql_dialects, (std::vector<std::string>{"redshift", "postgres", "common"}));
  EXPECT_FALSE(redshift.enforces_unique_keys);
  EXPECT_TRUE(redshift.backslash_escapes_in_literals);
  EXPECT_FALSE(redshift.loads_star_directly);
  EXPECT_EQ((*plan)->skipping_writers(), nullptr);
}

TEST(EngineKinds, ANameNotInTheTableIsRefusedNamingEveryEngine) {
  TempDir dir;
  auto config = ConfigNaming(dir, "duckdb");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().message(),
            "--engine: invalid value 'duckdb' (expected " + EngineNamesText() + ")");
  for (const EngineKind& kind : EngineKinds()) {
    EXPECT_NE(EngineNamesText().find(kind.name), std::string::npos) << kind.name;
  }
  const auto refused = RunSparkify("check --engine duckdb");
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
}

TEST(EngineKinds, EveryEngineIsListedInTheEngineHelpOfEveryWarehouseCommand) {
  for (const char* command : {"etl", "run", "create-tables", "check", "status", "errors"}) {
    const auto help = RunSparkify(std::string("help ") + command);
    ASSERT_EQ(help.exit_code, 0) << command << ": " << help.err;
    std::string choices;
    for (const EngineKind& kind : EngineKinds()) {
      choices += (choices.empty() ? "" : ",") + std::string(kind.name);
      const std::string line = std::string(kind.name) +
                               (kind.name == Config{}.engine ? " (default)" : "") + ", " +
                               kind.description;
      EXPECT_NE(help.out.find(line), std::string::npos) << command << " lacks '" << line << "'";
    }
    EXPECT_NE(help.out.find("--engine TEXT:{" + choices + "}"), std::string::npos)
        << command << ":\n"
        << help.out;
  }
}

}  // namespace
}  // namespace sparkify
