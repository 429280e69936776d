// Config: what a run needs to know, merged from flags, environment, dwh.cfg and defaults.
//
// dwh.cfg stays compatible with the original Redshift project:
//   [CLUSTER] HOST, DB_NAME, DB_USER, DB_PASSWORD, DB_PORT
//   [IAM_ROLE] ARN
//   [S3] LOG_DATA, LOG_JSONPATH, SONG_DATA, and STAGING (added: Redshift's manifests and uploads)
//   [AWS] KEY, SECRET
// plus [WAREHOUSE] ENGINE (an engine's name: src/engine/engine_kinds.h), DATABASE, SCHEMA.
// Precedence: command-line flags, then environment variables (SPARKIFY_ENGINE,
// SPARKIFY_DATABASE, SPARKIFY_SCHEMA, SPARKIFY_SONG_DATA, SPARKIFY_LOG_DATA), then the file,
// then defaults (no database: the engine's default, sparkify.db for SQLite and the [CLUSTER]
// keys plus libpq's own defaults for PostgreSQL). The engine, when no flag, variable or
// [WAREHOUSE] ENGINE names it, follows the course's file: a [CLUSTER] section means Redshift (and
// must then have a HOST), no [CLUSTER] means SQLite. `engine_origin` says which of these chose it
// and every error names the setting its value came from. Secrets are never part of messages.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sparkify/status.h"

namespace sparkify {

struct Config {
  std::string engine = "sqlite";
  std::string engine_origin =
      "the default";     // "--engine", "SPARKIFY_ENGINE", "dwh.cfg: [CLUSTER] HOST"...
  std::string database;  // SQLite file, or a libpq URI / key=value string; empty: engine default
  std::string schema = "public";  // server engines only
  int lock_timeout_seconds = 10;  // how long a run waits for another run holding the warehouse

  // [CLUSTER], used by server engines when `database` was not given.
  std::string host;
  std::string db_name;
  std::string db_user;
  std::string db_password;  // secret
  std::string db_port;

  std::string iam_role_arn;  // [IAM_ROLE] ARN
  std::string song_data;     // local path or s3:// URI
  std::string log_data;
  std::string log_jsonpath;  // [S3] LOG_JSONPATH (Redshift)
  std::string staging_uri;   // [S3] STAGING: s3://bucket/prefix Redshift writes manifests to
  std::string aws_key;       // [AWS] KEY
  std::string aws_secret;    // [AWS] SECRET, secret

  std::string config_file;            // the file that was read, empty when none
  std::vector<std::string> warnings;  // e.g. unknown keys
};

// Values given on the command line (the CLI binds its flags to these fields); unset ones do not
// override.
struct ConfigOverrides {
  std::optional<std::string> config_file;   // --config; without it ./dwh.cfg is read if present
  std::optional<std::string> engine;        // --engine
  std::optional<std::string> database;      // --database
  std::optional<std::string> schema;        // --schema
  std::optional<int> lock_timeout_seconds;  // --lock-timeout
  std::optional<std::string> song_data;     // --song-data (etl, run)
  std::optional<std::string> log_data;      // --log-data (etl, run)
  std::optional<std::string> staging_uri;   // --staging-uri (etl, run)
};

// Looks up an environment variable; injectable for tests.
using GetEnv = std::function<std::optional<std::string>(const std::string&)>;
GetEnv ProcessEnvironment();

Result<Config> LoadConfig(const ConfigOverrides& overrides, const GetEnv& env);

}  // namespace sparkify
