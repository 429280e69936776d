#include "cluster/cluster_spec.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "base/numbers.h"
#include "config/ini_file.h"

namespace sparkify {
namespace {

constexpr const char* kSection = "DWH";
constexpr const char* kAllKeys =
    "DWH_CLUSTER_TYPE, DWH_NUM_NODES, DWH_NODE_TYPE, DWH_CLUSTER_IDENTIFIER, DWH_DB, "
    "DWH_DB_USER, DWH_DB_PASSWORD, DWH_PORT, DWH_IAM_ROLE_NAME";

struct KeyRule {
  const char* name;
  bool for_lookup;  // needed by status and delete too
};
const KeyRule kKeys[] = {
    {"DWH_CLUSTER_TYPE", false},      {"DWH_NUM_NODES", false}, {"DWH_NODE_TYPE", false},
    {"DWH_CLUSTER_IDENTIFIER", true}, {"DWH_DB", false},        {"DWH_DB_USER", false},
    {"DWH_DB_PASSWORD", false},       {"DWH_PORT", false},      {"DWH_IAM_ROLE_NAME", true},
};

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

Result<ClusterSpec> ReadClusterSpec(const std::string& file, SpecUse use) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return Status::InvalidArgument(
        file + ": " + (std::filesystem::exists(file) ? "cannot read" : "not found") +
        " (sparkify cluster reads the course's [DWH] section from it; --config FILE names "
        "another)");
  }
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto ini = IniFile::Parse(text, file);
  if (!ini.ok()) return ini.status();
  if (!ini->HasSection(kSection)) {
    return Status::InvalidArgument(file +
                                   ": no [DWH] section (sparkify cluster reads the "
                                   "course's [DWH] keys: " +
                                   std::string(kAllKeys) + ")");
  }
  ClusterSpec spec;
  auto at = [&](const char* key) {
    const IniFile::Key* k = ini->Find(kSection, key);
    return file + ":" + std::to_string(k ? k->line : 0) + ": [DWH] " + key;
  };
  std::string values[std::size(kKeys)];
  for (size_t i = 0; i < std::size(kKeys); ++i) {
    auto value = ini->Get(kSection, kKeys[i].name);
    if (!value.ok()) return value.status();
    values[i] = *value ? UnquoteValue(**value) : std::string();
    const bool needed = use == SpecUse::kCreate || kKeys[i].for_lookup;
    if (needed && values[i].empty()) {
      return Status::InvalidArgument(
          file + ": [DWH] " + kKeys[i].name + " is " + (*value ? "empty" : "missing") +
          " (sparkify cluster reads the course's [DWH] keys: " + kAllKeys + ")");
    }
  }
  spec.cluster_type = values[0];
  spec.node_type = values[2];
  spec.identifier = values[3];
  spec.db_name = values[4];
  spec.db_user = values[5];
  spec.db_password = values[6];
  spec.role_name = values[8];
  for (const IniFile::Section& section : ini->sections()) {
    if (section.name != kSection) continue;
    for (const IniFile::Key& key : section.keys) {
      const bool known = std::any_of(std::begin(kKeys), std::end(kKeys),
                                     [&](const KeyRule& r) { return Upper(key.name) == r.name; });
      if (!known) {
        spec.warnings.push_back(file + ":" + std::to_string(key.line) + ": unknown key [DWH] " +
                                key.name + " (ignored)");
      }
    }
  }
  if (use == SpecUse::kLookUp) return spec;

  if (spec.cluster_type != "single-node" && spec.cluster_type != "multi-node") {
    return Status::InvalidArgument(at("DWH_CLUSTER_TYPE") + ": invalid value '" +
                                   spec.cluster_type + "' (expected single-node or multi-node)");
  }
  const auto nodes = ParseNumber<int>(values[1]);
  const int least = spec.cluster_type == "multi-node" ? 2 : 1;
  const int most = spec.cluster_type == "multi-node" ? 128 : 1;
  if (!nodes || *nodes < least || *nodes > most) {
    return Status::InvalidArgument(
        at("DWH_NUM_NODES") + ": invalid value '" + values[1] + "' (a " + spec.cluster_type +
        " cluster has " + (least == most ? std::string("1 node") : "2 to 128 nodes") + ")");
  }
  spec.num_nodes = *nodes;
  const auto port = ParseNumber<int>(values[7]);
  if (!port || *port < 1 || *port > 65535) {
    return Status::InvalidArgument(at("DWH_PORT") + ": invalid value '" + values[7] +
                                   "' (expected a port number; Redshift's default is 5439)");
  }
  spec.port = *port;
  return spec;
}

}  // namespace sparkify
