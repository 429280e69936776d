#include "engine/engine_kinds.h"

#include <libpq-fe.h>

#include <algorithm>

#include "engine/postgres_connection.h"
#include "engine/postgres_engine.h"
#include "engine/redshift_engine.h"
#include "engine/sqlite_engine.h"

namespace sparkify {
namespace {

// --- sqlite ---

WarehouseTarget SqliteTarget(const Config& config) {
  WarehouseTarget target;
  target.file = config.database.empty() ? SqliteOptions().path : config.database;
  return target;
}

Result<std::unique_ptr<Engine>> OpenSqlite(const Config& config, WarehouseAccess access) {
  SqliteOptions options;
  if (!config.database.empty()) options.path = config.database;
  options.read_only = access == WarehouseAccess::kReadOnly;
  options.busy_timeout_ms = config.lock_timeout_seconds * 1000;
  return OpenSqliteEngine(options);
}

// What a dry run shows of the rows it would write: those of the ledger and the quarantine (the
// files the run reads, the records it sets aside); the other tables' rows are counted.
const std::vector<std::string> kRowsShownInPlans = {"load_files", "load_errors"};

Result<std::unique_ptr<RecordingEngine>> PlanSqlite(const Config& config) {
  RecordingEngine::Options options;
  options.traits = SqliteTraits();
  options.begin = kSqliteBegin;
  options.skipping_writers = true;
  options.target = SqliteTarget(config);
  options.rows_shown = kRowsShownInPlans;
  return std::make_unique<RecordingEngine>(std::move(options));
}

// --- server engines (postgres, redshift) ---

// The connection string's parts, or else the [CLUSTER] keys, as given (the password unread).
WarehouseTarget ServerTarget(const Config& config) {
  WarehouseTarget target;
  target.schema = config.schema;
  if (config.database.empty()) {
    target.host = config.host;
    target.port = config.db_port;
    target.database = config.db_name;
    target.user = config.db_user;
    return target;
  }
  // A plain word is a database name, as Connect decides (PostgresOptions::conninfo); a
  // connection string is read as libpq reads it (its password is not looked at).
  if (!postgres::IsConnectionString(config.database)) {
    target.database = config.database;
    return target;
  }
  postgres::ConninfoHandle options(PQconninfoParse(config.database.c_str(), nullptr));
  if (!options) return target;  // Connect reports why
  for (const PQconninfoOption* o = options.get(); o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    const std::string_view key = o->keyword;
    if (key == "host") target.host = o->val;
    if (key == "port") target.port = o->val;
    if (key == "dbname") target.database = o->val;
    if (key == "user") target.user = o->val;
  }
  return target;
}

PostgresOptions ConnectionOptions(const Config& config, WarehouseAccess access) {
  PostgresOptions options;
  options.conninfo = config.database;  // when empty, the [CLUSTER] keys below
  options.host = config.host;
  options.port = config.db_port;
  options.dbname = config.db_name;
  options.user = config.db_user;
  options.password = config.db_password;
  options.schema = config.schema;
  options.read_only = access == WarehouseAccess::kReadOnly;
  options.lock_wait_ms = config.lock_timeout_seconds * 1000;
  return options;
}

Result<std::unique_ptr<Engine>> OpenPostgres(const Config& config, WarehouseAccess access) {
  return OpenPostgresEngine(ConnectionOptions(config, access));
}

Result<std::unique_ptr<RecordingEngine>> PlanPostgres(const Config& config) {
  // Without a connection the session's own lock_timeout is unknown: the plan shows none set.
  auto lock =
      PostgresEngine::RunLockFor(ConnectionOptions(config, WarehouseAccess::kReadWrite), "0");
  if (!lock.ok()) return lock.status();
  RecordingEngine::Options options;
  options.traits = PostgresEngine::Traits();
  options.begin = RunLockStatements(*lock);
  options.target = ServerTarget(config);
  options.rows_shown = kRowsShownInPlans;
  return std::make_unique<RecordingEngine>(std::move(options));
}

RedshiftStagingOptions StagingOptions(const Config& config) {
  RedshiftStagingOptions options;
  options.iam_role = config.iam_role_arn;
  options.log_jsonpath = config.log_jsonpath;
  options.staging_uri = config.staging_uri;
  return options;
}

Status CheckRedshiftConfig(const Config& config) {
  // libpq would try the local socket, which is never a Redshift cluster.
  if (!config.database.empty() || !config.host.empty()) return Status::Ok();
  return Status::InvalidArgument(
      (config.config_file.empty() ? "" : config.config_file + ": ") +
      "[CLUSTER] HOST: missing; Redshift (chosen by " + config.engine_origin +
      ") needs the cluster's endpoint there (`sparkify cluster create` writes it) or a "
      "connection string in --database");
}

Result<std::unique_ptr<Engine>> OpenRedshift(const Config& config, WarehouseAccess access) {
  return RedshiftEngine::Open({ConnectionOptions(config, access), StagingOptions(config)});
}

Result<std::unique_ptr<RecordingEngine>> PlanRedshift(const Config& config) {
  // The session's statement_timeout, which the lock sets back, is read once connected.
  auto begin = RedshiftEngine::BeginStatements(std::max(config.lock_timeout_seconds * 1000, 1),
                                               "{{statement_timeout}}");
  if (!begin.ok()) return begin.status();
  RecordingEngine::Options options;
  options.traits = RedshiftEngine::Traits();
  options.begin = *begin;
  options.target = ServerTarget(config);
  options.open_writer = MakeRedshiftInsertWriter;
  auto engine = std::make_unique<RecordingEngine>(std::move(options));
  RecordingEngine& recorder = *engine;
  engine->set_server_staging(std::make_unique<RedshiftStaging>(
      StagingOptions(config), recorder,
      [&recorder](std::string_view text) { recorder.Note(text); }));
  return engine;
}

}  // namespace

const std::vector<EngineKind>& EngineKinds() {
  static const std::vector<EngineKind> kKinds = {
      {"sqlite", "a SQLite file on this machine", nullptr, SqliteTarget, OpenSqlite, PlanSqlite},
      {"postgres", "a PostgreSQL server", nullptr, ServerTarget, OpenPostgres, PlanPostgres},
      {"redshift", "an Amazon Redshift cluster, which reads the files from S3 itself",
       CheckRedshiftConfig, ServerTarget, OpenRedshift, PlanRedshift},
  };
  return kKinds;
}

Result<const EngineKind*> FindEngineKind(std::string_view name) {
  for (const EngineKind& kind : EngineKinds()) {
    if (name == kind.name) return &kind;
  }
  return Status::InvalidArgument("engine '" + std::string(name) +
                                 "' is not available in this build (expected " + EngineNamesText() +
                                 ")");
}

std::string EngineNamesText() {
  const auto& kinds = EngineKinds();
  std::string text;
  for (size_t i = 0; i < kinds.size(); ++i) {
    text += i == 0 ? "" : (i + 1 == kinds.size() ? " or " : ", ");
    text += kinds[i].name;
  }
  return text;
}

Result<std::unique_ptr<RecordingEngine>> OpenPlanEngine(const Config& config) {
  auto kind = FindEngineKind(config.engine);
  if (!kind.ok()) return kind.status();
  // Not check_config: a plan makes no connection, so it needs no connection setting.
  return (*kind)->plan(config);
}

}  // namespace sparkify
