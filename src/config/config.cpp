#include "sparkify/config.h"

#include "config/ini_file.h"
#include "engine/engine_kinds.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

namespace sparkify {
namespace {

struct Key {
  const char* section;
  const char* name;
  std::string Config::*field;
};

// Every key dwh.cfg may hold. Key names are case-insensitive and section names are not, as in
// Python's configparser which read the original file.
const Key kKeys[] = {
    {"CLUSTER", "HOST", &Config::host},       {"CLUSTER", "DB_NAME", &Config::db_name},
    {"CLUSTER", "DB_USER", &Config::db_user}, {"CLUSTER", "DB_PASSWORD", &Config::db_password},
    {"CLUSTER", "DB_PORT", &Config::db_port}, {"IAM_ROLE", "ARN", &Config::iam_role_arn},
    {"S3", "LOG_DATA", &Config::log_data},    {"S3", "LOG_JSONPATH", &Config::log_jsonpath},
    {"S3", "SONG_DATA", &Config::song_data},  {"S3", "STAGING", &Config::staging_uri},
    {"AWS", "KEY", &Config::aws_key},         {"AWS", "SECRET", &Config::aws_secret},
    {"WAREHOUSE", "ENGINE", &Config::engine}, {"WAREHOUSE", "DATABASE", &Config::database},
    {"WAREHOUSE", "SCHEMA", &Config::schema},
};

// Sections other commands read on their own: `sparkify cluster` reads the course's [DWH]
// (src/cluster/cluster_spec.cpp) and warns about its unknown keys itself.
const char* const kSectionsReadElsewhere[] = {"DWH"};

std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

// What the file says beyond its values: whether it has the course's [CLUSTER] section, and
// whether it names the engine itself.
struct FileFacts {
  bool cluster_section = false;
  bool names_engine = false;
};

// Reads `file` as configparser does (src/config/ini_file.h) into `config`.
Status ReadConfigFile(const std::string& file, Config& config, FileFacts& facts) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::IoError(file + ": cannot read configuration file");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Status::IoError(file + ": cannot read configuration file");
  auto ini = IniFile::Parse(text, file);
  if (!ini.ok()) return ini.status();
  std::set<std::string> known_sections;
  for (const Key& key : kKeys) {
    known_sections.insert(key.section);
    auto value = ini->Get(key.section, key.name);
    if (!value.ok()) return value.status();
    if (*value) config.*key.field = UnquoteValue(**value);
    if (*value && key.field == &Config::engine) facts.names_engine = true;
  }
  for (const IniFile::Section& section : ini->sections()) {
    if (section.name == "CLUSTER") facts.cluster_section = true;
    if (std::any_of(std::begin(kSectionsReadElsewhere), std::end(kSectionsReadElsewhere),
                    [&](const char* name) { return section.name == name; })) {
      continue;
    }
    if (!known_sections.count(section.name)) {
      std::string hint;
      if (known_sections.count(Upper(section.name))) {
        hint = "; section names are case-sensitive, as in configparser: [" + Upper(section.name) +
               "]?";
      }
      config.warnings.push_back(file + ":" + std::to_string(section.line) + ": unknown section [" +
                                section.name + "] (ignored" + hint + ")");
      continue;
    }
    for (const IniFile::Key& k : section.keys) {
      const bool known = std::any_of(std::begin(kKeys), std::end(kKeys), [&](const Key& key) {
        return section.name == key.section && Upper(k.name) == key.name;
      });
      if (!known) {
        config.warnings.push_back(file + ":" + std::to_string(k.line) + ": unknown key [" +
                                  section.name + "] " + k.name + " (ignored)");
      }
    }
  }
  config.config_file = file;
  return Status::Ok();
}

// `file` is "dwh.cfg: " (the file read, for messages), empty when none was read.
Status Validate(const Config& config, const std::string& file) {
  if (!FindEngineKind(config.engine).ok()) {
    return Status::InvalidArgument(config.engine_origin + ": invalid value '" + config.engine +
                                   "' (expected " + EngineNamesText() + ")");
  }
  if (!config.db_port.empty() && !std::all_of(config.db_port.begin(), config.db_port.end(),
                                              [](unsigned char c) { return std::isdigit(c); })) {
    return Status::InvalidArgument(file + "[CLUSTER] DB_PORT: invalid value '" + config.db_port +
                                   "' (expected a port number)");
  }
  if (!config.staging_uri.empty() && config.staging_uri.rfind("s3://", 0) != 0) {
    return Status::InvalidArgument(file + "[S3] STAGING: invalid value '" + config.staging_uri +
                                   "' (expected s3://bucket/prefix)");
  }
  return Status::Ok();
}

// `where` names the setting the schema came from: the flag, the variable or the file's key.
Status ValidateSchema(const std::string& schema, const std::string& where) {
  if (schema.empty() ||
      !(std::isalpha(static_cast<unsigned char>(schema[0])) || schema[0] == '_') ||
      !std::all_of(schema.begin(), schema.end(),
                   [](unsigned char c) { return std::isalnum(c) || c == '_'; })) {
    return Status::InvalidArgument(where + ": invalid value '" + schema +
                                   "' (expected letters, digits and _)");
  }
  // PostgreSQL (and Redshift) cut longer names to 63 bytes without a word (NAMEDATALEN - 1).
  constexpr size_t kMaxNameBytes = 63;
  if (schema.size() > kMaxNameBytes) {
    return Status::InvalidArgument(where + ": invalid value '" + schema + "' (" +
                                   std::to_string(schema.size()) +
                                   " characters; a schema name has at most 63)");
  }
  return Status::Ok();
}

}  // namespace

GetEnv ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

Result<Config> LoadConfig(const ConfigOverrides& overrides, const GetEnv& env) {
  Config config;
  std::string file;
  if (overrides.config_file) {
    file = *overrides.config_file;
    if (!std::filesystem::exists(file)) {
      return Status::InvalidArgument(file + ": configuration file not found");
    }
  } else if (std::filesystem::exists("dwh.cfg")) {
    file = "dwh.cfg";
  }
  FileFacts facts;
  if (!file.empty()) SPARKIFY_RETURN_IF_ERROR(ReadConfigFile(file, config, facts));
  const std::string in_file = file.empty() ? "" : file + ": ";
  if (facts.names_engine) {
    config.engine_origin = in_file + "[WAREHOUSE] ENGINE";
  } else if (facts.cluster_section) {
    // The course's dwh.cfg names no engine: its [CLUSTER] is a Redshift cluster.
    config.engine = "redshift";
    config.engine_origin = in_file + "[CLUSTER]";
  }
  const std::pair<const char*, std::string Config::*> kEnv[] = {
      {"SPARKIFY_ENGINE", &Config::engine},     {"SPARKIFY_DATABASE", &Config::database},
      {"SPARKIFY_SCHEMA", &Config::schema},     {"SPARKIFY_SONG_DATA", &Config::song_data},
      {"SPARKIFY_LOG_DATA", &Config::log_data},
  };
  std::string schema_from = in_file + "[WAREHOUSE] SCHEMA";
  for (const auto& [name, field] : kEnv) {
    if (auto v = env(name); v && !v->empty()) {
      config.*field = *v;
      if (field == &Config::schema) schema_from = name;
      if (field == &Config::engine) config.engine_origin = name;
    }
  }
  if (overrides.engine) {
    config.engine = *overrides.engine;
    config.engine_origin = "--engine";
  }
  if (overrides.database) config.database = *overrides.database;
  if (overrides.schema) {
    config.schema = *overrides.schema;
    schema_from = "--schema";
  }
  if (overrides.song_data) config.song_data = *overrides.song_data;
  if (overrides.log_data) config.log_data = *overrides.log_data;
  if (overrides.staging_uri) config.staging_uri = *overrides.staging_uri;
  if (overrides.lock_timeout_seconds) config.lock_timeout_seconds = *overrides.lock_timeout_seconds;

  SPARKIFY_RETURN_IF_ERROR(Validate(config, in_file));
  SPARKIFY_RETURN_IF_ERROR(ValidateSchema(config.schema, schema_from));
  return config;
}

}  // namespace sparkify
